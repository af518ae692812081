import { randomUUID } from 'node:crypto'
import type { ProvinceCode } from '../../common/geography.ts'
import { choose, type DemoContext, type Random, seededRandom } from '../demo/demo.ts'
import { provinceShares } from '../directory/demo/generate.ts'
import { demoEmail } from '../identity/identity.demo.ts'
import type { CallerType, Channel, Classification, SignalProvince } from './intake.tables.ts'
import { appendMessage, openSignal } from './signals.ts'

type NotRecorded = 'not_recorded'

/** How often the person's province is recorded at wrap-up, by classification: they may not say. */
const provinceRecorded: Record<Classification, number> = {
  trafficking: 0.9,
  non_trafficking_concern: 0.85,
  information_request: 0.65,
  other: 0.6,
}
/** When it is not: the person did not say, would not, or nobody wrote it down. */
const provinceMissing: Record<'unknown' | 'declined' | NotRecorded, number> = {
  unknown: 5,
  declined: 1,
  not_recorded: 4,
}
/**
 * Who reaches the line, by classification: about trafficking mostly the person, a survivor or someone
 * close to them, some professionals; questions mostly from professionals and the public.
 */
const callerShares: Record<Classification, Partial<Record<CallerType | NotRecorded, number>>> = {
  trafficking: { victim: 36, survivor: 22, concerned_other: 22, professional: 10, unknown: 9, declined: 1 },
  non_trafficking_concern: {
    victim: 25,
    survivor: 5,
    concerned_other: 35,
    professional: 15,
    unknown: 12,
    declined: 3,
    not_recorded: 5,
  },
  information_request: {
    victim: 3,
    survivor: 5,
    concerned_other: 25,
    professional: 40,
    unknown: 17,
    declined: 3,
    not_recorded: 7,
  },
  other: {
    victim: 8,
    survivor: 4,
    concerned_other: 20,
    professional: 15,
    unknown: 35,
    declined: 5,
    not_recorded: 13,
  },
}

const recorded = <T extends string>(value: T | NotRecorded): T | null =>
  value === 'not_recorded' ? null : value

/** Where the person was and who they were, as a demo advocate recorded them at a signal's wrap-up. */
export function demoWrapUpFacts(
  random: Random,
  classification: Classification,
  province: ProvinceCode,
): { province: SignalProvince | null; caller_type: CallerType | null } {
  return {
    province:
      random.next() < provinceRecorded[classification] ? province : recorded(choose(random, provinceMissing)),
    caller_type: recorded(choose(random, callerShares[classification])),
  }
}

/** Where a person writing in this language most likely is. */
const provinceFor = (random: Random, language: 'en' | 'fr'): ProvinceCode =>
  language === 'fr' ? choose<ProvinceCode>(random, { QC: 85, NB: 8, ON: 7 }) : choose(random, provinceShares)

/** Opening lines of demo conversations (invented), in the line's two languages. */
const openings = {
  en: [
    'My boss keeps my passport and says I owe him for the trip.',
    'I think my niece is being groomed by an older man online.',
    'What services exist for someone leaving a bad work situation?',
    'A friend works long hours and is never paid. Who can help?',
  ],
  fr: [
    'Mon employeur garde mon passeport et dit que je lui dois le voyage.',
    'Je crois que ma nièce se fait leurrer en ligne par un homme plus âgé.',
    'Quels services existent pour quitter une mauvaise situation de travail ?',
  ],
}
const classes: Classification[] = ['trafficking', 'non_trafficking_concern', 'information_request', 'other']
const channels: Channel[] = ['voice', 'voice', 'voice', 'web_chat', 'sms', 'email', 'web_form']

/**
 * A day of demo contact-centre history (answered, abandoned, classified) for the supervisor board,
 * and two people waiting: a web chat in French and an SMS in English. Demo advocates start away, so
 * nothing is offered until someone signs in and sets themselves available.
 */
export async function seedDemoIntake(context: DemoContext) {
  const { database, secrets, random } = context
  // What the wrap-ups recorded of the person comes from a generator of its own, so the rest of the
  // demo (this day, and the year of cases seeded after it) draws the same numbers whatever it records.
  const told = seededRandom(Math.imul(context.seed ^ 0x27d4eb2f, 2654435761) >>> 0)
  const existing = await database.db.selectFrom('intake_signal').select('id').limit(1).execute()
  if (existing.length > 0) return
  const staff = await database.db
    .selectFrom('staff_user')
    .select(['id', 'email'])
    .where('email', 'in', [demoEmail('advocate'), demoEmail('supervisor')])
    .execute()
  const advocate = staff.find((row) => row.email === demoEmail('advocate'))
  const now = Date.now()
  await database.db.transaction().execute(async (trx) => {
    for (const member of staff) {
      await trx
        .insertInto('intake_presence')
        .values({
          staff_id: member.id,
          state: 'away',
          languages: ['en', 'fr'],
          skills: [],
          state_since: new Date(now),
        })
        .execute()
    }
    const policy = { interpreterFallbackSeconds: 60 }
    // Someone reaches the line and writes (or says) their first words.
    const contact = async (channel: Channel, language: 'en' | 'fr', receivedAt: Date) => {
      const signalId = await openSignal(
        trx,
        { channel, contactId: null, language, receivedAt },
        policy,
        context.audit,
      )
      await appendMessage(trx, {
        signalId,
        direction: 'in',
        bodySealed: secrets.seal(random.pick(openings[language])),
        provider: 'relais',
        externalId: `demo:${randomUUID()}`,
        receivedAt,
      })
      return signalId
    }
    const classified = (classification: Classification, language: 'en' | 'fr') => ({
      classification,
      ...demoWrapUpFacts(told, classification, provinceFor(told, language)),
    })
    for (let index = 0; index < 24; index++) {
      const language = random.next() < 0.7 ? 'en' : 'fr'
      const channel = random.pick(channels)
      const receivedAt = new Date(now - random.int(20, 23 * 60) * 60_000)
      const signalId = await contact(channel, language, receivedAt)
      const abandoned = random.next() < 0.05
      const wait = (channel === 'voice' ? random.int(5, 40) : random.int(10, 70)) * 1000
      await trx
        .updateTable('intake_signal')
        .set(
          abandoned
            ? {
                status: 'abandoned',
                abandoned_at: new Date(receivedAt.getTime() + wait),
                ended_at: new Date(receivedAt.getTime() + wait),
              }
            : {
                status: 'ended',
                advocate_id: advocate?.id ?? null,
                offered_at: new Date(receivedAt.getTime() + wait - 3000),
                answered_at: new Date(receivedAt.getTime() + wait),
                ended_at: new Date(receivedAt.getTime() + wait + random.int(4, 30) * 60_000),
                wrap_up_ended_at: new Date(receivedAt.getTime() + wait + random.int(31, 40) * 60_000),
                ...classified(random.pick(classes), language),
              },
        )
        .where('id', '=', signalId)
        .execute()
    }
    const waiting: [Channel, 'en' | 'fr'][] = [
      ['web_chat', 'fr'],
      ['sms', 'en'],
    ]
    for (const [channel, language] of waiting) {
      const receivedAt = new Date(now - random.int(1, 4) * 60_000)
      await contact(channel, language, receivedAt)
    }
  })
  context.report.push(
    'Demo contact centre: 24 past signals today, 2 waiting (sign in as the advocate and set yourself available).',
  )
}
