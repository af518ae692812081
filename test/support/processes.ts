import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Kysely } from 'kysely'
import type { Role } from '../../common/permissions.ts'
import type { DB } from '../../server/db/schema.ts'
import { hashPassword, newToken, sha256 } from '../../server/identity/credentials.ts'
import { insertSession, insertUser, updateUser } from '../../server/identity/identity.store.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** A key every process of one deployment shares, so each can open what another sealed. */
export const newEncryptionKey = () => randomBytes(32).toString('base64')

export interface RelaisProcess {
  port: number
  /** `http://127.0.0.1:<port>`: where requests go, and the Origin the console's socket must carry. */
  origin: string
  /** Everything the process printed so far (for failure messages). */
  output(): string
  /** SIGKILL: no shutdown at all, as when a machine loses power; resolves once the process is gone. */
  crash(): Promise<void>
  /** SIGTERM, then SIGKILL if it has not exited within 10 s. */
  stop(): Promise<void>
}

/**
 * `relais serve` in a child process of its own, as in production, listening on a free loopback port.
 * `env` adds to (or overrides) a production environment without demo data; DATABASE_URL and
 * RELAIS_ENCRYPTION_KEY are the caller's, so several processes can share one deployment.
 */
export async function startRelaisProcess(
  env: Record<string, string>,
  { startTimeoutMs = 90_000 } = {},
): Promise<RelaisProcess> {
  const port = await freePort()
  const dataDir = mkdtempSync(path.join(tmpdir(), 'relais-process-'))
  const child: ChildProcess = spawn(process.execPath, ['bin/relais.js', 'serve'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      RELAIS_DATA_DIR: dataDir,
      RELAIS_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const collect = (chunk: Buffer) => {
    output += String(chunk)
  }
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const gone = () => child.exitCode !== null || child.signalCode !== null
  const cleanUp = async () => {
    await exited
    rmSync(dataDir, { recursive: true, force: true })
  }
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`relais serve did not start within ${startTimeoutMs} ms:\n${output}`))
      }, startTimeoutMs)
      const check = () => {
        if (!/Relais is listening on/.test(output)) return
        clearTimeout(timer)
        child.stdout?.off('data', check)
        child.off('exit', onExit)
        resolve()
      }
      const onExit = (code: number | null) => {
        clearTimeout(timer)
        reject(new Error(`relais serve exited (${code}) before listening:\n${output}`))
      }
      child.stdout?.on('data', check)
      child.once('exit', onExit)
    })
  } catch (error) {
    if (!gone()) child.kill('SIGKILL')
    await cleanUp()
    throw error
  }
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    output: () => output,
    async crash() {
      if (!gone()) child.kill('SIGKILL')
      await cleanUp()
    },
    async stop() {
      if (!gone()) {
        child.kill('SIGTERM')
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000)
        await exited
        clearTimeout(killer)
      }
      await cleanUp()
    },
  }
}

export interface StaffSession {
  id: string
  cookie: string
  csrf: string
  /** What a console request carries: the session cookie and the CSRF token. */
  headers: { cookie: string; 'x-csrf-token': string }
}

let passwordHash: Promise<string> | null = null
let staffCounter = 0

/**
 * A staff member enrolled in MFA and signed in, written straight to the store (no TestApp needed: the
 * processes under test read the same database). Nobody signs in with the password: one argon2 hash
 * serves every account, so a benchmark can create dozens quickly.
 */
export async function signedInStaff(
  db: Kysely<DB>,
  { role = 'advocate', displayName }: { role?: Role; displayName?: string } = {},
): Promise<StaffSession> {
  passwordHash ??= hashPassword(randomBytes(16).toString('hex'))
  staffCounter += 1
  const user = await insertUser(db, {
    email: `${role}.${staffCounter}.${randomBytes(4).toString('hex')}@example.org`,
    displayName: displayName ?? `${role} ${staffCounter}`,
    role,
    passwordHash: await passwordHash,
    locale: 'en',
  })
  await updateUser(db, user.id, { mfa_enrolled_at: new Date() })
  const token = newToken()
  const csrf = newToken()
  await insertSession(db, {
    tokenHash: sha256(token),
    userId: user.id,
    stage: 'active',
    csrfToken: csrf,
    address: null,
    userAgent: 'test',
    expiresAt: new Date(Date.now() + 3600_000),
  })
  const cookie = `relais_session=${token}`
  return { id: user.id, cookie, csrf, headers: { cookie, 'x-csrf-token': csrf } }
}
