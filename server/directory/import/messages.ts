import type { Translator } from '../../http/i18n.ts'
import { type ImportIssue, where } from './issues.ts'

const blanks = {
  value: '',
  expected: '',
  allowed: '',
  min: '',
  max: '',
  previous: '',
  kind: '',
  taxonomy: '',
  other: '',
  problem: '',
  found: '',
  minimum: '',
}

/** An issue's message in the language asked for (the `directory-import` namespace). */
export function issueMessage(translator: Translator, locale: string, issue: ImportIssue): string {
  return translator.t(locale, `directory-import:issue.${issue.code}`, {
    ...blanks,
    ...issue.params,
    field: issue.field || '-',
    value: issue.value ?? '',
  })
}

/** One line per issue: where, field, code and message. */
export function issueLine(translator: Translator, locale: string, issue: ImportIssue): string {
  const field = issue.field ? ` ${issue.field}` : ''
  return `  ${where(issue)}${field} [${issue.code}] ${issueMessage(translator, locale, issue)}`
}
