import { type Kysely, type RawBuilder, sql } from 'kysely'
import { channels } from '../../common/contracts/intake.ts'
import type { PeriodRange } from '../../common/contracts/reporting.ts'
import { dayAfter, monthsOf } from '../../common/periods.ts'
import type { DB } from '../db/schema.ts'

/**
 * The SQL behind every indicator. Each query reads the current period and the one before it in one
 * pass, tags each figure with the period it belongs to (`c` current, `p` previous), and returns
 * plain rows the service turns into indicators. Days begin at midnight in the hotline's time zone:
 * the window's instants are computed by PostgreSQL first (`day::timestamp AT TIME ZONE tz`). Each
 * query also returns a fingerprint of the rows it read: the XOR of a 64-bit hash of each row's
 * reported columns (order-free, one pass; a signal keeps its own, `report_hash`).
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

/**
 * The window's instants, computed by PostgreSQL so that daylight saving time is handled where it is
 * defined: `edges` are the starts of the previous period, of every month after it, of the current
 * period, and the current period's end; between two edges lies one bucket, tagged with its period
 * and its month. The other queries take these instants as plain parameters, so the planner knows
 * how many rows each range holds.
 */
export interface Bounds {
  previousStart: string
  currentStart: string
  end: string
  edges: string[]
  buckets: { p: 'c' | 'p'; month: string }[]
}

export async function windowBounds(db: Kysely<DB>, window: Window): Promise<Bounds> {
  const end = dayAfter(window.current.to)
  const days = new Set([window.previous.from, window.current.from, end])
  for (const month of [...monthsOf(window.previous), ...monthsOf(window.current)]) {
    const first = `${month}-01`
    if (first > window.previous.from && first < end) days.add(first)
  }
  const sorted = [...days].sort()
  const { rows } = await sql<{ edges: string[] }>`
    select array_agg((d::timestamp at time zone ${window.timeZone})::text order by d) as edges
    from unnest(${sorted}::date[]) d`.execute(db)
  const edges = rows[0]!.edges
  return {
    previousStart: edges[0]!,
    currentStart: edges[sorted.indexOf(window.current.from)]!,
    end: edges[edges.length - 1]!,
    edges,
    buckets: sorted.slice(0, -1).map((day) => ({
      p: day >= window.current.from ? 'c' : 'p',
      month: day.slice(0, 7),
    })),
  }
}

const isCurrent = (b: Bounds, column: RawBuilder<unknown>) =>
  sql`case when ${column} >= ${b.currentStart}::timestamptz then 'c' else 'p' end`
const inWindow = (b: Bounds, column: RawBuilder<unknown>) =>
  sql`${column} >= ${b.previousStart}::timestamptz and ${column} < ${b.end}::timestamptz`
/** A case open at some time in the window: what the active and closed counts, and the fingerprint, read. */
const caseInWindow = (b: Bounds) =>
  sql`cf.created_at < ${b.end}::timestamptz and (cf.closed_at is null or cf.closed_at >= ${b.previousStart}::timestamptz)`
const waitSeconds = sql`date_part('epoch', sig.answered_at - coalesce(sig.enqueued_at, sig.received_at))`

