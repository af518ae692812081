import type { AuditContext } from '../../audit/audit.store.ts'
import type { Database } from '../../db/database.ts'
import { createTranslator } from '../../http/i18n.ts'
import { type ImportFormat, importDirectory } from './import.ts'
import { issueLine } from './messages.ts'
import { progressReporter } from './progress.ts'

const cliAudit: AuditContext = { actorId: null, actorLabel: 'cli', address: null, requestId: null }

export interface DirectoryImportCommand {
  file: string
  format: 'auto' | ImportFormat
  partial: boolean
  language: 'en' | 'fr'
  /** The language of the messages. */
  lang: 'en' | 'fr'
}

/**
 * `relais directory import`: imports the file, shows progress on stderr, prints the summary and every
 * problem with its place and field. Returns 1 when the file had errors and nothing was imported.
 */
export async function runDirectoryImport(
  database: Database,
  command: DirectoryImportCommand,
  out: Pick<Console, 'log' | 'error'>,
  stderr: { isTTY?: boolean; write(text: string): unknown } = process.stderr,
): Promise<number> {
  const translator = await createTranslator()
  const t = (key: string, values?: Record<string, unknown>) =>
    translator.t(command.lang, `directory-import:${key}`, values)
  const progress = progressReporter(stderr, (done, total) => t('summary.progress', { done, total }))
  const result = await importDirectory(database, {
    file: command.file,
    format: command.format,
    partial: command.partial,
    language: command.language,
    audit: cliAudit,
    onProgress: (p) => progress.update(p),
  })
  progress.end()
  const written = result.created + result.updated + result.unchanged
  if (result.errors.length > 0) {
    out.error(t('summary.errors'))
    for (const issue of result.errors) out.error(issueLine(translator, command.lang, issue))
  }
  if (result.warnings.length > 0) {
    out.error(t('summary.warnings'))
    for (const issue of result.warnings) out.error(issueLine(translator, command.lang, issue))
  }
  if (result.errors.length > 0 && (!result.imported || written === 0)) {
    out.error(t('summary.not_imported', { errors: result.errors.length }))
    return 1
  }
  out.log(
    t('summary.imported', {
      format: result.format ?? '',
      created: result.created,
      updated: result.updated,
      unchanged: result.unchanged,
      rejected: result.rejected,
    }),
  )
  return 0
}
