import {
  type AgeBand,
  type AnswerState,
  ageBands,
  ageRange,
  needKinds,
  personRoles,
  residencyStatuses,
  unansweredStates,
} from '../../common/contracts/cases.ts'
import { escalationKinds } from '../../common/contracts/escalations.ts'
import { channels } from '../../common/contracts/intake.ts'
import { referralOutcomes } from '../../common/contracts/referrals.ts'
import type { ExtractLanguage, VariableRole } from '../../common/contracts/sharing.ts'
import { type ProvinceCode, provinceCodes, provinces } from '../../common/geography.ts'
import { genders, htcdsFields } from '../../common/htcds/index.ts'
import { fiscalQuarterOf, fiscalYearOf, parsePeriod } from '../../common/periods.ts'
import { htcdsCaseStatus, htcdsGenderUnknown, htcdsNames } from '../cases/cases.export.ts'
import { referralStatusName } from '../cases/referrals/referrals.export.ts'
import type { ExtractRow } from './extract.store.ts'
import { SUPPRESSED } from './k-anonymity.ts'

/**
 * The variables of the statistics extract, in the order of its columns: names and values in HTCDS
 * 2.0's names (Relais's extensions prefixed rel_, as in the case export), each with its role, its
 * generalisation hierarchy when it is a quasi-identifier, the values it may take and their labels.
 * An answer not given appears as its state: `unknown`, `declined` or `not_asked`.
 */

export const SEPARATOR = ';'
/** An empty list (no need, referral or escalation recorded). */
export const NONE = 'none'

export type Translate = (lang: ExtractLanguage, key: string, values?: Record<string, unknown>) => string

export interface Level {
  name: string
  generalise: (value: string) => string
}

export interface ExtractVariable {
  name: string
  role: VariableRole
  /** Several values in a cell, separated by `SEPARATOR`. */
  multiple: boolean
  /** The cell's value (for a quasi-identifier, the original value its levels generalise). */
  read(row: ExtractRow): string
  /** From the finest to `*`; quasi-identifiers only. */
  levels?: Level[]
  /** Every value a cell may hold at a level, when they can be listed (dates cannot). */
  domain(level: number): readonly string[]
  /** The label of a value (one of a multiple cell's values) at a level. */
  label(value: string, lang: ExtractLanguage, t: Translate, level: number): string
  /** Whether the variable's label comes with a note (`sharing:note.<name>`). */
  noted?: boolean
  /** A number, whose values the codebook does not list. */
  numeric?: boolean
}

const isState = (value: string): value is Exclude<AnswerState, 'given'> =>
  (unansweredStates as readonly string[]).includes(value)

/** A list answer's cell (values joined by commas, or a state) in the code list's order. */
const listed = (order: readonly string[], cell: string) =>
  isState(cell) ? cell : sorted(order, cell.split(','))
const sorted = (order: readonly string[], values: readonly string[]) =>
  values.length === 0 ? NONE : [...values].sort((a, b) => order.indexOf(a) - order.indexOf(b)).join(SEPARATOR)

const stateLabel = (value: string, lang: ExtractLanguage, t: Translate) =>
  value === SUPPRESSED ? t(lang, 'sharing:value.suppressed') : t(lang, `cases:answerState.${value}`)

/** Labels from a locale key per value; an answer's states, `none` and `*` have theirs. */
const labelled =
  (prefix: string, answer = true) =>
  (value: string, lang: ExtractLanguage, t: Translate): string => {
    if ((answer && isState(value)) || value === SUPPRESSED) return stateLabel(value, lang, t)
    if (value === NONE) return t(lang, 'sharing:value.none')
    return t(lang, `${prefix}.${value}`)
  }

const withStates = (values: readonly string[]) => [...values, ...unansweredStates]

/** A variable published as recorded: an answer (its states among its values), or a list of codes. */
function plain(
  name: string,
  role: Exclude<VariableRole, 'quasi_identifier'>,
  read: (row: ExtractRow) => string,
  values: readonly string[],
  labelPrefix: string,
  { multiple = false, answer = true } = {},
): ExtractVariable {
  const domain = answer ? withStates(values) : values
  return { name, role, multiple, read, domain: () => domain, label: labelled(labelPrefix, answer) }
}

/** Levels of a hierarchy: each generalises a given value, keeps a state, and the last is `*`. */
function hierarchy(levels: [name: string, generalise: (value: string) => string][]): Level[] {
  return [
    ...levels.map(([name, generalise]) => ({
      name,
      generalise: (value: string) => (isState(value) ? value : generalise(value)),
    })),
    { name: 'suppressed', generalise: () => SUPPRESSED },
  ]
}

function quasiIdentifier(
  name: string,
  read: (row: ExtractRow) => string,
  levels: Level[],
  originals: readonly string[] | null,
  label: ExtractVariable['label'],
  noted = false,
): ExtractVariable {
  return {
    name,
    role: 'quasi_identifier',
    multiple: false,
    read,
    levels,
    domain: (level) => (originals ? [...new Set(originals.map(levels[level]!.generalise))] : []),
    label,
    noted,
  }
}