/** Signals received in either period, broken down every way the report needs, in one scan. */
export async function signalGroups(db: Kysely<DB>, b: Bounds): Promise<SignalGroupRow[]> {
  // First the signals grouped by every dimension at once, each joined to its bucket (a hash
  // aggregate in one pass, with what each breakdown needs summed), then every breakdown
  // from those few groups. The buckets are a relation of their own so that the planner counts a
  // few dozen of them, not one per instant a signal was received at.
  const { rows } = await sql<SignalGroupRow>`
    with bucket as (
      select * from unnest(${b.buckets.map((x) => x.p)}::text[], ${b.buckets.map((x) => x.month)}::text[])
        with ordinality as t(p, month, n)
    ),
    fine as materialized (
      select bucket.n as bucket, sig.channel, sig.classification, sig.province, sig.caller_type,
        coalesce(sig.preferred_language, sig.language) as language,
        count(*) as signals,
        count(*) filter (where sig.classification = 'trafficking') as trafficking,
        count(sig.abandoned_at) as abandoned,
        sum(${waitSeconds}) as wait_sum,
        count(sig.answered_at) as wait_count,
        sum(date_part('epoch', coalesce(sig.wrap_up_ended_at, sig.ended_at) - sig.answered_at)) as handling_sum,
        count(coalesce(sig.wrap_up_ended_at, sig.ended_at) - sig.answered_at) as handling_count,
        bit_xor(sig.report_hash) as h
      from intake_signal sig
      join bucket on bucket.n = width_bucket(sig.received_at, ${b.edges}::timestamptz[])
      where ${inWindow(b, sql`sig.received_at`)}
      group by 1, 2, 3, 4, 5, 6
    ),
    named as (
      select bucket.p, bucket.month, channel, coalesce(classification, 'unclassified') as classification,
        coalesce(province, 'unknown') as province, coalesce(caller_type, 'unknown') as caller_type,
        language, signals, trafficking, abandoned, wait_sum, wait_count, handling_sum, handling_count, h
      from fine join bucket on bucket.n = fine.bucket
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
      coalesce(channel, classification, province, caller_type, language, month) as k,
      sum(signals)::int as n,
      sum(trafficking)::int as trafficking,
      sum(abandoned)::int as abandoned,
      (sum(wait_sum) / nullif(sum(wait_count), 0))::float8 as wait_average,
      (sum(handling_sum) / nullif(sum(handling_count), 0))::float8 as handling_average,
      case when grouping(channel, classification, province, caller_type, language, month) = 63
        then bit_xor(h)::text end as fingerprint
    from named
    group by grouping sets ((p), (p, channel), (p, classification), (p, province), (p, caller_type),
      (p, language), (p, month))`.execute(db)
  return rows
}

/**
 * The 90th percentile of the wait per channel and period, for answered signals: apart from the
 * breakdowns, since an ordered-set aggregate would make every grouping set sort all the rows. One
 * filtered aggregate per channel and period, so that each sorts its own waits and nothing else.
 */
export async function waitPercentiles(
  db: Kysely<DB>,
  b: Bounds,
): Promise<{ p: 'c' | 'p'; k: string; wait_p90: number | null }[]> {
  const cells = (['c', 'p'] as const).flatMap((p) => channels.map((k) => ({ p, k })))
  const { rows } = await sql<{ p90: (number | null)[] }>`
    select array[${sql.join(
      cells.map(
        (cell) => sql`percentile_cont(0.9) within group (order by ${waitSeconds})
          filter (where sig.channel = ${cell.k} and sig.received_at ${cell.p === 'c' ? sql`>=` : sql`<`}
            ${b.currentStart}::timestamptz)`,
      ),
    )}]::float8[] as p90
    from intake_signal sig
    where ${inWindow(b, sql`sig.received_at`)} and sig.answered_at is not null`.execute(db)
  return cells.map((cell, index) => ({ ...cell, wait_p90: rows[0]!.p90[index] ?? null }))
}

