import type {
  Codebook,
  CodebookVariable,
  ExtractLanguage,
  ExtractSummary,
} from '../../common/contracts/sharing.ts'
import { extractLanguages } from '../../common/contracts/sharing.ts'
import packageJson from '../../package.json' with { type: 'json' }
import { HTCDS_VERSION } from '../cases/cases.export.ts'
import { csvLine } from '../directory/import/csv.ts'
import {
  type ExtractVariable,
  extractVariables,
  quasiIdentifierVariables,
  SEPARATOR,
  type Translate,
} from './extract.variables.ts'
import { SUPPRESSED } from './k-anonymity.ts'

/** The files of an extract: the rows, the codebook, the README and the summary. */

export const relaisVersion: string = packageJson.version

/** RFC 4180: a header of the variables' names, then one record per row, each line ended by CRLF. */
export function renderCsv(records: readonly Record<string, string>[]): string {
  const names = extractVariables.map((variable) => variable.name)
  return [names, ...records.map((record) => names.map((name) => record[name] ?? ''))]
    .map((values) => `${csvLine(values)}\r\n`)
    .join('')
}

const bilingual = (text: (lang: ExtractLanguage) => string) =>
  Object.fromEntries(extractLanguages.map((lang) => [lang, text(lang)])) as Record<ExtractLanguage, string>

/** The values a variable may take at the level applied, then any other found in the data. */
function valuesOf(variable: ExtractVariable, level: number, records: readonly Record<string, string>[]) {
  if (variable.numeric) return []
  const listed = variable.domain(level)
  const found = new Set<string>()
  for (const record of records) {
    const cell = record[variable.name] ?? ''
    for (const value of variable.multiple ? cell.split(SEPARATOR) : [cell]) found.add(value)
  }
  const known = new Set(listed)
  const others = [...found].filter((value) => !known.has(value) && value !== SUPPRESSED).sort()
  return [...listed, ...others, ...(found.has(SUPPRESSED) && !known.has(SUPPRESSED) ? [SUPPRESSED] : [])]
}

export function renderCodebook(
  records: readonly Record<string, string>[],
  levels: Record<string, number>,
  meta: { generatedAt: string; k: number },
  t: Translate,
): Codebook {
  const variables = extractVariables.map((variable): CodebookVariable => {
    const level = levels[variable.name] ?? 0
    const applied = variable.levels?.[level]
    return {
      name: variable.name,
      label: bilingual((lang) => t(lang, `sharing:variable.${variable.name}`)),
      ...(variable.noted ? { note: bilingual((lang) => t(lang, `sharing:note.${variable.name}`)) } : {}),
      role: variable.role,
      multiple: variable.multiple,
      generalisation:
        variable.levels && applied
          ? {
              level,
              levelName: applied.name,
              levelLabel: bilingual((lang) => t(lang, `sharing:level.${applied.name}`)),
              levels: variable.levels.map((entry) => entry.name),
            }
          : null,
      values: valuesOf(variable, level, records).map((value) => ({
        value,
        label: bilingual((lang) => variable.label(value, lang, t, level)),
      })),
    }
  })
  return {
    relaisVersion,
    htcdsVersion: HTCDS_VERSION,
    generatedAt: meta.generatedAt,
    k: meta.k,
    separator: SEPARATOR,
    suppressed: SUPPRESSED,
    variables,
  }
}

/** The README, in one language: provenance, parameters, what was generalised and suppressed. */
export function renderReadme(summary: ExtractSummary, lang: ExtractLanguage, t: Translate): string {
  const m = (key: string, values?: Record<string, unknown>) => t(lang, `sharing:readme.${key}`, values)
  const loss = summary.informationLoss
  const { period } = summary
  const cell = (text: string) => text.replaceAll('|', '\\|')
  const lines = [
    `# ${m('title')}`,
    '',
    m('generated', { version: summary.relaisVersion, generatedAt: summary.generatedAt }),
    '',
    `## ${m('parametersTitle')}`,
    '',
    `- ${m('k', { k: summary.k })}`,
    `- ${period ? m('period', { period: period.label, from: period.from, to: period.to, timeZone: summary.timeZone }) : m('allPeriods', { timeZone: summary.timeZone })}`,
    `- ${m('rows', { rows: summary.rows })}`,
    `- ${m('fingerprint', { fingerprint: `\`${summary.fingerprint}\`` })}`,
    '',
    `## ${m('holdsTitle')}`,
    '',
    m('holds', { separator: `\`${SEPARATOR}\`` }),
    '',
    m('removed'),
    '',
    `## ${m('protectionTitle')}`,
    '',
    m('protection', {
      names: quasiIdentifierVariables.map((variable) => `\`${variable.name}\``).join(', '),
      k: summary.k,
      strategy: loss.search.strategy,
    }),
    '',
    m('limits', { k: summary.k }),
    '',
    `## ${m('lossTitle')}`,
    '',
    `| ${m('columnVariable')} | ${m('columnLevel')} | ${m('columnGeneralised')} | ${m('columnSuppressed')} |`,
    '|---|---|---:|---:|',
    ...loss.variables.map((variable) => {
      const levels = quasiIdentifierVariables.find((entry) => entry.name === variable.name)?.levels
      const label = levels ? t(lang, `sharing:level.${levels[variable.level]!.name}`) : String(variable.level)
      const level = m('level', { label, level: String(variable.level), last: String(variable.levels - 1) })
      return `| \`${variable.name}\` | ${cell(level)} | ${variable.valuesGeneralised} | ${variable.cellsSuppressed} |`
    }),
    '',
    m('records', {
      input: loss.records.input,
      published: loss.records.published,
      suppressed: loss.records.locallySuppressed,
      dropped: loss.records.dropped,
    }),
    '',
    loss.smallestClass === null
      ? m('noClasses')
      : m('classes', { classes: loss.equivalenceClasses, smallest: loss.smallestClass }),
    '',
    m('loss', { loss: loss.loss }),
    '',
    `## ${m('filesTitle')}`,
    '',
    `- ${m('fileData')}`,
    `- ${m('fileCodebook')}`,
    `- ${m('fileSummary')}`,
    `- ${m('fileReadme')}`,
    '',
  ]
  return lines.join('\n')
}
