import { randomUUID } from 'node:crypto'
import type { DemoContext } from '../demo/demo.ts'
import { demoEmail } from '../identity/identity.demo.ts'
import type { Channel, Classification } from './intake.tables.ts'
import { appendMessage, openSignal } from './signals.ts'

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
                classification: random.pick(classes),
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
