import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { emailSchema, roleSchema } from '../../common/contracts/identity.ts'
import { type AuditContext, sealAuditEvents, verifyAuditChain } from '../audit/audit.store.ts'
import { type Env, EnvError, loadEnv } from '../config/env.ts'
import { migrate } from '../db/migrate.ts'
import { DEFAULT_DEMO_SERVICES, generateDirectory } from '../directory/demo/generate.ts'
import { seedDirectory } from '../directory/demo/seed.ts'
import { exportDirectory } from '../directory/hsds/export.ts'
import { runDirectoryImport } from '../directory/import/cli.ts'
import { AppError } from '../http/errors.ts'
import { createIdentityService, identityConfigFor } from '../identity/identity.service.ts'
import { findUserByEmail } from '../identity/identity.store.ts'
import { reportHelp, runReport } from '../reporting/report.cli.ts'
import { DEMO_SEED, openConfiguredDatabase, secretsFor, startRelais } from '../runtime.ts'
import { extractHelp, runExtract, runExtractVerify } from '../sharing/extract.cli.ts'
import { UsageError } from './usage.ts'

const cliAudit: AuditContext = { actorId: null, actorLabel: 'cli', address: null, requestId: null }

const help: Record<string, string> = {
  main: `Usage: relais <command> [options]

Commands:
  serve                 Start the server (add --demo for demo data)
  migrate               Apply pending database migrations
  user create           Create a staff account
  user disable          Disable a staff account and end its sessions
  audit verify          Check that the audit trail has not been altered
  directory import      Import directory entries (HSDS JSON, HSDS CSV datapackage, spreadsheet)
  directory export      Export the directory as HSDS 3.1 (JSON, or CSV datapackage)
  directory demo        Write a synthetic Canadian demo directory, of any size
  report                Write the funder's report for a period (PDF, XLSX, CSV or JSON)
  extract               Write the statistics agency's de-identified, k-anonymous extract of the cases
  extract verify        Check that an extract's data.csv is k-anonymous

Run "relais <command> --help" for a command's options. Configuration comes from environment
variables (see README.md).`,
  serve: `Usage: relais serve [--demo]

Starts Relais on HOST:PORT. Applies pending migrations first.
  --demo    Create demo data and print demo credentials (refused when NODE_ENV=production)`,
  migrate: `Usage: relais migrate

Applies pending migrations to the configured database (DATABASE_URL, or the embedded database in
RELAIS_DATA_DIR) and lists what was applied.`,
  'user create': `Usage: relais user create --role ROLE --email EMAIL --name "NAME" [--locale en|fr]

Creates a staff account with a random temporary password, printed once. The person enrols MFA at
first sign-in. ROLE is one of: ${roleSchema.options.join(', ')}.`,
  'user disable': `Usage: relais user disable --email EMAIL

Disables the account and ends all its sessions at once.`,
  'audit verify': `Usage: relais audit verify

Walks the hash chain of the audit trail and names the first event that was altered or removed.
Exits 0 when the chain is intact, 1 otherwise.`,
  'directory import': `Usage: relais directory import FILE [--format F] [--partial] [--language en|fr] [--lang en|fr]

Imports referral directory entries, creating new ones and updating those whose id exists; each
changed field is recorded as HSDS metadata. FILE is an HSDS 3.1 JSON file (one object, an array, or
an API page), a folder holding an HSDS tabular datapackage.json and its CSV files, or a Relais
spreadsheet CSV (docs/directory-spreadsheet.md).
  --format F       auto (default), hsds-json, hsds-csv or spreadsheet
  --partial        Import the valid entries and report the others (default: import nothing if any has an error)
  --language L     Language of text the file does not mark (en by default)
  --lang L         Language of the messages (en or fr)
Exits 1, listing every error with its place and field, when the file has errors and nothing was imported.`,
  'directory export': `Usage: relais directory export --format hsds-json|hsds-csv --out PATH [--include-confidential]

Exports the referral directory as Open Referral HSDS 3.1 (docs/directory-export.md).
  --format hsds-json      One JSON file at PATH, with one array per HSDS type
  --format hsds-csv       A folder at PATH: the HSDS tabular datapackage.json and its CSV files
  --include-confidential  Also export confidential entries (shelters, ...): FOR BACKUPS ONLY. The
                          result is then confidential itself and must never be published. Without
                          it, the export holds exactly what the public directory shows.`,
  'directory demo': `Usage: relais directory demo [--services N] [--seed S]

Writes a synthetic Canadian directory into the database: service providers across the 13
provinces and territories in the proportions of a national hotline's partners, bilingual, about
one in twenty confidential (shelters), with about 100 police services and child-protection
agencies for every province and territory. Refused when NODE_ENV=production.
  --services N          services of the providers (default ${DEFAULT_DEMO_SERVICES.toLocaleString('en-US')}; 100000 for benchmarks)
  --seed S              the generator's seed (default ${DEMO_SEED}): the same seed gives the same
                        entries and ids, so running it again updates them`,
  ...reportHelp,
  ...extractHelp,
}

