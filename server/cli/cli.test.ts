import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withDatabase } from '../../test/global-setup.ts'
import { runRelais, withCliEnvironment } from '../../test/support/cli.ts'
import { createTestDatabase, postgresUrl, type TestDatabase } from '../../test/support/database.ts'
import { listMigrations } from '../db/migrate.ts'
import { newToken, sha256, verifyPassword } from '../identity/credentials.ts'
import { findUserByEmail, insertSession } from '../identity/identity.store.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

const managedKeys = [
  'NODE_ENV',
  'DATABASE_URL',
  'RELAIS_DATA_DIR',
  'RELAIS_LOG_LEVEL',
  'RELAIS_DEMO',
  'RELAIS_ENCRYPTION_KEY',
  'RELAIS_ENCRYPTION_KEYS_RETIRED',
  'PORT',
  'HOST',
] as const

let database: TestDatabase
let dataDir: string

beforeAll(async () => {
  database = await createTestDatabase()
  dataDir = mkdtempSync(path.join(tmpdir(), 'relais-cli-'))
})
afterAll(async () => {
  await database.close()
  rmSync(dataDir, { recursive: true, force: true })
})

// Each test runs the CLI against this file's own database; the real environment comes back after.
withCliEnvironment(managedKeys, () => ({
  NODE_ENV: 'test',
  DATABASE_URL: database.url,
  RELAIS_DATA_DIR: dataDir,
  RELAIS_LOG_LEVEL: 'silent',
}))

const relais = runRelais

/** Runs the real executable, killed if it is still running after `limitMs` (a hung start). */
function spawnRelais(argv: string[], env: Record<string, string>, limitMs = 30_000) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['bin/relais.js', ...argv], {
      cwd: root,
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => {
      stdout += String(chunk)
    })
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk)
    })
    const guard = setTimeout(() => child.kill('SIGKILL'), limitMs)
    child.once('exit', (code) => {
      clearTimeout(guard)
      resolve({ code, stdout, stderr })
    })
  })
}

const uniqueEmail = (label: string) => `${label}.${randomBytes(4).toString('hex')}@example.org`

describe('help and usage errors', () => {
  it('prints the command list for --help, -h and help, and exits 0', async () => {
    for (const flag of ['--help', '-h', 'help']) {
      const result = await relais(flag)
      expect(result.code, flag).toBe(0)
      expect(result.stdout).toMatch(/^Usage: relais <command> \[options\]/)
      for (const command of ['serve', 'migrate', 'user create', 'user disable', 'audit verify'])
        expect(result.stdout).toContain(command)
    }
  })

  it('prints the command list but exits 2 when no command is given', async () => {
    const result = await relais()
    expect(result.code).toBe(2)
    expect(result.stdout).toContain('Usage: relais <command>')
  })

  it.each([['serve'], ['migrate'], ['user', 'create'], ['user', 'disable'], ['audit', 'verify']])(
    '%s %s --help prints its own usage and exits 0',
    async (...command) => {
      const result = await relais(...command, '--help')
      expect(result.code).toBe(0)
      expect(result.stdout).toMatch(new RegExp(`^Usage: relais ${command.join(' ')}\\b`))
      expect(result.stderr).toBe('')
    },
  )

  it('names the role choices in user create --help', async () => {
    const result = await relais('user', 'create', '-h')
    expect(result.stdout).toContain('advocate, supervisor, directory_manager, analyst, admin')
  })

  it.each([
    ['user', 'create'],
    ['audit', 'verify'],
    ['directory', 'import'],
  ])('%s --help lists the group’s commands, with %s among them', async (group, member) => {
    const result = await relais(group!, '--help')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(new RegExp(`^Usage: relais ${group} <command>`))
    expect(result.stdout).toContain(`${group} ${member}`)
    const bare = await relais(group!)
    expect(bare.code).toBe(2)
    expect(bare.stdout).toBe(result.stdout)
  })

  it.each([['frobnicate'], ['user', 'delete'], ['audit', 'repair']])(
    'refuses the unknown command %s %s with exit 2',
    async (...argv) => {
      const result = await relais(...argv)
      expect(result.code).toBe(2)
      expect(result.stderr).toContain(`relais: unknown command "${argv.join(' ')}"`)
      expect(result.stderr).toContain('Run "relais --help" for usage.')
    },
  )

  it('refuses unknown flags and missing flag values with exit 2, pointing at the command help', async () => {
    const unknown = await relais('migrate', '--force')
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/--force/)
    expect(unknown.stderr).toContain('Run "relais migrate --help" for usage.')
    const missingValue = await relais('user', 'create', '--role')
    expect(missingValue.code).toBe(2)
    expect(missingValue.stderr).toMatch(/--role/)
    expect(missingValue.stderr).toContain('Run "relais user create --help" for usage.')
    const positional = await relais('audit', 'verify', 'everything')
    expect(positional.code).toBe(2)
    expect(positional.stderr).toMatch(/everything/)
  })

  it('names an invalid environment variable and exits 2', async () => {
    process.env.DATABASE_URL = 'mysql://localhost/relais'
    const result = await relais('migrate')
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('DATABASE_URL')
  })
})

