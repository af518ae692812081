import {
  createReportFormatter,
  type ReportFormatter,
  type ReportLang,
} from '../../../common/report-format.ts'
import { createTranslator, type Translator } from '../../http/i18n.ts'

export * from '../../../common/report-format.ts'

let translator: Promise<Translator> | undefined

/** The formatter of a report's language, with the server's translations of `reports:render.*`. */
export async function reportFormatter(lang: ReportLang): Promise<ReportFormatter> {
  translator ??= createTranslator()
  const words = await translator
  return createReportFormatter(lang, (key, values) => words.t(lang, `reports:render.${key}`, values))
}
