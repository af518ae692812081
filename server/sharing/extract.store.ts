import { type Kysely, sql } from 'kysely'
import type { CaseStatus } from '../../common/contracts/cases.ts'
import { dayAfter } from '../../common/periods.ts'
import type { DB } from '../db/schema.ts'

/**
 * The rows of the statistics extract: one per potential victim (a person of a case whose role is
 * victim or survivor, or was not given), with the facts of their case. Coded columns only, named one
 * by one: no sealed column, no name, contact, municipality, case number or id, no exploiter.
 */
export interface ExtractRow {
  // Each answer is one cell: its value when given (a list's values joined by commas, an age its years
  // or its band), else its state (unknown, declined, not_asked).
  role: string
  age: string
  gender: string
  residency: string
  /** The day the case was opened, in the hotline's time zone (YYYY-MM-DD). */
  opened_on: string
  status: CaseStatus
  province: string
  trafficking_types: string
  trafficking_status: string
  methods_of_control: string
  recruitment_methods: string
  industry: string
  /** Needs of the person, or of the case without a person named. */
  needs: string[]
  /** Outcomes of the referrals of the person, or of the case without a person named. */
  referral_outcomes: string[]
  /** Kinds of the case's escalations not cancelled. */
  escalation_kinds: string[]
  /** The channel of the case's first signal; null if it has none. */
  first_channel: string | null
}

export interface ExtractScope {
  /** The hotline's time zone: the days of the period and of `opened_on` are its days. */
  timeZone: string
  /** First and last day (inclusive) of the cases' opening; all cases when absent. */
  period?: { from: string; to: string }
}

/** Lists travel as text (codes never hold a comma): splitting is cheaper than parsing arrays. */
const list = (text: string | null | undefined) => (text ? text.split(',') : [])
const unique = (...texts: (string | null | undefined)[]) => [...new Set(texts.flatMap(list))]

/** An answer's cell: the value when given, else the state. */
const cell = (column: string, value = sql.ref(column)) =>
  sql`case when ${sql.ref(`${column}_answer`)} = 'given' then ${value} else ${sql.ref(`${column}_answer`)} end`
const listCell = (column: string) => cell(column, sql`array_to_string(${sql.ref(column)}, ',')`)

/**
 * One statement, set-based: each list aggregated once per case (and per person) and joined by hash,
 * rather than looked up row by row. For its transaction, JIT compilation is off (on this statement it
 * costs more than it saves) and sorts and hashes get the memory to stay off disk.
 */
export async function readExtractRows(db: Kysely<DB>, scope: ExtractScope): Promise<ExtractRow[]> {
  const { timeZone, period } = scope
  const opened = (alias: string) =>
    period
      ? sql`and ${sql.ref(`${alias}.created_at`)} >= (${period.from}::date)::timestamp at time zone ${timeZone}
          and ${sql.ref(`${alias}.created_at`)} < (${dayAfter(period.to)}::date)::timestamp at time zone ${timeZone}`
      : sql``
  // With a period, the lists are aggregated for its cases only.
  const inScope = (column: string) =>
    period ? sql`join case_file sc on sc.id = ${sql.ref(column)} ${opened('sc')}` : sql``
  await sql`set local jit = off`.execute(db)
  await sql`set local work_mem = '64MB'`.execute(db)
  const { rows } = await sql<Record<string, unknown>>`
    with needs as (
      select n.case_id, n.person_id, string_agg(n.kind, ',') as kinds
      from case_need n ${inScope('n.case_id')} group by n.case_id, n.person_id
    ),
    outcomes as (
      select r.case_id, r.person_id, string_agg(r.status, ',') as statuses
      from case_referral r ${inScope('r.case_id')} group by r.case_id, r.person_id
    ),
    escalations as (
      select e.case_id, string_agg(e.kind, ',') as kinds
      from case_escalation e ${inScope('e.case_id')} where e.status <> 'cancelled' group by e.case_id
    ),
    first_signals as (
      select distinct on (cs.case_id) cs.case_id, s.channel
      from case_signal cs join intake_signal s on s.id = cs.signal_id ${inScope('cs.case_id')}
      order by cs.case_id, s.received_at, s.id
    )
    select ${cell('p.role')} as role,
      ${cell('p.age', sql`coalesce(p.age_years::text, p.age_band)`)} as age,
      ${cell('p.gender')} as gender, ${cell('p.residency')} as residency,
      to_char(c.created_at at time zone ${timeZone}, 'YYYY-MM-DD') as opened_on, c.status,
      ${cell('c.province')} as province, ${listCell('c.trafficking_types')} as trafficking_types,
      ${cell('c.trafficking_status')} as trafficking_status,
      ${listCell('c.methods_of_control')} as methods_of_control,
      ${listCell('c.recruitment_methods')} as recruitment_methods, ${cell('c.industry')} as industry,
      case_needs.kinds as case_needs, own_needs.kinds as own_needs,
      case_outcomes.statuses as case_outcomes, own_outcomes.statuses as own_outcomes,
      e.kinds as escalation_kinds, f.channel as first_channel
    from case_person p
    join case_file c on c.id = p.case_id
    left join needs case_needs on case_needs.case_id = c.id and case_needs.person_id is null
    left join needs own_needs on own_needs.case_id = c.id and own_needs.person_id = p.id
    left join outcomes case_outcomes on case_outcomes.case_id = c.id and case_outcomes.person_id is null
    left join outcomes own_outcomes on own_outcomes.case_id = c.id and own_outcomes.person_id = p.id
    left join escalations e on e.case_id = c.id
    left join first_signals f on f.case_id = c.id
    where (p.role_answer <> 'given' or p.role in ('victim', 'survivor')) ${opened('c')}`.execute(db)
  for (const row of rows) {
    const { case_needs, own_needs, case_outcomes, own_outcomes, escalation_kinds } = row
    delete row.case_needs
    delete row.own_needs
    delete row.case_outcomes
    delete row.own_outcomes
    // The person's own needs and outcomes join those of the case.
    row.needs = unique(case_needs as string | null, own_needs as string | null)
    row.referral_outcomes = unique(case_outcomes as string | null, own_outcomes as string | null)
    row.escalation_kinds = unique(escalation_kinds as string | null)
  }
  return rows as unknown as ExtractRow[]
}
