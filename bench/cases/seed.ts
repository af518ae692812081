// A year of a national hotline at scale, written set-based (insert … select generate_series) straight
// into PostgreSQL: signals on every channel, cases gathering them with people, an exploiter, needs,
// notes, referrals and escalations. Ids are the md5 of a name and a number, as a version 4 uuid
// (`bench_uuid('case' || k)`), so every table can name the rows of another without a lookup. Sealed
// columns hold one value per column, sealed once with the server's key: the server opens them as it
// would any other.
import { type Kysely, type RawBuilder, sql } from 'kysely'
import type { Secrets } from '../../server/crypto/secrets.ts'
import type { DB } from '../../server/db/schema.ts'

export interface Sizes {
  signals: number
  cases: number
  advocates: number
  contacts: number
}

/** How many of the signals belong to cases: every case has one, some two or three. */
export const caseSignalsOf = (sizes: Sizes) => Math.min(sizes.signals, Math.round(sizes.cases * 1.5))

/** The advocate a case is assigned to: case k goes to advocate 1 + k % advocates. */
const advocateOf = (k: string, sizes: Sizes) =>
  sql.raw(`bench_uuid('staff' || (1 + ${k} % ${sizes.advocates}))`)

const seal = (secrets: Secrets, value: unknown) =>
  secrets.seal(typeof value === 'string' ? value : JSON.stringify(value))
const given = <T>(value: T) => ({ state: 'given', value })

/** The one sealed value of each sealed column, valid under the contract the server reads it with. */
function sealedValues(secrets: Secrets) {
  return {
    address: seal(secrets, '+14165550100'),
    body: seal(secrets, 'My boss keeps my passport and says I owe him for the trip.'),
    safetyPlan: seal(secrets, {
      plan: given('Keep the phone charged and hidden; call 911 if threatened.'),
      safePlace: given('The women’s shelter downtown'),
      supports: { state: 'not_asked' },
    }),
    closure: seal(secrets, 'Connected with services; no further support wanted from the line.'),
    safeContact: seal(secrets, {
      callBack: given(true),
      voicemail: given(false),
      text: given(true),
      codeWord: given('blue heron'),
      safeTimes: given('Weekday mornings'),
    }),
    features: seal(secrets, {
      tattoos: given('Crown tattoo on the right hand'),
      vehicle: given('Black pickup truck'),
      onlinePlatforms: given(['Instagram']),
    }),
    note: seal(secrets, 'Safe tonight, staying with a friend. Agreed to talk again on Thursday.'),
    alias: seal(secrets, 'Sam'),
    handoff: seal(secrets, 'Spoke with the intake worker, who expects her call tomorrow morning.'),
    reference: seal(secrets, 'CP-2026-10417'),
    danger: seal(secrets, 'Threatened on the phone during the call.'),
  }
}

const provinces = ['ON', 'ON', 'ON', 'ON', 'QC', 'QC', 'BC', 'BC', 'AB', 'NS', 'MB', 'SK', 'NB']
const places = [
  'Toronto',
  'Ottawa',
  'Hamilton',
  'London',
  'Montréal',
  'Québec',
  'Vancouver',
  'Surrey',
  'Calgary',
  'Halifax',
  'Winnipeg',
  'Saskatoon',
  'Moncton',
]
const needKinds = ['housing-emergency', 'counselling', 'legal-aid', 'immigration', 'labour-rights', 'health']
const needStatuses = ['unmet', 'referred', 'met', 'declined']
const referralStatuses = ['pending', 'accepted', 'completed', 'declined', 'no_capacity', 'unknown']
const textArray = (values: string[]) => sql.raw(`array[${values.map((v) => `'${v}'`).join(', ')}]::text[]`)

