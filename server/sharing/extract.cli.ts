import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { type ExtractLanguage, extractLanguages, extractLimits } from '../../common/contracts/sharing.ts'
import en from '../../common/locales/en/sharing.json' with { type: 'json' }
import { parsePeriod } from '../../common/periods.ts'
import type { AuditContext } from '../audit/audit.store.ts'
import { UsageError } from '../cli/usage.ts'
import type { Env } from '../config/env.ts'
import type { Database } from '../db/database.ts'
import { parseCsv } from '../directory/import/csv.ts'
import { createTranslator } from '../http/i18n.ts'
import { createExtractService } from './extract.service.ts'
import { verifyKAnonymity } from './k-anonymity.ts'

/**
 * `relais extract` writes the statistics agency's extract into a folder; `relais extract verify`
 * checks that a data.csv is k-anonymous. Messages, usage errors included, are in `--lang`.
 */

/** The commands' usage, in English, for the CLI's list of commands and their help. */
export const extractHelp = { extract: en.cli.help.extract, 'extract verify': en.cli.help.verify }

type Flags = Record<string, string | boolean | undefined>
type Out = Pick<Console, 'log' | 'error'>

async function messages(flags: Flags, command: keyof typeof extractHelp) {
  const translator = await createTranslator()
  const lang = flags.lang ?? 'en'
  // A language Relais does not speak is named in English.
  if (!(extractLanguages as readonly unknown[]).includes(lang))
    throw new UsageError(
      translator.t('en', 'sharing:cli.langInvalid', {
        value: String(lang),
        allowed: extractLanguages.join(', '),
      }),
      translator.t('en', 'sharing:cli.hint', { command }),
    )
  const t = (key: string, values?: Record<string, unknown>) =>
    translator.t(lang as string, `sharing:cli.${key}`, values)
  const usage = (key: string, values?: Record<string, unknown>) =>
    new UsageError(t(key, values), t('hint', { command }))
  return { lang: lang as ExtractLanguage, t, usage, translator }
}

function kOf(value: Flags[string], usage: (key: string, values?: Record<string, unknown>) => UsageError) {
  if (value === undefined) return undefined
  const k = Number(value)
  if (typeof value !== 'string' || !/^\d+$/.test(value) || k < extractLimits.kMin || k > extractLimits.kMax)
    throw usage('kInvalid', { value: String(value), min: extractLimits.kMin, max: extractLimits.kMax })
  return k
}

export interface ExtractCommandDeps {
  loadEnv(): Env
  withDatabase<T>(env: Env, work: (database: Database) => Promise<T>): Promise<T>
  audit: AuditContext
}

/** `relais extract --out DIR [--k K] [--period P] [--lang L]`. */
export async function runExtract(flags: Flags, out: Out, deps: ExtractCommandDeps): Promise<number> {
  const { lang, t, usage, translator } = await messages(flags, 'extract')
  if (flags.help) {
    out.log(translator.t(lang, 'sharing:cli.help.extract'))
    return 0
  }
  const k = kOf(flags.k, usage) ?? extractLimits.kDefault
  if (typeof flags.out !== 'string' || flags.out === '') throw usage('outRequired')
  const target = path.resolve(flags.out)
  if (existsSync(target) && readdirSync(target).length > 0) throw usage('outNotEmpty', { path: flags.out })
  let period = null
  if (flags.period !== undefined) {
    const parsed = parsePeriod(String(flags.period))
    if (!parsed.ok)
      throw usage(
        { invalid: 'periodInvalid', inverted: 'periodInverted', too_long: 'periodTooLong' }[parsed.error],
        {
          value: flags.period,
        },
      )
    period = parsed.period
  }
  const env = deps.loadEnv()
  const files = await deps.withDatabase(env, (database) =>
    createExtractService({ database, translator, timeZone: env.RELAIS_TIME_ZONE }).create(deps.audit, {
      k,
      period,
      lang,
    }),
  )
  mkdirSync(target, { recursive: true })
  writeFileSync(path.join(target, 'data.csv'), files['data.csv'])
  writeFileSync(path.join(target, 'codebook.json'), `${JSON.stringify(files['codebook.json'], null, 2)}\n`)
  writeFileSync(path.join(target, 'README.md'), files['README.md'])
  writeFileSync(path.join(target, 'summary.json'), `${JSON.stringify(files['summary.json'], null, 2)}\n`)
  const summary = files['summary.json']
  const loss = summary.informationLoss
  out.log(t('written', { rows: summary.rows, out: flags.out, k, fingerprint: summary.fingerprint }))
  out.log(
    t('suppressed', {
      suppressed: loss.records.locallySuppressed,
      dropped: loss.records.dropped,
      classes: loss.equivalenceClasses,
    }),
  )
  return 0
}

/** `relais extract verify FILE --k K [--quasi a,b,c] [--lang L]`; 1 when a class is smaller than K. */
export async function runExtractVerify(flags: Flags, positionals: string[], out: Out): Promise<number> {
  const { lang, t, usage, translator } = await messages(flags, 'extract verify')
  if (flags.help) {
    out.log(translator.t(lang, 'sharing:cli.help.verify'))
    return 0
  }
  const [file, ...extra] = positionals
  if (!file) throw usage('fileRequired')
  if (extra.length > 0) throw usage('unexpected', { value: extra[0] })
  const k = kOf(flags.k, usage)
  if (k === undefined) throw usage('kRequired')

  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    throw usage('fileUnreadable', { file })
  }
  const { records, problems } = parseCsv(text)
  const [head, ...body] = records
  if (problems.length > 0 || !head) throw usage('fileInvalid', { file, line: problems[0]?.line ?? 1 })
  const header = head.fields

  const quasi =
    typeof flags.quasi === 'string'
      ? flags.quasi
          .split(',')
          .map((name) => name.trim())
          .filter((name) => name !== '')
      : codebookQuasiIdentifiers(path.join(path.dirname(file), 'codebook.json'))
  if (!quasi || quasi.length === 0) throw usage('quasiMissing', { file })
  const unknown = quasi.find((name) => !header.includes(name))
  if (unknown) throw usage('quasiUnknown', { name: unknown, file })

  const rows = body.map((record) =>
    Object.fromEntries(header.map((name, i) => [name, record.fields[i] ?? ''])),
  )
  const offending = verifyKAnonymity(rows, quasi, k)
  const names = quasi.join(', ')
  if (offending.length === 0) {
    const classes = verifyKAnonymity(rows, quasi, Number.POSITIVE_INFINITY).length
    out.log(t('verifyOk', { file, k, quasi: names, rows: rows.length, classes }))
    return 0
  }
  out.error(t('verifyFailed', { file, k, quasi: names, count: offending.length }))
  for (const { values, size } of offending)
    out.error(
      t('verifyClass', {
        values: quasi.map((name) => `${name}=${values[name]}`).join(', '),
        size,
      }),
    )
  return 1
}

/** The quasi-identifiers a codebook.json names; undefined when there is none to read. */
function codebookQuasiIdentifiers(file: string): string[] | undefined {
  try {
    const codebook = JSON.parse(readFileSync(file, 'utf8')) as {
      variables?: { name: string; role: string }[]
    }
    return codebook.variables?.filter((variable) => variable.role === 'quasi_identifier').map((v) => v.name)
  } catch {
    return undefined
  }
}
