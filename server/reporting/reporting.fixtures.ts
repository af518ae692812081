import { randomUUID } from 'node:crypto'
import { ageBands, needKinds } from '../../common/contracts/cases.ts'
import { escalationKinds } from '../../common/contracts/escalations.ts'
import { type CallerType, callerTypes, channels, type SignalProvince } from '../../common/contracts/intake.ts'
import { referralOutcomes } from '../../common/contracts/referrals.ts'
import { provinceCodes } from '../../common/geography.ts'
import type { Database } from '../db/database.ts'
import { type Random, seededRandom } from '../demo/demo.ts'
import { classifications } from '../intake/intake.tables.ts'

/**
 * Two fiscal years of a hotline's records (April 2020 to May 2022), written straight to the tables
 * for tests that recompute the report's figures on their own: signals on every channel with a
 * minute on either side of midnight, Toronto time, at each fiscal year's end; calls abandoned in the
 * queue; cases gathering several signals; people, needs, referrals and escalations with answers
 * given, unknown, declined or never asked. Returned as written, so a test can count what it expects.
 */

export interface ReportingData {
  signals: SignalFixture[]
  cases: CaseFixture[]
  people: PersonFixture[]
  needs: { id: string; case_id: string; kind: string; created_at: Date }[]
  referrals: { id: string; case_id: string; need_kind: string; status: string; created_at: Date }[]
  escalations: { id: string; case_id: string; kind: string; status: string; started_at: Date }[]
}

interface SignalFixture {
  id: string
  channel: (typeof channels)[number]
  classification: (typeof classifications)[number] | null
  province: SignalProvince | null
  caller_type: CallerType | null
  language: string
  preferred_language: string | null
  received_at: Date
  enqueued_at: Date | null
  answered_at: Date | null
  abandoned_at: Date | null
  ended_at: Date | null
  wrap_up_ended_at: Date | null
}

interface CaseFixture {
  id: string
  created_at: Date
  closed_at: Date | null
  trafficking_types: string[] | null
  trafficking_types_answer: Answer
  province: string | null
  province_answer: Answer
}

interface PersonFixture {
  id: string
  case_id: string
  role: string | null
  role_answer: Answer
  gender: string | null
  gender_answer: Answer
  age_years: number | null
  age_band: string | null
  age_answer: Answer
}

type Answer = 'given' | 'unknown' | 'declined' | 'not_asked'

const start = Date.parse('2020-04-01T04:00:00Z')
const finish = Date.parse('2022-05-01T04:00:00Z')
/** Midnight in Toronto (EDT) at the end of March 2021 and 2022: a minute before and after each. */
const edges = ['2021-04-01T03:59:00Z', '2021-04-01T04:01:00Z', '2022-04-01T03:59:00Z', '2022-04-01T04:01:00Z']
const SECOND = 1000

function answer(random: Random, given = 0.7): Answer {
  const roll = random.next()
  if (roll < given) return 'given'
  return roll < given + (1 - given) / 3
    ? 'unknown'
    : roll < given + (2 * (1 - given)) / 3
      ? 'declined'
      : 'not_asked'
}