describe('migrate', () => {
  it('says the database is up to date when nothing is pending', async () => {
    const result = await relais('migrate')
    expect(result).toMatchObject({ code: 0, stdout: 'Database is up to date.' })
  })

  it('applies every migration to an empty database, once', async () => {
    const name = `relais_cli_empty_${randomBytes(4).toString('hex')}`
    const admin = new pg.Client({ connectionString: postgresUrl() })
    await admin.connect()
    await admin.query(`create database ${name}`)
    try {
      process.env.DATABASE_URL = withDatabase(postgresUrl(), name)
      const first = await relais('migrate')
      expect(first.code, first.stderr).toBe(0)
      const names = listMigrations().map((migration) => migration.name)
      expect(names.length).toBeGreaterThanOrEqual(3)
      expect(first.stdout).toBe(`Applied ${names.length} migration(s):\n  ${names.join('\n  ')}`)
      const second = await relais('migrate')
      expect(second.stdout).toBe('Database is up to date.')
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`)
      await admin.end()
    }
  })
})

describe('directory demo', () => {
  it('writes a synthetic directory of the size asked, and again the same entries for the same seed', async () => {
    const name = `relais_cli_demo_${randomBytes(4).toString('hex')}`
    const admin = new pg.Client({ connectionString: postgresUrl() })
    await admin.connect()
    await admin.query(`create database ${name}`)
    const client = new pg.Client({ connectionString: withDatabase(postgresUrl(), name) })
    try {
      process.env.DATABASE_URL = withDatabase(postgresUrl(), name)
      const first = await relais('directory', 'demo', '--services', '60', '--seed', '7')
      expect(first.code, first.stderr).toBe(0)
      expect(first.stdout).toMatch(
        /^Wrote the demo directory: 15 providers, 60 services and \d+ services of police/,
      )
      await client.connect()
      const counted = async () =>
        (
          await client.query(`select
            count(*) filter (where o.kind = 'service_provider')::int as providers,
            count(*) filter (where o.kind <> 'service_provider')::int as agencies,
            count(distinct o.jurisdiction_province) filter (where o.kind = 'child_protection')::int as provinces
          from directory_service s join directory_organization o on o.id = s.organization_id`)
        ).rows[0]
      const once = await counted()
      expect(once.providers).toBe(60)
      expect(once.provinces).toBe(13)
      const again = await relais('directory', 'demo', '--services', '60', '--seed', '7')
      expect(again.code, again.stderr).toBe(0)
      expect(await counted()).toEqual(once)
      const bad = await relais('directory', 'demo', '--services', '0')
      expect(bad.code).toBe(2)
      expect(bad.stderr).toContain('--services')
      process.env.NODE_ENV = 'production'
      const refused = await relais('directory', 'demo')
      expect(refused.code).toBe(2)
      expect(refused.stderr).toContain('refused when NODE_ENV=production')
    } finally {
      await client.end()
      await admin.query(`drop database if exists ${name} with (force)`)
      await admin.end()
    }
  })
})

describe('user create', () => {
  it('creates the account and prints a temporary password that signs in', async () => {
    const email = uniqueEmail('Cli.Create')
    const result = await relais('user', 'create', '--role', 'supervisor', '--email', email, '--name', 'Ana')
    expect(result.code, result.stderr).toBe(0)
    const password = result.stdout.match(/Temporary password \(shown once\): (\S+)/)?.[1]
    expect(password).toBeDefined()
    expect(password!.length).toBeGreaterThanOrEqual(12)
    const user = await findUserByEmail(database.db, email.toLowerCase())
    expect(user).toMatchObject({
      email,
      display_name: 'Ana',
      role: 'supervisor',
      locale: 'en',
      mfa_enrolled_at: null,
      disabled_at: null,
    })
    expect(await verifyPassword(user!.password_hash, password!)).toBe(true)
    expect(user!.password_hash).not.toContain(password!)
    const audit = await database.db
      .selectFrom('audit_event')
      .select(['action', 'actor_label', 'actor_id'])
      .where('entity_id', '=', user!.id)
      .execute()
    expect(audit).toEqual([{ action: 'user.created', actor_label: 'cli', actor_id: null }])
  })

  it('gives each account a different password, and honours --locale', async () => {
    const a = await relais('user', 'create', '--role', 'analyst', '--email', uniqueEmail('a'), '--name', 'A')
    const email = uniqueEmail('b')
    const b = await relais(
      'user',
      'create',
      '--role',
      'analyst',
      '--email',
      email,
      '--name',
      'B',
      '--locale',
      'fr',
    )
    const passwordOf = (stdout: string) => stdout.match(/: (\S+)\n/)?.[1]
    expect(passwordOf(a.stdout)).toBeDefined()
    expect(passwordOf(a.stdout)).not.toBe(passwordOf(b.stdout))
    expect((await findUserByEmail(database.db, email))?.locale).toBe('fr')
  })

  it.each([
    { flag: 'role', argv: ['--role', 'superuser', '--email', 'x@example.org', '--name', 'X'] },
    { flag: 'email', argv: ['--role', 'advocate', '--email', 'not-an-email', '--name', 'X'] },
    { flag: 'name', argv: ['--role', 'advocate', '--email', 'x@example.org', '--name', '   '] },
    { flag: 'name', argv: ['--role', 'advocate', '--email', 'x@example.org'] },
    {
      flag: 'locale',
      argv: ['--role', 'advocate', '--email', 'x@example.org', '--name', 'X', '--locale', 'de'],
    },
  ])('exits 2 naming --$flag when it is missing or invalid', async ({ flag, argv }) => {
    const result = await relais('user', 'create', ...argv)
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(new RegExp(`^relais: --${flag}\\b`))
    expect(result.stdout).toBe('')
    expect(await findUserByEmail(database.db, 'x@example.org')).toBeUndefined()
    expect(await findUserByEmail(database.db, 'not-an-email')).toBeUndefined()
  })

  it('exits 1 for an email already in use, whatever its case', async () => {
    const email = uniqueEmail('twin')
    expect(
      (await relais('user', 'create', '--role', 'advocate', '--email', email, '--name', 'One')).code,
    ).toBe(0)
    const again = await relais(
      'user',
      'create',
      '--role',
      'admin',
      '--email',
      email.toUpperCase(),
      '--name',
      'Two',
    )
    expect(again.code).toBe(1)
    expect(again.stderr).toBe('relais: a staff account with this email already exists')
    expect(again.stdout).toBe('')
    expect((await findUserByEmail(database.db, email))?.role).toBe('advocate')
  })
})

describe('user disable', () => {
  it('disables the account and ends all of its sessions', async () => {
    const email = uniqueEmail('leaving')
    expect((await relais('user', 'create', '--role', 'advocate', '--email', email, '--name', 'L')).code).toBe(
      0,
    )
    const user = (await findUserByEmail(database.db, email))!
    const other = uniqueEmail('staying')
    expect((await relais('user', 'create', '--role', 'advocate', '--email', other, '--name', 'S')).code).toBe(
      0,
    )
    const stayer = (await findUserByEmail(database.db, other))!
    for (const userId of [user.id, user.id, stayer.id]) {
      await insertSession(database.db, {
        tokenHash: sha256(newToken()),
        userId,
        stage: 'active',
        csrfToken: newToken(),
        address: null,
        userAgent: 'test',
        expiresAt: new Date(Date.now() + 3600_000),
      })
    }
    const sessionsOf = async (userId: string) =>
      (
        await database.db
          .selectFrom('staff_session')
          .select('token_hash')
          .where('user_id', '=', userId)
          .execute()
      ).length
    expect(await sessionsOf(user.id)).toBe(2)

    const result = await relais('user', 'disable', '--email', email.toUpperCase())
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain('sessions have ended')
    expect((await findUserByEmail(database.db, email))?.disabled_at).toBeInstanceOf(Date)
    expect(await sessionsOf(user.id)).toBe(0)
    expect(await sessionsOf(stayer.id)).toBe(1)
    expect((await findUserByEmail(database.db, other))?.disabled_at).toBeNull()
    const actions = await database.db
      .selectFrom('audit_event')
      .select('action')
      .where('entity_id', '=', user.id)
      .orderBy('id')
      .execute()
    expect(actions.map((row) => row.action)).toEqual(['user.created', 'user.disabled'])
  })

  it('exits 2 for an unknown email or none', async () => {
    const unknown = await relais('user', 'disable', '--email', 'nobody@example.org')
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('no staff account has the email nobody@example.org')
    const none = await relais('user', 'disable')
    expect(none.code).toBe(2)
    expect(none.stderr).toContain('--email is required')
  })
})

describe('audit verify', () => {
  let chain: TestDatabase
  beforeAll(async () => {
    chain = await createTestDatabase()
  })
  afterAll(() => chain.close())

  /** Runs SQL as someone who bypasses the append-only triggers (a superuser tampering by hand). */
  async function tamper(statement: string, values: unknown[] = []) {
    const client = new pg.Client({ connectionString: chain.url })
    await client.connect()
    try {
      await client.query('begin')
      await client.query('set local session_replication_role = replica')
      await client.query(statement, values)
      await client.query('commit')
    } finally {
      await client.end()
    }
  }

  it('passes an intact chain, then names an altered event, then a removed one', async () => {
    process.env.DATABASE_URL = chain.url
    const empty = await relais('audit', 'verify')
    expect(empty).toMatchObject({ code: 0, stdout: 'Audit trail intact: 0 event(s) verified.' })
    for (const label of ['one', 'two', 'three', 'four']) {
      const created = await relais(
        'user',
        'create',
        '--role',
        'advocate',
        '--email',
        uniqueEmail(label),
        '--name',
        label,
      )
      expect(created.code).toBe(0)
    }
    const intact = await relais('audit', 'verify')
    expect(intact).toMatchObject({ code: 0, stdout: 'Audit trail intact: 4 event(s) verified.' })

    // The table itself refuses ordinary changes.
    await expect(
      chain.db.updateTable('audit_event').set({ action: 'x' }).where('seq', '=', 2).execute(),
    ).rejects.toThrow(/append-only/)

    const original = await chain.db
      .selectFrom('audit_event')
      .select('details')
      .where('seq', '=', 2)
      .executeTakeFirstOrThrow()
    await tamper(`update audit_event set details = '{"x":1}' where seq = 2`)
    const altered = await relais('audit', 'verify')
    expect(altered.code).toBe(1)
    expect(altered.stderr).toBe('Audit trail BROKEN: event #2 was altered (1 event(s) verified before it).')

    await tamper('update audit_event set details = $1::jsonb where seq = 2', [
      JSON.stringify(original.details),
    ])
    expect((await relais('audit', 'verify')).code).toBe(0)

    await tamper('delete from audit_event where seq = 3')
    const removed = await relais('audit', 'verify')
    expect(removed.code).toBe(1)
    expect(removed.stderr).toBe('Audit trail BROKEN: event #3 was removed (2 event(s) verified before it).')
  })
})

describe('the relais executable', () => {
  const key = Buffer.alloc(32, 9).toString('base64')

  it('refuses serve --demo in production, before opening anything', async () => {
    const refused = await spawnRelais(['serve', '--demo'], {
      NODE_ENV: 'production',
      RELAIS_ENCRYPTION_KEY: key,
      RELAIS_DATA_DIR: dataDir,
      DATABASE_URL: database.url,
      HOST: '127.0.0.1',
      PORT: '0',
    })
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('--demo is refused when NODE_ENV=production')
    expect(refused.stdout).not.toContain('listening')
  })

  it('refuses RELAIS_DEMO in production, naming the variable', async () => {
    const refused = await spawnRelais(['serve'], {
      NODE_ENV: 'production',
      RELAIS_ENCRYPTION_KEY: key,
      RELAIS_DEMO: 'true',
      RELAIS_DATA_DIR: dataDir,
      DATABASE_URL: database.url,
      HOST: '127.0.0.1',
      PORT: '0',
    })
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('RELAIS_DEMO: demo accounts are refused when NODE_ENV=production')
    expect(refused.stdout).not.toContain('listening')
  })

  it('passes the exit code of a command on to the shell', async () => {
    const result = await spawnRelais(['frobnicate'], { NODE_ENV: 'test' })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('unknown command "frobnicate"')
  })
})
