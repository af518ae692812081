/** The kinds of directory entries an import writes. */
export type EntryKind =
  | 'organization'
  | 'location'
  | 'service'
  | 'service_at_location'
  | 'taxonomy'
  | 'taxonomy_term'

/** Stable codes of what can be wrong in an import file; messages are in `directory-import.json`. */
export const issueCodes = [
  'file_unreadable',
  'unknown_format',
  'malformed_json',
  'malformed_csv',
  'csv_row_width',
  'missing_column',
  'unknown_column',
  'not_hsds',
  'required',
  'invalid_type',
  'nul_character',
  'invalid_enum',
  'invalid_number',
  'invalid_boolean',
  'invalid_date',
  'invalid_coordinates',
  'invalid_age_range',
  'invalid_hours',
  'invalid_language',
  'unsupported_language',
  'unknown_province',
  'unknown_taxonomy_code',
  'unknown_term',
  'unknown_reference',
  'duplicate_id',
  'duplicate_code',
  'conflicting_value',
  'depends_on_rejected',
] as const
export type IssueCode = (typeof issueCodes)[number]

/** Where something is in the file: a CSV line, or a JSON pointer. */
export interface Origin {
  file: string
  line?: number
  path?: string
}

export interface ImportIssue extends Origin {
  code: IssueCode
  /** An error stops the import (or, with `partial`, its entry); a warning is reported only. */
  severity: 'error' | 'warning'
  /** The field (HSDS property, or spreadsheet column) concerned; empty for the file as a whole. */
  field: string
  /** The offending value, shortened, when there is one. */
  value?: string
  /** Extra values for the message (expected values, the referenced kind, ...). */
  params?: Record<string, string | number>
  /** The entry the problem belongs to; with `partial`, this entry is not imported. */
  entry?: { kind: EntryKind; id: string }
}

export const shorten = (value: unknown): string | undefined => {
  if (value === undefined) return undefined
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}

/** Collects issues, and knows where each entry came from. */
export class IssueLog {
  readonly issues: ImportIssue[] = []

  add(issue: ImportIssue) {
    this.issues.push(issue)
  }

  error(origin: Origin, code: IssueCode, field: string, extra: Partial<ImportIssue> = {}) {
    this.add({ ...origin, ...extra, code, field, severity: 'error' })
  }

  warn(origin: Origin, code: IssueCode, field: string, extra: Partial<ImportIssue> = {}) {
    this.add({ ...origin, ...extra, code, field, severity: 'warning' })
  }

  get errors() {
    return this.issues.filter((issue) => issue.severity === 'error')
  }
}

/** "file:12" or "file#/services/0/name": where to look. */
export function where(issue: Origin): string {
  if (issue.line !== undefined) return `${issue.file}:${issue.line}`
  if (issue.path !== undefined) return `${issue.file}#${issue.path}`
  return issue.file
}

/** A JSON pointer segment (RFC 6901). */
export const pointer = (base: string, key: string | number) =>
  `${base}/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`
