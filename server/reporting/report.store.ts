import { type Kysely, sql } from 'kysely'
import type { PeriodRange } from '../../common/contracts/reporting.ts'
import { dayAfter } from '../../common/periods.ts'
import type { DB } from '../db/schema.ts'

/**
 * The SQL behind every indicator. Each query reads the current period and the one before it in one
 * pass, tags each figure with the period it belongs to (`c` current, `p` previous), and returns
 * plain rows the service turns into indicators. Days begin at midnight in the hotline's time zone:
 * the period's bounds are computed by PostgreSQL (`day::timestamp AT TIME ZONE tz`), so daylight
 * saving time is handled where it is defined. Each query also returns a fingerprint of the rows it
 * read: the XOR of a 64-bit hash of each row's reported columns (order-free, one pass).
 */

export interface Window {
  current: PeriodRange
  previous: PeriodRange
  timeZone: string
}

/** One figure: which indicator, which period, its dimension values, its value. */
export interface FigureRow {
  indicator: string
  p: 'c' | 'p'
  k1: string | null
  k2: string | null
  v: number | null
}

export interface SignalGroupRow {
  p: 'c' | 'p'
  /** Which breakdown: the dimension name, or 'total'. */
  by: string
  k: string | null
  n: number
  trafficking: number
  abandoned: number
  wait_average: number | null
  handling_average: number | null
  fingerprint: string | null
}

const bounds = (window: Window) => sql`
  select
    (${window.previous.from}::date)::timestamp at time zone ${window.timeZone} as prev_start,
    (${window.current.from}::date)::timestamp at time zone ${window.timeZone} as cur_start,
    (${dayAfter(window.current.to)}::date)::timestamp at time zone ${window.timeZone} as cur_end`

/** Signals received in either period, broken down every way the report needs, in one scan. */
export async function signalGroups(db: Kysely<DB>, window: Window): Promise<SignalGroupRow[]> {
  return (await signalGroupsQuery(window).execute(db)).rows
}

export function signalGroupsQuery(window: Window) {
  const tz = window.timeZone
  // First the signals grouped by every dimension at once (a hash aggregate in one pass over the
  // rows, with what each breakdown needs summed), then every breakdown from those few groups.
  return sql<SignalGroupRow>`
    with b as (${bounds(window)}),
    fine as (
      select
        case when sig.received_at >= b.cur_start then 'c' else 'p' end as p,
        sig.channel::text as channel,
        coalesce(sig.classification, 'unclassified') as classification,
        coalesce(sig.province, 'unknown') as province,
        coalesce(sig.caller_type, 'unknown') as caller_type,
        coalesce(sig.preferred_language, sig.language) as language,
        date_trunc('month', sig.received_at at time zone ${tz}) as month,
        count(*) as n,
        count(*) filter (where sig.classification = 'trafficking') as trafficking,
        count(*) filter (where sig.abandoned_at is not null) as abandoned,
        sum(extract(epoch from sig.answered_at - coalesce(sig.enqueued_at, sig.received_at))) as wait_sum,
        count(sig.answered_at) as wait_count,
        sum(extract(epoch from coalesce(sig.wrap_up_ended_at, sig.ended_at) - sig.answered_at)) as handling_sum,
        count(coalesce(sig.wrap_up_ended_at, sig.ended_at) - sig.answered_at) as handling_count,
        bit_xor(hash_record_extended(row(sig.id, sig.channel, sig.classification, sig.province,
          sig.caller_type, sig.language, sig.preferred_language, sig.received_at, sig.enqueued_at,
          sig.answered_at, sig.abandoned_at, sig.ended_at, sig.wrap_up_ended_at), 0)) as h
      from intake_signal sig, b
      where sig.received_at >= b.prev_start and sig.received_at < b.cur_end
      group by 1, 2, 3, 4, 5, 6, 7
    )
    select p,
      case
        when grouping(channel) = 0 then 'channel'
        when grouping(classification) = 0 then 'classification'
        when grouping(province) = 0 then 'province'
        when grouping(caller_type) = 0 then 'caller_type'
        when grouping(language) = 0 then 'language'
        when grouping(month) = 0 then 'month'
        else 'total'
      end as by,
      coalesce(channel, classification, province, caller_type, language, to_char(month, 'YYYY-MM')) as k,
      sum(n)::int as n,
      sum(trafficking)::int as trafficking,
      sum(abandoned)::int as abandoned,
      (sum(wait_sum) / nullif(sum(wait_count), 0))::float8 as wait_average,
      (sum(handling_sum) / nullif(sum(handling_count), 0))::float8 as handling_average,
      case when grouping(channel, classification, province, caller_type, language, month) = 63
        then bit_xor(h)::text end as fingerprint
    from fine
    group by grouping sets ((p), (p, channel), (p, classification), (p, province), (p, caller_type),
      (p, language), (p, month))`
}

/**
 * The 90th percentile of the wait per channel and period, for answered signals: apart from the
 * breakdowns, since an ordered-set aggregate would make every grouping set sort all the rows.
 */
export async function waitPercentiles(
  db: Kysely<DB>,
  window: Window,
): Promise<{ p: 'c' | 'p'; k: string; wait_p90: number | null }[]> {
  const result = await sql<{ p: 'c' | 'p'; k: string; wait_p90: number | null }>`
    with b as (${bounds(window)})
    select case when sig.received_at >= b.cur_start then 'c' else 'p' end as p, sig.channel::text as k,
      percentile_cont(0.9) within group (
        order by extract(epoch from sig.answered_at - coalesce(sig.enqueued_at, sig.received_at))) as wait_p90
    from intake_signal sig, b
    where sig.received_at >= b.prev_start and sig.received_at < b.cur_end and sig.answered_at is not null
    group by 1, 2`.execute(db)
  return result.rows
}

