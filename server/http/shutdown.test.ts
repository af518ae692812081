import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Socket, connect as tcpConnect } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts'
import { createSecrets } from '../crypto/secrets.ts'
import { createIdentityService } from '../identity/identity.service.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

function freePort(): Promise<number> {
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

/** Resolves once the accumulated output matches, with the match. */
function waitForOutput(child: ChildProcess, output: { text: string }, pattern: RegExp) {
  return new Promise<RegExpMatchArray>((resolve, reject) => {
    const check = () => {
      const match = output.text.match(pattern)
      if (!match) return
      child.stdout?.off('data', check)
      child.off('exit', onExit)
      resolve(match)
    }
    const onExit = (code: number | null) =>
      reject(new Error(`server exited (${code}) before printing ${pattern}:\n${output.text}`))
    child.stdout?.on('data', check)
    child.once('exit', onExit)
    check()
  })
}

/** Reads one HTTP response off a raw socket, until the server closes it or the body is complete. */
function readResponse(socket: Socket) {
  return new Promise<{ status: number; headers: string; body: string }>((resolve, reject) => {
    let raw = ''
    const finish = () => {
      const [head = '', body = ''] = raw.split('\r\n\r\n')
      const status = Number(head.match(/^HTTP\/1\.1 (\d{3})/)?.[1])
      resolve({ status, headers: head, body })
    }
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      raw += chunk
      const [head, body] = raw.split('\r\n\r\n')
      const length = Number(head?.match(/content-length: (\d+)/i)?.[1])
      if (body !== undefined && Number.isFinite(length) && Buffer.byteLength(body) >= length) finish()
    })
    socket.once('end', finish)
    socket.once('error', reject)
  })
}

function connectionOutcome(port: number) {
  return new Promise<'connected' | string>((resolve) => {
    const socket = tcpConnect({ port, host: '127.0.0.1' })
    socket.once('connect', () => {
      socket.destroy()
      resolve('connected')
    })
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message))
  })
}

describe('relais serve, on SIGTERM', () => {
  let database: TestDatabase
  let dataDir: string
  const email = `shutdown.${Date.now()}@example.org`

  beforeAll(async () => {
    database = await createTestDatabase()
    dataDir = mkdtempSync(path.join(tmpdir(), 'relais-data-'))
    const identity = createIdentityService({
      database,
      secrets: createSecrets([randomBytes(32)]),
      config: { sessionIdleMinutes: 30, sessionMaxHours: 12, refuseDemoAccounts: false },
    })
    await identity.createUser(
      { email, displayName: 'Shutdown test', role: 'advocate', password: 'the right password', locale: 'en' },
      { actorId: null, actorLabel: 'test', address: null, requestId: null },
    )
  })
  afterAll(async () => {
    await database?.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('finishes the request in flight, refuses new connections, and exits 0', async () => {
    const port = await freePort()
    const child = spawn(process.execPath, ['bin/relais.js', 'serve'], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: String(port),
        DATABASE_URL: database.url,
        RELAIS_DATA_DIR: dataDir,
        RELAIS_LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const output = { text: '' }
    child.stdout.on('data', (chunk) => {
      output.text += String(chunk)
    })
    child.stderr.on('data', (chunk) => {
      output.text += String(chunk)
    })
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    )

    try {
      await waitForOutput(child, output, /Relais is listening on http:\/\/127\.0\.0\.1:\d+/)

      // Headers and half of the body of a sign-in with the wrong password.
      const body = JSON.stringify({ email, password: 'not the right password' })
      const half = Math.floor(body.length / 2)
      const socket = tcpConnect({ port, host: '127.0.0.1' })
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve)
        socket.once('error', reject)
      })
      const response = readResponse(socket)
      socket.write(
        [
          'POST /api/auth/sign-in HTTP/1.1',
          `Host: 127.0.0.1:${port}`,
          'Content-Type: application/json',
          `Content-Length: ${Buffer.byteLength(body)}`,
          '',
          body.slice(0, half),
        ].join('\r\n'),
      )
      // The server has routed the request (its onRequest log line) before it is told to stop.
      await waitForOutput(child, output, /"url":"\/api\/auth\/sign-in"[^\n]*"msg":"incoming request"/)

      child.kill('SIGTERM')
      await waitForOutput(child, output, /"signal":"SIGTERM"[^\n]*"msg":"shutting down"/)
      socket.write(body.slice(half))

      const answer = await response
      expect(answer.status, output.text).toBe(401)
      expect(JSON.parse(answer.body)).toMatchObject({ code: 'invalid_credentials' })
      socket.destroy()

      expect(await connectionOutcome(port)).toBe('ECONNREFUSED')
      expect(await exited).toEqual({ code: 0, signal: null })
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    }
  })
})
