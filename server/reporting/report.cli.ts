import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { type ReportFormat, reportFormats } from '../../common/contracts/reporting.ts'
import en from '../../common/locales/en/reports.json' with { type: 'json' }
import type { AuditContext } from '../audit/audit.store.ts'
import { UsageError } from '../cli/usage.ts'
import type { Env } from '../config/env.ts'
import type { Database } from '../db/database.ts'
import { createTranslator } from '../http/i18n.ts'
import { produceReportFile } from './funder-report.ts'
import { reportArguments } from './report.request.ts'

/**
 * `relais report --period 2021-22 --format pdf|xlsx|csv|json --lang en|fr --out FILE`: the funder's
 * report, as the console gives it, written to a file. Messages and usage errors are in `--lang`.
 */

export const reportHelp = { report: en.cli.help }

type Flags = Record<string, string | boolean | undefined>

export interface ReportCommandDeps {
  loadEnv(): Env
  withDatabase<T>(env: Env, work: (database: Database) => Promise<T>): Promise<T>
  audit: AuditContext
}

export async function runReport(
  flags: Flags,
  out: Pick<Console, 'log'>,
  deps: ReportCommandDeps,
): Promise<number> {
  const translator = await createTranslator()
  const lang = flags.lang ?? 'en'
  const hint = (language: string) => translator.t(language, 'reports:cli.hint')
  if (lang !== 'en' && lang !== 'fr') {
    throw new UsageError(translator.t('en', 'errors:field.invalid_value', { field: '--lang' }), hint('en'))
  }
  const t = (key: string, values?: Record<string, unknown>) => translator.t(lang, key, values)
  const usage = (field: string, code: string, values?: Record<string, unknown>) =>
    new UsageError(t(`errors:field.${code}`, { field: `--${field}`, ...values }), hint(lang))
  if (flags.help) {
    out.log(t('reports:cli.help'))
    return 0
  }
  if (typeof flags.period !== 'string') throw usage('period', 'required')
  const checked = reportArguments({
    period: flags.period,
    indicators: typeof flags.indicators === 'string' ? flags.indicators : undefined,
  })
  if (!checked.ok) throw usage(checked.problem.field, checked.problem.code, { value: checked.problem.value })
  const format = flags.format ?? 'pdf'
  if (!(reportFormats as readonly unknown[]).includes(format)) throw usage('format', 'invalid_value')
  if (typeof flags.out !== 'string' || flags.out === '') throw usage('out', 'required')

  const env = deps.loadEnv()
  const file = await deps.withDatabase(env, (database) =>
    produceReportFile(
      { database, translator, timeZone: env.RELAIS_TIME_ZONE },
      { ...checked.value, lang, format: format as ReportFormat },
      deps.audit,
    ),
  )
  writeFileSync(path.resolve(flags.out), file.body)
  out.log(
    t('reports:cli.written', {
      out: flags.out,
      period: checked.value.period.label,
      format,
      fingerprint: file.fingerprint,
    }),
  )
  return 0
}