// ---------------------------------------------------------------------------------------------------
// Age: CTDC's bands, then broader groups, then minor or adult. An age recorded only as one of
// Relais's bands is given as the span of the bands it overlaps (25_34 is 24-38 in CTDC's bands).

type Band = readonly [min: number, max: number | null]
export const ctdcAgeBands: Band[] = [
  [0, 8],
  [9, 17],
  [18, 20],
  [21, 23],
  [24, 26],
  [27, 29],
  [30, 38],
  [39, 47],
  [48, null],
]
const broadAgeBands: Band[] = [
  [0, 17],
  [18, 29],
  [30, 47],
  [48, null],
]
const minorOrAdult: Band[] = [
  [0, 17],
  [18, null],
]

const ageRangeOf = (value: string): { min: number; max: number | null } =>
  /^\d+$/.test(value)
    ? { min: Number(value), max: Number(value) }
    : ageRange({ state: 'given', value: { band: value as AgeBand } })!

function ageIn(bands: Band[]) {
  return (value: string) => {
    const { min, max } = ageRangeOf(value)
    const overlapping = bands.filter(
      ([low, high]) => (high === null || min <= high) && (max === null || max >= low),
    )
    const low = overlapping[0]![0]
    const high = overlapping.at(-1)![1]
    return high === null ? `${low}+` : `${low}-${high}`
  }
}

const ageLabel = (value: string, lang: ExtractLanguage, t: Translate) => {
  if (isState(value) || value === SUPPRESSED) return stateLabel(value, lang, t)
  const match = /^(\d+)(?:-(\d+)|\+)$/.exec(value)
  if (!match) return value
  const [, min, max] = match
  return max === undefined ? t(lang, 'sharing:age.from', { min }) : t(lang, 'sharing:age.range', { min, max })
}

const ageYears = Array.from({ length: 121 }, (_, years) => String(years))

// ---------------------------------------------------------------------------------------------------
// Province or territory, then region

export const regions = ['atlantic', 'quebec', 'ontario', 'prairies', 'british_columbia', 'north'] as const
export const regionOf: Record<ProvinceCode, (typeof regions)[number]> = {
  NB: 'atlantic',
  NS: 'atlantic',
  PE: 'atlantic',
  NL: 'atlantic',
  QC: 'quebec',
  ON: 'ontario',
  MB: 'prairies',
  SK: 'prairies',
  AB: 'prairies',
  BC: 'british_columbia',
  YT: 'north',
  NT: 'north',
  NU: 'north',
}
const placeLabel = (value: string, lang: ExtractLanguage, t: Translate) => {
  if (isState(value) || value === SUPPRESSED) return stateLabel(value, lang, t)
  if (value in provinces) return provinces[value as ProvinceCode][lang]
  return t(lang, `sharing:region.${value}`)
}

// ---------------------------------------------------------------------------------------------------
// The day a case was opened: its month, then fiscal quarter, then fiscal year

const monthName = (lang: ExtractLanguage, day: string, withYear: boolean) =>
  new Intl.DateTimeFormat(`${lang}-CA`, {
    month: 'long',
    ...(withYear ? { year: 'numeric' } : {}),
    timeZone: 'UTC',
  }).format(new Date(`${day}T00:00:00Z`))

/** Months at level 0, fiscal quarters at 1, fiscal years at 2 (`2011-12` is a month only at 0). */
const dateLabel = (value: string, lang: ExtractLanguage, t: Translate, level: number) => {
  if (isState(value) || value === SUPPRESSED) return stateLabel(value, lang, t)
  if (level === 0) return monthName(lang, `${value}-01`, true)
  const parsed = parsePeriod(value)
  if (!parsed.ok) return value
  const { from, to } = parsed.period
  const months = { first: monthName(lang, from, true), last: monthName(lang, to, true) }
  return level === 1
    ? t(lang, 'sharing:period.quarter', { year: value.slice(0, 7), quarter: value.slice(-1), ...months })
    : t(lang, 'sharing:period.fiscalYear', { year: value, ...months })
}

// ---------------------------------------------------------------------------------------------------
// Residency, then groups of statuses

export const residencyGroups = [
  'citizen_or_permanent_resident',
  'temporary_resident',
  'refugee_claimant_or_no_status',
] as const
const residencyGroupOf: Record<string, (typeof residencyGroups)[number]> = {
  citizen: 'citizen_or_permanent_resident',
  permanent_resident: 'citizen_or_permanent_resident',
  temporary_foreign_worker: 'temporary_resident',
  international_student: 'temporary_resident',
  visitor: 'temporary_resident',
  refugee_claimant: 'refugee_claimant_or_no_status',
  no_status: 'refugee_claimant_or_no_status',
}
const residencyLabel = (value: string, lang: ExtractLanguage, t: Translate) =>
  value in residencyGroupOf || isState(value) || value === SUPPRESSED
    ? labelled('cases:residency')(value, lang, t)
    : t(lang, `sharing:residencyGroup.${value}`)