export async function generateReportingData(
  database: Database,
  options: { seed: number; staffId: string; signals: number; cases: number },
): Promise<ReportingData> {
  const random = seededRandom(options.seed)
  const at = () => new Date(start + Math.floor(random.next() * (finish - start)))
  const data: ReportingData = {
    signals: [],
    cases: [],
    people: [],
    needs: [],
    referrals: [],
    escalations: [],
  }

  for (let index = 0; index < options.signals; index++) {
    const received = index < edges.length * 3 ? new Date(edges[index % edges.length]!) : at()
    const channel = index < edges.length * 3 ? 'voice' : random.pick(channels)
    const abandoned = channel !== 'web_form' && channel !== 'email' && random.next() < 0.12
    const enqueued = channel === 'web_form' ? null : new Date(received.getTime() + random.int(0, 5) * SECOND)
    const queuedAt = enqueued ?? received
    const answered = abandoned ? null : new Date(queuedAt.getTime() + random.int(3, 600) * SECOND)
    const ended = answered ? new Date(answered.getTime() + random.int(60, 3600) * SECOND) : null
    data.signals.push({
      id: randomUUID(),
      channel,
      classification: abandoned ? null : random.pick(classifications),
      province:
        random.next() < 0.8
          ? random.pick<SignalProvince>([...provinceCodes, 'ON', 'ON', 'QC'])
          : random.pick<SignalProvince | null>([null, 'unknown', 'declined']),
      caller_type:
        random.next() < 0.85
          ? random.pick<CallerType>(callerTypes.slice(0, 4))
          : random.pick<CallerType | null>([null, 'unknown', 'declined']),
      language: random.next() < 0.25 ? 'fr' : 'en',
      preferred_language: random.next() < 0.1 ? random.pick(['es', 'tl', 'iu']) : null,
      received_at: received,
      enqueued_at: enqueued,
      answered_at: answered,
      abandoned_at: abandoned ? new Date(queuedAt.getTime() + random.int(5, 400) * SECOND) : null,
      ended_at: ended,
      wrap_up_ended_at:
        ended && random.next() < 0.8 ? new Date(ended.getTime() + random.int(30, 600) * SECOND) : null,
    })
  }

  for (let index = 0; index < options.cases; index++) {
    const created = index < 2 ? new Date(edges[index]!) : at()
    const closed =
      random.next() < 0.5 ? new Date(created.getTime() + random.int(1, 200) * 86_400 * SECOND) : null
    const typesAnswer = answer(random, 0.6)
    const provinceAnswer = answer(random, 0.75)
    const kase: CaseFixture = {
      id: randomUUID(),
      created_at: created,
      closed_at: closed,
      trafficking_types:
        typesAnswer === 'given'
          ? [
              ...new Set([
                random.pick(['SexualExploitation', 'ForcedLabour']),
                random.pick(['SexualExploitation', 'Servitude', 'ForcedMarriage']),
              ]),
            ]
          : null,
      trafficking_types_answer: typesAnswer,
      province: provinceAnswer === 'given' ? random.pick(['ON', 'QC', 'AB', 'BC', 'NS']) : null,
      province_answer: provinceAnswer,
    }
    data.cases.push(kase)
    for (let p = random.int(0, 3); p > 0; p--) {
      const [roleAnswer, genderAnswer, ageAnswer] = [answer(random), answer(random), answer(random)]
      const byYears = random.next() < 0.5
      data.people.push({
        id: randomUUID(),
        case_id: kase.id,
        role_answer: roleAnswer,
        role:
          roleAnswer === 'given'
            ? random.pick(['victim', 'victim', 'survivor', 'concerned_other', 'professional'])
            : null,
        gender_answer: genderAnswer,
        gender:
          genderAnswer === 'given'
            ? random.pick(['Feminine', 'Feminine', 'Masculine', 'TransgenderFeminine'])
            : null,
        age_answer: ageAnswer,
        age_years: ageAnswer === 'given' && byYears ? random.int(13, 60) : null,
        age_band: ageAnswer === 'given' && !byYears ? random.pick(ageBands) : null,
      })
    }
    for (let n = random.int(0, 3); n > 0; n--) {
      const need = {
        id: randomUUID(),
        case_id: kase.id,
        kind: random.pick(['housing', 'counselling', 'case-management', ...needKinds]),
        created_at: new Date(created.getTime() + random.int(0, 30) * 86_400 * SECOND),
      }
      data.needs.push(need)
      if (random.next() < 0.6) {
        data.referrals.push({
          id: randomUUID(),
          case_id: kase.id,
          need_kind: need.kind,
          status: random.pick(referralOutcomes),
          created_at: new Date(need.created_at.getTime() + random.int(0, 5) * 86_400 * SECOND),
        })
      }
    }
    if (random.next() < 0.35) {
      data.escalations.push({
        id: randomUUID(),
        case_id: kase.id,
        kind: random.pick(escalationKinds),
        status: random.pick(['in_progress', 'completed', 'completed', 'cancelled']),
        started_at: new Date(created.getTime() + random.int(0, 3) * 3_600 * SECOND),
      })
    }
  }
  await write(database, data, options.staffId)
  return data
}