/** Case, potential-victim, referral, need and escalation figures, as uniform rows. */
export async function caseFigures(db: Kysely<DB>, window: Window): Promise<FigureRow[]> {
  const result = await sql<FigureRow>`
    with b as (${bounds(window)}),
    periods as (
      select 'c' as p, b.cur_start as start, b.cur_end as finish from b
      union all select 'p', b.prev_start, b.cur_start from b
    ),
    opened as (
      select periods.p, cf.* from case_file cf
      join periods on cf.created_at >= periods.start and cf.created_at < periods.finish
    ),
    victims as (
      select o.p, o.province as case_province, o.province_answer as case_province_answer, cp.*
      from opened o join case_person cp on cp.case_id = o.id
      where cp.role in ('victim', 'survivor') or cp.role_answer <> 'given'
    )
    select 'cases.opened' as indicator, p, null::text as k1, null::text as k2, count(*)::int as v
      from opened group by p
    union all
    select 'cases.active', periods.p, null, null, count(cf.id)::int
      from periods left join case_file cf on cf.created_at < periods.finish
        and (cf.closed_at is null or cf.closed_at >= periods.start)
      group by periods.p
    union all
    select 'cases.closed', periods.p, null, null, count(cf.id)::int
      from periods left join case_file cf on cf.closed_at >= periods.start and cf.closed_at < periods.finish
      group by periods.p
    union all
    select 'cases.by_trafficking_type', p, t.type, null, count(*)::int
      from opened cross join lateral unnest(
        case when trafficking_types_answer = 'given' then trafficking_types
          else array[trafficking_types_answer::text] end) as t(type)
      group by p, t.type
    union all
    select 'victims.total', p, null, null, count(*)::int from victims group by p
    union all
    select 'victims.by_gender', p, case when gender_answer = 'given' then gender else gender_answer end,
        null, count(*)::int
      from victims group by 2, 3
    union all
    select 'victims.by_age_band', p,
        case
          when age_answer <> 'given' then age_answer
          when age_band is not null then age_band
          when age_years < 12 then 'under_12'
          when age_years < 16 then '12_15'
          when age_years < 18 then '16_17'
          when age_years < 25 then '18_24'
          when age_years < 35 then '25_34'
          when age_years < 45 then '35_44'
          when age_years < 55 then '45_54'
          when age_years < 65 then '55_64'
          else '65_plus'
        end, null, count(*)::int
      from victims group by 2, 3
    union all
    select 'victims.by_province', p,
        case when case_province_answer = 'given' then case_province else case_province_answer end,
        null, count(*)::int
      from victims group by 2, 3
    union all
    select 'referrals.by_need', periods.p, r.need_kind, null, count(*)::int
      from periods join case_referral r on r.created_at >= periods.start and r.created_at < periods.finish
      group by 2, 3
    union all
    select 'referrals.by_outcome', periods.p, r.status, null, count(*)::int
      from periods join case_referral r on r.created_at >= periods.start and r.created_at < periods.finish
      group by 2, 3
    union all
    select 'needs.by_kind', periods.p, n.kind, null, count(*)::int
      from periods join case_need n on n.created_at >= periods.start and n.created_at < periods.finish
      group by 2, 3
    union all
    select 'escalations.by_kind', periods.p, e.kind, null, count(*)::int
      from periods join case_escalation e on e.started_at >= periods.start and e.started_at < periods.finish
        and e.status <> 'cancelled'
      group by 2, 3
`.execute(db)
  return result.rows
}

/** The fingerprints of the case tables' rows either period reads, by table. */
export async function caseFingerprints(
  db: Kysely<DB>,
  window: Window,
): Promise<{ name: string; v: string | null }[]> {
  const result = await sql<{ name: string; v: string | null }>`
    with b as (${bounds(window)})
    select 'case_file' as name, bit_xor(hash_record_extended(row(id, updated_at, closed_at), 0))::text as v
      from case_file, b where created_at < b.cur_end and (closed_at is null or closed_at >= b.prev_start)
    union all select 'case_person', bit_xor(hash_record_extended(row(cp.id, cp.updated_at), 0))::text
      from case_person cp join case_file cf on cf.id = cp.case_id, b
      where cf.created_at >= b.prev_start and cf.created_at < b.cur_end
    union all select 'case_referral', bit_xor(hash_record_extended(row(id, updated_at), 0))::text
      from case_referral, b where created_at >= b.prev_start and created_at < b.cur_end
    union all select 'case_need', bit_xor(hash_record_extended(row(id, updated_at), 0))::text
      from case_need, b where created_at >= b.prev_start and created_at < b.cur_end
    union all select 'case_escalation', bit_xor(hash_record_extended(row(id, updated_at), 0))::text
      from case_escalation, b where started_at >= b.prev_start and started_at < b.cur_end`.execute(db)
  return result.rows
}

/** Partner service providers per province or territory, as the directory holds them today. */
export async function providerProvinces(
  db: Kysely<DB>,
): Promise<{ k: string; v: number; h: string | null }[]> {
  const result = await sql<{ k: string; v: number; h: string | null }>`
    select coalesce(o.jurisdiction_province,
        (select min(l.province) from directory_location l where l.organization_id = o.id), 'unknown') as k,
      count(*)::int as v,
      bit_xor(hash_record_extended(row(o.id, o.updated_at), 0))::text as h
    from directory_organization o
    where o.kind = 'service_provider'
    group by 1`.execute(db)
  return result.rows
}
