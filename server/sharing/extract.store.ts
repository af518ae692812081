import { type Kysely, sql } from 'kysely'
import type { AnswerState, CaseStatus } from '../../common/contracts/cases.ts'
import { dayAfter } from '../../common/periods.ts'
import type { DB } from '../db/schema.ts'

/**
 * The rows of the statistics extract: one per potential victim (a person of a case whose role is
 * victim or survivor, or was not given), with the facts of their case. Coded columns only, named one
 * by one: no sealed column, no name, contact, municipality, case number or id, no exploiter.
 */
export interface ExtractRow {
  role: string | null
  role_answer: AnswerState
  age_years: number | null
  age_band: string | null
  age_answer: AnswerState
  gender: string | null
  gender_answer: AnswerState
  residency: string | null
  residency_answer: AnswerState
  /** The day the case was opened, in the hotline's time zone (YYYY-MM-DD). */
  opened_on: string
  status: CaseStatus
  province: string | null
  province_answer: AnswerState
  trafficking_types: string[] | null
  trafficking_types_answer: AnswerState
  trafficking_status: string | null
  trafficking_status_answer: AnswerState
  methods_of_control: string[] | null
  methods_of_control_answer: AnswerState
  recruitment_methods: string[] | null
  recruitment_methods_answer: AnswerState
  industry: string | null
  industry_answer: AnswerState
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

export async function readExtractRows(db: Kysely<DB>, scope: ExtractScope): Promise<ExtractRow[]> {
  const { timeZone, period } = scope
  const opened = period
    ? sql`and c.created_at >= (${period.from}::date)::timestamp at time zone ${timeZone}
        and c.created_at < (${dayAfter(period.to)}::date)::timestamp at time zone ${timeZone}`
    : sql``
  const { rows } = await sql<ExtractRow>`
    select p.role, p.role_answer, p.age_years, p.age_band, p.age_answer, p.gender, p.gender_answer,
      p.residency, p.residency_answer,
      to_char(c.created_at at time zone ${timeZone}, 'YYYY-MM-DD') as opened_on,
      c.status, c.province, c.province_answer, c.trafficking_types, c.trafficking_types_answer,
      c.trafficking_status, c.trafficking_status_answer, c.methods_of_control, c.methods_of_control_answer,
      c.recruitment_methods, c.recruitment_methods_answer, c.industry, c.industry_answer,
      array(select distinct n.kind from case_need n
        where n.case_id = c.id and (n.person_id is null or n.person_id = p.id)) as needs,
      array(select distinct r.status from case_referral r
        where r.case_id = c.id and (r.person_id is null or r.person_id = p.id)) as referral_outcomes,
      array(select distinct e.kind from case_escalation e
        where e.case_id = c.id and e.status <> 'cancelled') as escalation_kinds,
      (select s.channel from case_signal cs join intake_signal s on s.id = cs.signal_id
        where cs.case_id = c.id order by s.received_at, s.id limit 1) as first_channel
    from case_person p
    join case_file c on c.id = p.case_id
    where (p.role_answer <> 'given' or p.role in ('victim', 'survivor'))
      ${opened}`.execute(db)
  return rows
}
