import { createHash } from 'node:crypto'
import type { PeriodRange } from '../../common/contracts/reporting.ts'
import type { Codebook, ExtractLanguage, ExtractSummary } from '../../common/contracts/sharing.ts'
import { type AuditContext, appendAuditEvent } from '../audit/audit.store.ts'
import type { Database } from '../db/database.ts'
import type { Translator } from '../http/i18n.ts'
import { buildExtract } from './extract.build.ts'
import { relaisVersion, renderCodebook, renderCsv, renderReadme } from './extract.files.ts'
import { readExtractRows } from './extract.store.ts'

export interface ExtractServiceDeps {
  database: Database
  translator: Translator
  /** The hotline's time zone (RELAIS_TIME_ZONE). */
  timeZone: string
  now?: () => Date
}

export interface ExtractParams {
  k: number
  period: PeriodRange | null
  /** The README's language; the codebook has both. */
  lang: ExtractLanguage
}

export interface ExtractFiles {
  'data.csv': string
  'codebook.json': Codebook
  'README.md': string
  'summary.json': ExtractSummary
}

/**
 * The statistics agency's extract (see extract.variables.ts for what it holds): read in one
 * transaction with the audit event that records it, which names the parameters, the number of rows
 * and the fingerprint of data.csv, and nothing about anyone.
 */
export function createExtractService({
  database,
  translator,
  timeZone,
  now = () => new Date(),
}: ExtractServiceDeps) {
  const t = (lang: ExtractLanguage, key: string, values?: Record<string, unknown>) =>
    translator.t(lang, key, values)
  return {
    async create(audit: AuditContext, { k, period, lang }: ExtractParams): Promise<ExtractFiles> {
      return database.db.transaction().execute(async (trx) => {
        const rows = await readExtractRows(trx, { timeZone, period: period ?? undefined })
        const generatedAt = now().toISOString()
        const built = buildExtract(rows, k)
        const data = renderCsv(built.records)
        const summary: ExtractSummary = {
          relaisVersion,
          generatedAt,
          k,
          period: period ? { label: period.label, from: period.from, to: period.to } : null,
          timeZone,
          rows: built.records.length,
          fingerprint: createHash('sha256').update(data).digest('hex'),
          informationLoss: built.informationLoss,
        }
        await appendAuditEvent(trx, audit, {
          action: 'extract.create',
          entityType: 'extract',
          details: {
            k,
            period: summary.period,
            lang,
            rows: summary.rows,
            fingerprint: summary.fingerprint,
            levels: built.levels,
            recordsRead: built.informationLoss.records.input,
            locallySuppressed: built.informationLoss.records.locallySuppressed,
            dropped: built.informationLoss.records.dropped,
          },
        })
        return {
          'data.csv': data,
          'codebook.json': renderCodebook(built.records, built.levels, { generatedAt, k }, t),
          'README.md': renderReadme(summary, lang, t),
          'summary.json': summary,
        }
      })
    },
  }
}

export type ExtractService = ReturnType<typeof createExtractService>