/** The statements, in order; each is one set-based insert. */
function statements(sizes: Sizes, s: ReturnType<typeof sealedValues>): [string, RawBuilder<unknown>][] {
  const caseSignals = caseSignalsOf(sizes)
  const year = 365 * 86_400
  // When case k's first signal came in (and signal k's, which it is): spread over the year before today.
  const firstAt = (k: string) =>
    sql.raw(`now() - interval '1 day' - ((${k} * 104729) % ${year}) * interval '1 second'`)
  const caseOf = (j: string) =>
    `case when ${j} <= ${sizes.cases} then ${j} else 1 + (${j} * 7919) % ${sizes.cases} end`
  const escalated = (k: string) => sql.raw(`(${k} % 47 = 0)`)
  const dispatched = (k: string) => sql.raw(`(${k} % 97 = 5)`)
  return [
    [
      'ids',
      sql`create function bench_uuid(name text) returns uuid immutable language sql
        as $$ select overlay(overlay(md5(name) placing '4' from 13) placing '8' from 17)::uuid $$`,
    ],
    [
      'staff',
      sql`insert into staff_user (id, email, display_name, role, password_hash, mfa_enrolled_at, locale)
        select bench_uuid('staff' || n), 'advocate' || n || '@bench.relais.test', 'Advocate ' || n, 'advocate', 'unused', now(), 'en'
        from generate_series(1, ${sizes.advocates}) n
        union all
        select bench_uuid('supervisor'), 'supervisor@bench.relais.test', 'Supervisor', 'supervisor', 'unused', now(), 'en'`,
    ],
    [
      'contacts',
      sql`insert into intake_contact (id, kind, blind_index, address_sealed, first_seen_at, last_seen_at)
        select bench_uuid('contact' || i), 'phone', md5('blind' || i), ${s.address}, now() - interval '300 days', now() - interval '2 days'
        from generate_series(1, ${sizes.contacts}) i`,
    ],
    // Signals: a case's first signal is signal k (k ≤ cases); its later ones follow within two days.
    // Those not about trafficking and older than 90 days are as retention left them: no address, no body.
    [
      'signals',
      sql`insert into intake_signal (id, channel, contact_id, queue, advocate_id, status, received_at, enqueued_at,
          offered_at, answered_at, abandoned_at, ended_at, wrap_up_ended_at, classification, last_seq, last_message_at,
          language, fallback_at)
        select bench_uuid('signal' || i), channel,
          case when channel in ('voice', 'sms') and not purged then bench_uuid('contact' || (1 + i % ${sizes.contacts})) end,
          case channel when 'voice' then 'voice' when 'email' then 'email' when 'web_form' then 'form' else 'messaging' end
            || case when i % 5 = 0 then '.fr' else '.en' end,
          case when not abandoned then ${advocateOf('i', sizes)} end,
          case when abandoned then 'abandoned' else 'ended' end,
          received, received,
          case when not abandoned then received + interval '27 seconds' end,
          case when not abandoned then received + interval '30 seconds' end,
          case when abandoned then received + interval '40 seconds' end,
          received + case when abandoned then interval '40 seconds' else interval '20 minutes' end,
          case when not abandoned then received + interval '25 minutes' end,
          classification, (channel <> 'voice')::int, received,
          case when i % 5 = 0 then 'fr' else 'en' end, received + interval '1 minute'
        from (
          select i, channel, received, abandoned, classification,
            classification is distinct from 'trafficking' and received < now() - interval '89 days' as purged
          from (
            select i,
              case when i % 100 < 72 then 'voice' when i % 100 < 83 then 'web_chat' when i % 100 < 89 then 'sms'
                when i % 100 < 94 then 'email' when i % 100 < 98 then 'web_form' else 'whatsapp' end as channel,
              case when i > ${sizes.cases} and i <= ${caseSignals}
                then least(${firstAt(`(${caseOf('i')})`)} + (1 + i % 40) * interval '1 hour', now() - interval '2 hours')
                else ${firstAt('i')} end as received,
              i > ${caseSignals} and i % 20 = 0 as abandoned,
              case when i <= ${caseSignals} then 'trafficking'
                when i % 20 = 0 then null
                when (i * 31) % 100 < 31 then 'non_trafficking_concern'
                when (i * 31) % 100 < 71 then 'information_request'
                else 'other' end as classification
            from generate_series(1::bigint, ${sizes.signals}) i
          ) raw
        ) planned`,
    ],
    [
      'messages',
      sql`insert into intake_message (id, signal_id, seq, direction, body_sealed, provider, external_id, received_at)
        select bench_uuid('message' || s.id), s.id, 1, 'in',
          case when s.classification is distinct from 'trafficking' and s.received_at < now() - interval '89 days'
            then null else ${s.body} end,
          case s.channel when 'sms' then 'twilio' when 'whatsapp' then 'whatsapp' when 'email' then 'email' else 'relais' end,
          'bench-' || s.id, s.received_at
        from intake_signal s where s.channel <> 'voice'`,
    ],
    [
      'purged',
      sql`insert into case_purged_signal (signal_id, purged_at)
        select id, received_at + interval '90 days' from intake_signal
        where classification is distinct from 'trafficking' and received_at < now() - interval '89 days'`,
    ],
    // The cases' own facts, once, for the tables that follow.
    [
      'case plan',
      sql`create unlogged table bench_case as
        select k, bench_uuid('case' || k) as id, created_at,
          case when k % 4 <> 0 then least(created_at + (2 + k % 30) * interval '1 day', now() - interval '1 hour') end as closed_at,
          least(created_at + (k % 12) * interval '1 day', now() - interval '1 hour') as worked_at,
          case when ${escalated('k')} or ${dispatched('k')} then 1 else 1 + (k * 7) % ${provinces.length} end as place
        from (select k, ${firstAt('k')} + interval '5 minutes' as created_at from generate_series(1::bigint, ${sizes.cases}) k) c`,
    ],
    [
      'cases',
      sql`insert into case_file (id, case_number, status, safety_status, safety_plan_sealed,
          people_affected, people_affected_answer, trafficking_types, trafficking_types_answer,
          trafficking_status, trafficking_status_answer, methods_of_control, methods_of_control_answer,
          recruitment_methods, recruitment_methods_answer, industry, industry_answer, province, province_answer,
          municipality, municipality_answer, community_size, community_size_answer, created_by, assigned_to,
          created_at, updated_at, closed_at, closed_by, closure_reason_sealed, last_worked_at)
        select id,
          'C-' || extract(year from created_at)::int || '-'
            || lpad((row_number() over (partition by extract(year from created_at) order by created_at, k))::text, 6, '0'),
          case when closed_at is null then 'open' else 'closed' end,
          (array['yes', 'no', 'unsure', 'not_asked'])[1 + k % 4],
          case when k % 4 = 1 then ${s.safetyPlan} end,
          1 + k % 3, 'given',
          case when k % 3 = 0 then array['ForcedLabour'] else array['SexualExploitation'] end, 'given',
          'PossibleVictimOfTrafficking', 'given',
          array['PsychologicalAbuse', 'TakesEarnings'], 'given',
          null, 'unknown',
          case when k % 3 = 0 then 'A_AgricultureForestryAndFishing' end, case when k % 3 = 0 then 'given' else 'not_asked' end,
          (${textArray(provinces)})[place], 'given',
          (${textArray(places)})[place], 'given',
          'large_urban_population_centre', 'given',
          ${advocateOf('k', sizes)}, ${advocateOf('k', sizes)},
          created_at, coalesce(closed_at, worked_at), closed_at,
          case when closed_at is not null then ${advocateOf('k', sizes)} end,
          case when closed_at is not null then ${s.closure} end,
          coalesce(closed_at, worked_at)
        from bench_case`,
    ],
    [
      'case numbers',
      sql`insert into case_number_counter (year, last)
        select extract(year from created_at)::int, count(*) from bench_case group by 1`,
    ],
    [
      'workers',
      sql`insert into case_worker (case_id, staff_id, via, first_at, last_worked_at)
        select id, ${advocateOf('k', sizes)}, 'created', created_at, coalesce(closed_at, worked_at) from bench_case
        union all
        select id, ${advocateOf('(k + 1)', sizes)}, 'worked', worked_at, worked_at from bench_case where k % 10 = 0`,
    ],
    [
      'case signals',
      sql`insert into case_signal (case_id, signal_id, linked_by, linked_at)
        select ${sql.raw(`bench_uuid('case' || (${caseOf('j')}))`)}, bench_uuid('signal' || j), ${advocateOf(`(${caseOf('j')})`, sizes)},
          ${firstAt(`(${caseOf('j')})`)} + interval '5 minutes'
        from generate_series(1::bigint, ${caseSignals}) j`,
    ],
    // The person at the centre (15 years old where a child-protection report was made), and for a
    // third of the cases the person who called about them.
    [
      'people',
      sql`insert into case_person (id, case_id, role, role_answer, age_years, age_band, age_answer, gender, gender_answer,
          languages, languages_answer, residency, residency_answer, indigenous, indigenous_answer,
          two_spirit_lgbtqi, two_spirit_lgbtqi_answer, disability, disability_answer, safe_contact_sealed,
          created_by, created_at, updated_at)
        select bench_uuid('person' || k || '-1'), id, 'victim', 'given',
          case when ${escalated('k')} then 15 when k % 2 = 0 then 19 + k % 30 end,
          case when not ${escalated('k')} and k % 2 = 1 then '25_34' end, 'given',
          case when k % 5 = 0 then 'Masculine' else 'Feminine' end, 'given',
          array['en'], 'given',
          case when k % 3 = 0 then 'temporary_foreign_worker' else 'citizen' end, 'given',
          null, 'declined', null::boolean, 'not_asked', null::boolean, 'not_asked',
          ${s.safeContact}, ${advocateOf('k', sizes)}, created_at + interval '1 minute', created_at + interval '1 minute'
        from bench_case
        union all
        select bench_uuid('person' || k || '-2'), id, 'concerned_other', 'given', null, null, 'unknown',
          null, 'not_asked', array['en'], 'given', null, 'not_asked', null, 'not_asked', null, 'not_asked', null, 'not_asked',
          null, ${advocateOf('k', sizes)}, created_at + interval '2 minutes', created_at + interval '2 minutes'
        from bench_case where k % 3 = 0`,
    ],
    [
      'exploiters',
      sql`insert into case_exploiter (id, case_id, count, count_answer, relationship, relationship_answer, features_sealed,
          created_by, created_at, updated_at)
        select bench_uuid('exploiter' || k), id, 1, 'given',
          case when k % 3 = 0 then 'employer' else 'intimate_partner' end, 'given', ${s.features},
          ${advocateOf('k', sizes)}, created_at + interval '3 minutes', created_at + interval '3 minutes'
        from bench_case where k % 5 < 3`,
    ],
    [
      'needs',
      sql`insert into case_need (id, case_id, person_id, kind, status, created_by, created_at, updated_at, status_changed_at)
        select bench_uuid('need' || k || '-' || n), id, bench_uuid('person' || k || '-1'),
          (${textArray(needKinds)})[1 + (k + n) % ${needKinds.length}],
          case when n = 1 and k % 3 = 0 then 'referred' else (${textArray(needStatuses)})[1 + (k + n) % 4] end,
          ${advocateOf('k', sizes)}, created_at + n * interval '1 minute', worked_at, worked_at
        from bench_case, generate_series(1, 2 + (k % 2)::int) n`,
    ],
    [
      'notes',
      sql`insert into case_note (id, case_id, author_id, body_sealed, created_at)
        select bench_uuid('note' || k || '-' || n), id, ${advocateOf('k', sizes)}, ${s.note}, created_at + n * interval '1 hour'
        from bench_case, generate_series(1, 2 + (k % 3)::int) n`,
    ],
    [
      'referrals',
      sql`insert into case_referral (id, case_id, need_id, need_kind, person_id, service_id, organization_id,
          service_name_en, service_name_fr, organization_name_en, organization_name_fr, service_confidential,
          service_referral_status, consent_given, consent_at, shared_fields, alias_sealed, handoff_note_sealed,
          status, status_changed_at, follow_up_due_at, created_by, created_at, updated_at)
        select bench_uuid('referral' || k), id, bench_uuid('need' || k || '-1'),
          (${textArray(needKinds)})[1 + (k + 1) % ${needKinds.length}], bench_uuid('person' || k || '-1'),
          'bench-service-' || k % 1000, 'bench-organization-' || k % 250,
          'Emergency shelter', 'Hébergement d’urgence', 'Harbour House', 'Maison du Havre', false, 'accepting',
          true, created_at + interval '10 minutes', array['needs', 'location', 'ageBand'], ${s.alias}, ${s.handoff},
          (${textArray(referralStatuses)})[1 + k % 6], worked_at,
          case when closed_at is null and k % 6 < 2 then worked_at + interval '7 days' end,
          ${advocateOf('k', sizes)}, created_at + interval '10 minutes', worked_at
        from bench_case where k % 3 = 0`,
    ],
    [
      'referral events',
      sql`insert into case_referral_event (id, referral_id, status, occurred_at, recorded_by, recorded_at)
        select bench_uuid('referral-event' || k || '-1'), bench_uuid('referral' || k), 'pending',
          created_at + interval '10 minutes', ${advocateOf('k', sizes)}, created_at + interval '10 minutes'
        from bench_case where k % 3 = 0
        union all
        select bench_uuid('referral-event' || k || '-2'), bench_uuid('referral' || k), (${textArray(referralStatuses)})[1 + k % 6],
          worked_at, ${advocateOf('k', sizes)}, worked_at
        from bench_case where k % 3 = 0 and k % 6 <> 0`,
    ],
    // Escalations under Ontario's shipped protocol: a completed child-protection report (one case in
    // 47), an emergency dispatch (one in 97), each with its steps in order.
    [
      'escalations',
      sql`insert into case_escalation (id, case_id, kind, protocol_id, protocol_version, status, consent, imminent_danger,
          imminent_danger_note_sealed, next_step, agency_id, agency_kind, agency_name_en, agency_name_fr, agency_phone,
          contacted_at, shared_fields, report_reference_sealed, outcome, started_by, started_at, completed_by,
          completed_at, review_status, reviewed_by, reviewed_at, updated_at)
        select bench_uuid('escalation' || k), id, 'child_protection', 'ca-on', 1, 'completed', 'not_asked', false, null, 4,
          'bench-agency-cas', 'child_protection', 'Children’s Aid Society of Toronto', 'Société d’aide à l’enfance de Toronto',
          '416-555-0142', created_at + interval '30 minutes', array['age', 'location', 'situation'], ${s.reference},
          'reported', ${advocateOf('k', sizes)}, created_at + interval '10 minutes', ${advocateOf('k', sizes)},
          created_at + interval '40 minutes', 'approved', bench_uuid('supervisor'), created_at + interval '1 day',
          created_at + interval '1 day'
        from bench_case where ${escalated('k')}
        union all
        select bench_uuid('dispatch' || k), id, 'emergency_dispatch', 'ca-on', 1, 'completed', 'not_asked', true, ${s.danger}, 2,
          'bench-agency-police', 'law_enforcement', 'Toronto Police Service', 'Service de police de Toronto',
          '416-555-0111', created_at + interval '8 minutes', '{}', null, 'assistance_dispatched',
          ${advocateOf('k', sizes)}, created_at + interval '5 minutes', ${advocateOf('k', sizes)},
          created_at + interval '12 minutes', 'not_required', null, null, created_at + interval '12 minutes'
        from bench_case where ${dispatched('k')}`,
    ],
    [
      'escalation people',
      sql`insert into case_escalation_person (escalation_id, person_id)
        select bench_uuid('escalation' || k), bench_uuid('person' || k || '-1') from bench_case where ${escalated('k')}
        union all
        select bench_uuid('dispatch' || k), bench_uuid('person' || k || '-1') from bench_case where ${dispatched('k')}`,
    ],
    [
      'escalation steps',
      sql`insert into case_escalation_step (id, escalation_id, position, step_id, action, completed_by, completed_at)
        select bench_uuid('step' || k || '-' || p), bench_uuid('escalation' || k), p,
          (array['gather_facts', 'choose_shared', 'call_agency', 'record_reference'])[p + 1],
          (array['confirm', 'share', 'contact', 'reference'])[p + 1],
          ${advocateOf('k', sizes)}, created_at + (15 + 5 * p) * interval '1 minute'
        from bench_case, generate_series(0, 3) p where ${escalated('k')}
        union all
        select bench_uuid('dispatch-step' || k || '-' || p), bench_uuid('dispatch' || k), p,
          (array['confirm_location', 'call_dispatch'])[p + 1], (array['confirm', 'contact'])[p + 1],
          ${advocateOf('k', sizes)}, created_at + (6 + 2 * p) * interval '1 minute'
        from bench_case, generate_series(0, 1) p where ${dispatched('k')}`,
    ],
    ['clean up', sql`drop table bench_case`],
    ['clean up ids', sql`drop function bench_uuid`],
    ['analyze', sql`analyze`],
  ]
}

/** Writes the whole year; returns the seconds each statement took, in order. */
export async function seedCases(db: Kysely<DB>, secrets: Secrets, sizes: Sizes) {
  const timings: { step: string; seconds: number }[] = []
  for (const [step, statement] of statements(sizes, sealedValues(secrets))) {
    const started = performance.now()
    await statement.execute(db).catch((error: Error) => {
      throw new Error(`seeding ${step}: ${error.message}`)
    })
    timings.push({ step, seconds: (performance.now() - started) / 1000 })
  }
  return timings
}