function parse(args: string[], options: Record<string, { type: 'string' | 'boolean' }>) {
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true })
      .values as Record<string, string | boolean | undefined>
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
}

function required<T>(schema: z.ZodType<T>, value: unknown, flag: string): T {
  if (value === undefined) throw new UsageError(`--${flag} is required`)
  const parsed = schema.safeParse(value)
  if (!parsed.success)
    throw new UsageError(`--${flag}: ${parsed.error.issues[0]?.message ?? 'invalid value'}`)
  return parsed.data
}

async function withDatabase<T>(
  env: Env,
  work: (database: Awaited<ReturnType<typeof openConfiguredDatabase>>) => Promise<T>,
) {
  const database = await openConfiguredDatabase(env)
  try {
    await migrate(database)
    const result = await work(database)
    // What the command recorded joins the audit chain before the command ends.
    await sealAuditEvents(database.db)
    return result
  } finally {
    await database.close()
  }
}

/** Runs one CLI command; returns the exit code. */
export async function main(argv: string[], out = console): Promise<number> {
  const [first, second] = argv
  // "extract" is a command of its own and the group of "extract verify".
  const isGroup =
    first === 'user' ||
    first === 'audit' ||
    first === 'directory' ||
    (first === 'extract' && second === 'verify')
  if (isGroup && (!second || second === '--help' || second === '-h')) {
    // "relais user --help": the group's commands, as listed in the main help.
    const lines = help.main!.split('\n').filter((line) => line.startsWith(`  ${first} `))
    out.log(`Usage: relais ${first} <command> [options]\n\nCommands:\n${lines.join('\n')}`)
    return second ? 0 : 2
  }
  const command = isGroup ? `${first} ${second}` : (first ?? '')
  const rest = argv.slice(command.split(' ').length)
  try {
    if (!command || command === '--help' || command === '-h' || command === 'help') {
      out.log(help.main)
      return command ? 0 : 2
    }
    if (!(command in help) || command === 'main') throw new UsageError(`unknown command "${command}"`)

    switch (command) {
      case 'serve': {
        const flags = parse(rest, { demo: { type: 'boolean' } })
        if (flags.help) return printHelp(out, command)
        const env = loadEnv()
        const demo = Boolean(flags.demo) || env.RELAIS_DEMO === true
        if (demo && env.NODE_ENV === 'production')
          throw new UsageError('--demo is refused when NODE_ENV=production')
        const running = await startRelais(env, { demo })
        if (running.demoReport.length > 0) out.log(running.demoReport.join('\n'))
        out.log(`Relais is listening on ${running.address}`)
        out.log(`  Public portal:  ${running.address}/`)
        out.log(`  Staff console:  ${running.address}/console/`)
        out.log(`  API reference:  ${running.address}/api/docs`)
        await new Promise<void>((resolve) => {
          const stop = (signal: string) => {
            running.app.log.info({ signal }, 'shutting down')
            running.stop().then(resolve, (error) => {
              running.app.log.error({ err: error }, 'shutdown failed')
              resolve()
            })
          }
          process.once('SIGTERM', () => stop('SIGTERM'))
          process.once('SIGINT', () => stop('SIGINT'))
        })
        return 0
      }
      case 'migrate': {
        if (parse(rest, {}).help) return printHelp(out, command)
        const env = loadEnv()
        const database = await openConfiguredDatabase(env)
        try {
          const applied = await migrate(database)
          out.log(
            applied.length
              ? `Applied ${applied.length} migration(s):\n  ${applied.join('\n  ')}`
              : 'Database is up to date.',
          )
        } finally {
          await database.close()
        }
        return 0
      }
      case 'user create': {
        const flags = parse(rest, {
          role: { type: 'string' },
          email: { type: 'string' },
          name: { type: 'string' },
          locale: { type: 'string' },
        })
        if (flags.help) return printHelp(out, command)
        const role = required(roleSchema, flags.role, 'role')
        const email = required(emailSchema, flags.email, 'email')
        const displayName = required(z.string().trim().min(1).max(120), flags.name, 'name')
        const locale = required(z.enum(['en', 'fr']), flags.locale ?? 'en', 'locale')
        const env = loadEnv()
        const password = randomBytes(15).toString('base64url')
        await withDatabase(env, async (database) => {
          const identity = identityFor(env, database)
          await identity.createUser({ email, displayName, role, password, locale }, cliAudit)
        })
        out.log(
          `Created ${role} ${email}.\nTemporary password (shown once): ${password}\nMFA is enrolled at first sign-in.`,
        )
        return 0
      }
      case 'user disable': {
        const flags = parse(rest, { email: { type: 'string' } })
        if (flags.help) return printHelp(out, command)
        const email = required(z.string().min(1), flags.email, 'email')
        const env = loadEnv()
        await withDatabase(env, async (database) => {
          const user = await findUserByEmail(database.db, email)
          if (!user) throw new UsageError(`no staff account has the email ${email}`)
          await identityFor(env, database).setDisabled(user.id, true, cliAudit)
        })
        out.log(`Disabled ${email}; its sessions have ended.`)
        return 0
      }
      case 'audit verify': {
        if (parse(rest, {}).help) return printHelp(out, command)
        const env = loadEnv()
        const verdict = await withDatabase(env, (database) => verifyAuditChain(database.db))
        if (verdict.ok) {
          out.log(`Audit trail intact: ${verdict.count} event(s) verified.`)
          return 0
        }
        const what = {
          altered: 'was altered',
          removed: 'was removed',
          chain_broken: 'does not follow the event before it',
        }[verdict.problem]
        out.error(
          `Audit trail BROKEN: event #${verdict.seq} ${what} (${verdict.count} event(s) verified before it).`,
        )
        return 1
      }
      case 'directory import': {
        const { values: flags, positionals } = parseWithFile(rest, {
          format: { type: 'string' },
          partial: { type: 'boolean' },
          language: { type: 'string' },
          lang: { type: 'string' },
        })
        if (flags.help) return printHelp(out, command)
        const [file, ...extra] = positionals
        if (!file) throw new UsageError('FILE is required')
        if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`)
        const format = required(
          z.enum(['auto', 'hsds-json', 'hsds-csv', 'spreadsheet']),
          flags.format ?? 'auto',
          'format',
        )
        const language = required(z.enum(['en', 'fr']), flags.language ?? 'en', 'language')
        const lang = required(z.enum(['en', 'fr']), flags.lang ?? 'en', 'lang')
        const env = loadEnv()
        return await withDatabase(env, (database) =>
          runDirectoryImport(
            database,
            { file, format, partial: Boolean(flags.partial), language, lang },
            out,
          ),
        )
      }
      case 'directory export': {
        const flags = parse(rest, {
          format: { type: 'string' },
          out: { type: 'string' },
          'include-confidential': { type: 'boolean' },
        })
        if (flags.help) return printHelp(out, command)
        const format = required(z.enum(['hsds-json', 'hsds-csv']), flags.format, 'format')
        const target = required(z.string().min(1), flags.out, 'out')
        const includeConfidential = Boolean(flags['include-confidential'])
        const env = loadEnv()
        const summary = await withDatabase(env, (database) =>
          exportDirectory(database, { format, out: target, includeConfidential }),
        )
        out.log(
          `${includeConfidential ? 'Exported EVERY entry, confidential ones included (keep this backup private)' : 'Exported the public directory'} to ${target}:`,
        )
        for (const [type, count] of Object.entries(summary)) out.log(`  ${type}: ${count}`)
        return 0
      }
      case 'directory demo': {
        const flags = parse(rest, { services: { type: 'string' }, seed: { type: 'string' } })
        if (flags.help) return printHelp(out, command)
        const count = z.coerce.number().int().min(1).max(1_000_000)
        const services = required(count, flags.services ?? String(DEFAULT_DEMO_SERVICES), 'services')
        const seed = required(count, flags.seed ?? String(DEMO_SEED), 'seed')
        // Before the configuration: demo entries never reach a production database, however set up.
        if (process.env.NODE_ENV === 'production')
          throw new UsageError('directory demo is refused when NODE_ENV=production')
        const env = loadEnv()
        const generated = generateDirectory({ seed, services })
        await withDatabase(env, (database) =>
          seedDirectory(database, generated, { audit: cliAudit, servicesPerTransaction: 2500 }),
        )
        const { providers, services: written, agencyServices } = generated.counts
        out.log(
          `Wrote the demo directory: ${providers.toLocaleString('en-US')} providers, ${written.toLocaleString('en-US')} services and ${agencyServices.toLocaleString('en-US')} services of police and child-protection agencies.`,
        )
        return 0
      }
      case 'report': {
        const flags = parse(rest, {
          period: { type: 'string' },
          format: { type: 'string' },
          lang: { type: 'string' },
          out: { type: 'string' },
          indicators: { type: 'string' },
        })
        return await runReport(flags, out, { loadEnv, withDatabase, audit: cliAudit })
      }
      case 'extract': {
        const flags = parse(rest, {
          k: { type: 'string' },
          out: { type: 'string' },
          period: { type: 'string' },
          lang: { type: 'string' },
        })
        return await runExtract(flags, out, { loadEnv, withDatabase, audit: cliAudit })
      }
      case 'extract verify': {
        const { values: flags, positionals } = parseWithFile(rest, {
          k: { type: 'string' },
          quasi: { type: 'string' },
          lang: { type: 'string' },
        })
        return await runExtractVerify(flags, positionals, out)
      }
    }
    throw new UsageError(`unknown command "${command}"`)
  } catch (error) {
    if (error instanceof UsageError) {
      out.error(
        `relais: ${error.message}\n${error.hint ?? `Run "relais ${command && command in help ? `${command} ` : ''}--help" for usage.`}`,
      )
      return 2
    }
    if (error instanceof EnvError) {
      out.error(`relais: ${error.message}`)
      return 2
    }
    if (error instanceof AppError && error.code === 'conflict') {
      out.error('relais: a staff account with this email already exists')
      return 1
    }
    out.error(`relais: ${(error as Error).message}`)
    return 1
  }
}

function parseWithFile(args: string[], options: Record<string, { type: 'string' | 'boolean' }>) {
  try {
    const parsed = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: true,
    })
    return {
      values: parsed.values as Record<string, string | boolean | undefined>,
      positionals: parsed.positionals,
    }
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
}

function printHelp(out: Pick<Console, 'log'>, command: string) {
  out.log(help[command])
  return 0
}

function identityFor(env: Env, database: Awaited<ReturnType<typeof openConfiguredDatabase>>) {
  return createIdentityService({
    database,
    secrets: secretsFor(env),
    config: identityConfigFor(env),
  })
}
