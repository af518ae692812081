import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SafeContact } from '../../common/contracts/cases.ts'
import { engines } from '../../test/support/database.ts'
import { createSecrets } from '../crypto/secrets.ts'
import type { Database } from '../db/database.ts'
import { sendReply } from '../intake/conversation.service.ts'
import type { Channel } from '../intake/intake.tables.ts'
import { queueOutbound } from '../intake/outbound/outbox.ts'
import { buildContact, buildSignal, buildViewer, testAudit } from './cases.factories.ts'
import type { Viewer } from './cases.policy.ts'
import { type CasesService, createCasesService } from './cases.service.ts'

const secrets = createSecrets([randomBytes(32)])
const reason = 'She asked for a text now: she is alone at the shelter.'

describe.each(engines)('replies the person said are unsafe, on $engine', ({ open }) => {
  let database: Database
  let cases: CasesService
  let advocate: Viewer

  beforeAll(async () => {
    database = await open()
    cases = createCasesService({ database, secrets })
    advocate = await buildViewer(database, 'advocate')
  })
  afterAll(() => database.close())

  const as = (viewer: Viewer) => ({ viewer, audit: { ...testAudit, actorId: viewer.staffId } })
  const reply = (signalId: string, body: string, override?: { reason: string }) =>
    sendReply(
      { database, secrets, queueOutbound },
      advocate.staffId,
      signalId,
      body,
      new Date(),
      override && { reason: override.reason, audit: { ...testAudit, actorId: advocate.staffId } },
    )

  /** A signal on `channel` in a case whose person answered the safe-contact questions as given. */
  async function signalInCase(
    channel: Channel,
    safeContact: Partial<SafeContact>,
    { contactId, status = 'active' }: { contactId?: string; status?: 'active' | 'ended' } = {},
  ) {
    const signalId = await buildSignal(database, {
      advocateId: advocate.staffId,
      channel,
      status,
      contactId: contactId ?? (await buildContact(database)),
    })
    const caseId = await cases.createCase(as(advocate), signalId)
    const personId = await cases.addPerson(as(advocate), caseId, { safeContact })
    return { signalId, caseId, personId }
  }

  async function sent(signalId: string) {
    const [messages, outbox] = await Promise.all([
      database.db.selectFrom('intake_message').select('id').where('signal_id', '=', signalId).execute(),
      database.db.selectFrom('intake_outbox').select('id').where('signal_id', '=', signalId).execute(),
    ])
    return { messages: messages.length, outbox: outbox.length }
  }

  async function overrides(signalId: string) {
    return database.db
      .selectFrom('audit_event')
      .select(['details', 'actor_id'])
      .where('action', '=', 'intake.reply.unsafe_override')
      .where('entity_id', '=', signalId)
      .execute()
  }

  it('refuses an SMS reply when the person said texts are not safe, and queues nothing', async () => {
    const { signalId } = await signalInCase('sms', { text: { state: 'given', value: false } })
    await expect(reply(signalId, 'Are you safe?')).rejects.toMatchObject({
      code: 'contact_unsafe',
      status: 409,
      options: { values: { method: 'text' } },
    })
    expect(await sent(signalId)).toEqual({ messages: 0, outbox: 0 })
    expect(await overrides(signalId)).toEqual([])
  })

  it('sends it with an override, whose reason is audited with the reply', async () => {
    const { signalId, caseId, personId } = await signalInCase('whatsapp', {
      text: { state: 'given', value: false },
    })
    const message = await reply(signalId, 'Here is the number we spoke of.', { reason })
    expect(message.seq).toBeGreaterThan(0)
    expect(await sent(signalId)).toEqual({ messages: 1, outbox: 1 })
    expect(await overrides(signalId)).toEqual([
      {
        actor_id: advocate.staffId,
        details: { channel: 'whatsapp', method: 'text', reason, caseIds: [caseId], personIds: [personId] },
      },
    ])
  })

  it('knows the person again on a new conversation from the same number, before it joins a case', async () => {
    const contactId = await buildContact(database)
    await signalInCase('sms', { text: { state: 'given', value: false } }, { contactId, status: 'ended' })
    const again = await buildSignal(database, { advocateId: advocate.staffId, channel: 'sms', contactId })
    await expect(reply(again, 'Hello again')).rejects.toMatchObject({ code: 'contact_unsafe' })
    expect(await sent(again)).toEqual({ messages: 0, outbox: 0 })
  })

  it('blocks only the channel marked unsafe, and only on an explicit no', async () => {
    const emailUnsafe = await signalInCase('sms', { email: { state: 'given', value: false } })
    await reply(emailUnsafe.signalId, 'Texts are fine for you')
    const unknown = await signalInCase('sms', { text: { state: 'unknown' }, callBack: { state: 'declined' } })
    await reply(unknown.signalId, 'Nobody said no')
    const textSafe = await signalInCase('sms', { text: { state: 'given', value: true } })
    await reply(textSafe.signalId, 'Texts are safe')
    const byEmail = await signalInCase('email', { email: { state: 'given', value: false } })
    await expect(reply(byEmail.signalId, 'By email')).rejects.toMatchObject({
      code: 'contact_unsafe',
      options: { values: { method: 'email' } },
    })
    expect(await sent(byEmail.signalId)).toEqual({ messages: 0, outbox: 0 })
    const chat = await signalInCase('web_chat', { text: { state: 'given', value: false } })
    await reply(chat.signalId, 'A live chat is not a text on their phone')
    for (const ok of [emailUnsafe, unknown, textSafe]) expect((await sent(ok.signalId)).messages).toBe(1)
  })

  it('asks about every person of the case: one saying no is enough', async () => {
    const { signalId, caseId } = await signalInCase('sms', { text: { state: 'given', value: true } })
    const second = await cases.addPerson(as(advocate), caseId, {
      safeContact: { text: { state: 'given', value: false } },
    })
    await expect(reply(signalId, 'Hello')).rejects.toMatchObject({ code: 'contact_unsafe' })
    await reply(signalId, 'Hello', { reason })
    expect((await overrides(signalId))[0]?.details).toMatchObject({ personIds: [second] })
  })
})