async function write(database: Database, data: ReportingData, staffId: string) {
  const { db } = database
  const chunk = <T>(rows: T[]) =>
    Array.from({ length: Math.ceil(rows.length / 200) }, (_, i) => rows.slice(i * 200, i * 200 + 200))
  for (const rows of chunk(data.signals)) {
    await db
      .insertInto('intake_signal')
      .values(
        rows.map((s) => ({
          ...s,
          queue: `${s.channel === 'voice' ? 'voice' : 'messaging'}.${s.language}`,
          status: s.abandoned_at ? ('abandoned' as const) : ('ended' as const),
          last_message_at: s.received_at,
        })),
      )
      .execute()
  }
  const numberOf = new Map(data.cases.map((k, index) => [k.id, 900_000 + index]))
  for (const rows of chunk(data.cases)) {
    await db
      .insertInto('case_file')
      .values(
        rows.map((k) => ({
          ...k,
          case_number: `C-${k.created_at.getUTCFullYear()}-${String(numberOf.get(k.id)).padStart(6, '0')}`,
          status: k.closed_at ? ('closed' as const) : ('open' as const),
          created_by: staffId,
          updated_at: k.closed_at ?? k.created_at,
          last_worked_at: k.created_at,
        })),
      )
      .execute()
  }
  const createdOf = new Map(data.cases.map((k) => [k.id, k.created_at]))
  for (const rows of chunk(data.people)) {
    await db
      .insertInto('case_person')
      .values(
        rows.map((p) => ({
          ...p,
          created_at: createdOf.get(p.case_id)!,
          updated_at: createdOf.get(p.case_id)!,
        })),
      )
      .execute()
  }
  for (const rows of chunk(data.needs)) {
    await db
      .insertInto('case_need')
      .values(
        rows.map((n) => ({
          ...n,
          kind: n.kind as (typeof needKinds)[number],
          updated_at: n.created_at,
          status_changed_at: n.created_at,
        })),
      )
      .execute()
  }
  for (const rows of chunk(data.referrals)) {
    await db
      .insertInto('case_referral')
      .values(
        rows.map((r) => ({
          ...r,
          need_kind: r.need_kind as (typeof needKinds)[number],
          status: r.status as (typeof referralOutcomes)[number],
          service_id: randomUUID(),
          organization_id: randomUUID(),
          service_confidential: false,
          consent_given: true,
          consent_at: r.created_at,
          status_changed_at: r.created_at,
          created_by: staffId,
          updated_at: r.created_at,
        })),
      )
      .execute()
  }
  for (const rows of chunk(data.escalations)) {
    await db
      .insertInto('case_escalation')
      .values(
        rows.map((e) => ({
          ...e,
          kind: e.kind as (typeof escalationKinds)[number],
          status: e.status as 'in_progress' | 'completed' | 'cancelled',
          protocol_id: `${e.kind}-ON`,
          protocol_version: 1,
          consent: 'not_asked' as const,
          imminent_danger: false,
          started_by: staffId,
          completed_by: e.status === 'completed' ? staffId : null,
          completed_at: e.status === 'completed' ? e.started_at : null,
          outcome: e.status === 'completed' ? ('reported' as const) : null,
          cancelled_by: e.status === 'cancelled' ? staffId : null,
          cancelled_at: e.status === 'cancelled' ? e.started_at : null,
          updated_at: e.started_at,
        })),
      )
      .execute()
  }
}