/** Case, potential-victim, referral, need and escalation figures, as uniform rows. */
export async function caseFigures(db: Kysely<DB>, b: Bounds): Promise<FigureRow[]> {
  const result = await sql<FigureRow>`
    with opened as materialized (
      select ${isCurrent(b, sql`cf.created_at`)} as p, cf.id, cf.trafficking_types, cf.trafficking_types_answer,
        cf.province, cf.province_answer
      from case_file cf where ${inWindow(b, sql`cf.created_at`)}
    ),
    victims as (
      select o.p,
        case when o.province_answer = 'given' then o.province else o.province_answer end as province,
        case when cp.gender_answer = 'given' then cp.gender else cp.gender_answer end as gender,
        case
          when cp.age_answer <> 'given' then cp.age_answer
          when cp.age_band is not null then cp.age_band
          when cp.age_years < 12 then 'under_12'
          when cp.age_years < 16 then '12_15'
          when cp.age_years < 18 then '16_17'
          when cp.age_years < 25 then '18_24'
          when cp.age_years < 35 then '25_34'
          when cp.age_years < 45 then '35_44'
          when cp.age_years < 55 then '45_54'
          when cp.age_years < 65 then '55_64'
          else '65_plus'
        end as age_band
      from opened o join case_person cp on cp.case_id = o.id
      where cp.role in ('victim', 'survivor') or cp.role_answer <> 'given'
    ),
    spans as (
      select
        count(*) filter (where cf.created_at < ${b.end}::timestamptz
          and (cf.closed_at is null or cf.closed_at >= ${b.currentStart}::timestamptz))::int as active_c,
        count(*) filter (where cf.created_at < ${b.currentStart}::timestamptz
          and (cf.closed_at is null or cf.closed_at >= ${b.previousStart}::timestamptz))::int as active_p,
        count(*) filter (where cf.closed_at >= ${b.currentStart}::timestamptz
          and cf.closed_at < ${b.end}::timestamptz)::int as closed_c,
        count(*) filter (where cf.closed_at >= ${b.previousStart}::timestamptz
          and cf.closed_at < ${b.currentStart}::timestamptz)::int as closed_p
      from case_file cf where ${caseInWindow(b)}
    )
    select 'cases.opened' as indicator, p, null::text as k1, null::text as k2, count(*)::int as v
      from opened group by p
    union all
    select figure.indicator, figure.p, null, null, figure.v
      from spans cross join lateral (values ('cases.active', 'c', active_c), ('cases.active', 'p', active_p),
        ('cases.closed', 'c', closed_c), ('cases.closed', 'p', closed_p)) as figure(indicator, p, v)
    union all
    select 'cases.by_trafficking_type', p, t.type, null, count(*)::int
      from opened cross join lateral unnest(
        case when trafficking_types_answer = 'given' then trafficking_types
          else array[trafficking_types_answer::text] end) as t(type)
      group by p, t.type
    union all
    select
        case
          when grouping(gender) = 0 then 'victims.by_gender'
          when grouping(age_band) = 0 then 'victims.by_age_band'
          when grouping(province) = 0 then 'victims.by_province'
          else 'victims.total'
        end,
        p, coalesce(gender, age_band, province), null, count(*)::int
      from victims group by grouping sets ((p), (p, gender), (p, age_band), (p, province))
    union all
    select 'referrals.by_need', ${isCurrent(b, sql`r.created_at`)}, r.need_kind, null, count(*)::int
      from case_referral r where ${inWindow(b, sql`r.created_at`)}
      group by 2, 3
    union all
    select 'referrals.by_outcome', ${isCurrent(b, sql`r.created_at`)}, r.status, null, count(*)::int
      from case_referral r where ${inWindow(b, sql`r.created_at`)}
      group by 2, 3
    union all
    select 'needs.by_kind', ${isCurrent(b, sql`n.created_at`)}, n.kind, null, count(*)::int
      from case_need n where ${inWindow(b, sql`n.created_at`)}
      group by 2, 3
    union all
    select 'escalations.by_kind', ${isCurrent(b, sql`e.started_at`)}, e.kind, null, count(*)::int
      from case_escalation e where ${inWindow(b, sql`e.started_at`)} and e.status <> 'cancelled'
      group by 2, 3
`.execute(db)
  return result.rows
}

/** The fingerprints of the case tables' rows either period reads, by table. */
export async function caseFingerprints(
  db: Kysely<DB>,
  b: Bounds,
): Promise<{ name: string; v: string | null }[]> {
  const result = await sql<{ name: string; v: string | null }>`
    select 'case_file' as name, bit_xor(hash_record_extended(row(id, updated_at, closed_at), 0))::text as v
      from case_file cf where ${caseInWindow(b)}
    union all select 'case_person', bit_xor(hash_record_extended(row(cp.id, cp.updated_at), 0))::text
      from case_person cp join case_file cf on cf.id = cp.case_id
      where ${inWindow(b, sql`cf.created_at`)}
    union all select 'case_referral', bit_xor(hash_record_extended(row(id, updated_at), 0))::text
      from case_referral where ${inWindow(b, sql`created_at`)}
    union all select 'case_need', bit_xor(hash_record_extended(row(id, updated_at), 0))::text
      from case_need where ${inWindow(b, sql`created_at`)}
    union all select 'case_escalation', bit_xor(hash_record_extended(row(id, updated_at), 0))::text
      from case_escalation where ${inWindow(b, sql`started_at`)}`.execute(db)
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