// ---------------------------------------------------------------------------------------------------

const htcdsValues = (field: keyof typeof htcdsFields) => htcdsFields[field].values as readonly string[]
const genderValues = [...genders, htcdsGenderUnknown] as readonly string[]

export const ROW_NUMBER = 'rel_RowNumber'

export const extractVariables: ExtractVariable[] = [
  {
    name: ROW_NUMBER,
    role: 'other',
    multiple: false,
    read: () => '',
    domain: () => [],
    label: (value) => value,
    noted: true,
    numeric: true,
  },
  quasiIdentifier(
    'rel_AgeBroad',
    (row) => row.age,
    hierarchy([
      ['ctdc_band', ageIn(ctdcAgeBands)],
      ['broad_band', ageIn(broadAgeBands)],
      ['minor_adult', ageIn(minorOrAdult)],
    ]),
    withStates([...ageYears, ...ageBands]),
    ageLabel,
    true,
  ),
  quasiIdentifier(
    htcdsNames.gender,
    (row) => (row.gender === 'unknown' ? htcdsGenderUnknown : row.gender),
    hierarchy([['value', (value) => value]]),
    withStates(genderValues).filter((value) => value !== 'unknown'),
    labelled('cases:htcds.prs_Gender'),
  ),
  quasiIdentifier(
    htcdsNames.province,
    (row) => row.province,
    hierarchy([
      ['province', (value) => value],
      ['region', (value) => regionOf[value as ProvinceCode] ?? value],
    ]),
    withStates(provinceCodes),
    placeLabel,
  ),
  quasiIdentifier(
    htcdsNames.createdAt,
    (row) => row.opened_on,
    hierarchy([
      ['month', (day) => day.slice(0, 7)],
      ['quarter', fiscalQuarterOf],
      ['fiscal_year', fiscalYearOf],
    ]),
    null,
    dateLabel,
    true,
  ),
  quasiIdentifier(
    htcdsNames.residency,
    (row) => row.residency,
    hierarchy([
      ['status', (value) => value],
      ['status_group', (value) => residencyGroupOf[value] ?? value],
    ]),
    withStates(residencyStatuses),
    residencyLabel,
  ),
  plain(
    htcdsNames.role,
    'other',
    (row) => row.role,
    personRoles.filter((role) => role === 'victim' || role === 'survivor'),
    'cases:personRole',
  ),
  plain(
    htcdsNames.traffickingStatus,
    'other',
    (row) => row.trafficking_status,
    htcdsValues('vic_TraffickingStatus'),
    'cases:htcds.vic_TraffickingStatus',
  ),
  plain(
    htcdsNames.caseStatus,
    'other',
    (row) => htcdsCaseStatus(row.status),
    ['Active', 'Closed'],
    'cases:htcds.cas_Status',
    { answer: false },
  ),
  plain(
    htcdsNames.signalChannel,
    'other',
    (row) => row.first_channel ?? NONE,
    [...channels, NONE],
    'workspace:channel',
    { answer: false },
  ),
  plain(
    htcdsNames.traffickingTypes,
    'sensitive',
    (row) => listed(htcdsValues('vic_TypeOfExploitation'), row.trafficking_types),
    htcdsValues('vic_TypeOfExploitation'),
    'cases:htcds.vic_TypeOfExploitation',
    { multiple: true },
  ),
  plain(
    htcdsNames.methodsOfControl,
    'sensitive',
    (row) => listed(htcdsValues('vic_MethodsOfControl'), row.methods_of_control),
    htcdsValues('vic_MethodsOfControl'),
    'cases:htcds.vic_MethodsOfControl',
    { multiple: true },
  ),
  plain(
    htcdsNames.recruitment,
    'sensitive',
    (row) => listed(htcdsValues('vic_MethodOfRecruitment'), row.recruitment_methods),
    htcdsValues('vic_MethodOfRecruitment'),
    'cases:htcds.vic_MethodOfRecruitment',
    { multiple: true },
  ),
  plain(
    htcdsNames.industry,
    'sensitive',
    (row) => row.industry,
    htcdsValues('vic_ForcedLabourIndustry'),
    'cases:htcds.vic_ForcedLabourIndustry',
  ),
  plain(
    htcdsNames.needKind,
    'sensitive',
    (row) => sorted(needKinds, row.needs),
    [...needKinds, NONE],
    'cases:needKind',
    { multiple: true, answer: false },
  ),
  plain(
    referralStatusName,
    'sensitive',
    (row) => sorted(referralOutcomes, row.referral_outcomes),
    [...referralOutcomes, NONE],
    'referrals:outcome',
    { multiple: true, answer: false },
  ),
  plain(
    'esc_Kind',
    'sensitive',
    (row) => sorted(escalationKinds, row.escalation_kinds),
    [...escalationKinds, NONE],
    'escalations:kind',
    { multiple: true, answer: false },
  ),
]

export const quasiIdentifierVariables = extractVariables.filter((variable) => variable.levels)
