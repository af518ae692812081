import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { callerTypes, signalProvinces } from '../../common/contracts/intake.ts'
import { engines } from '../../test/support/database.ts'
import { createSecrets } from '../crypto/secrets.ts'
import type { Database } from '../db/database.ts'
import {
  acceptOffer,
  completeWrapUp,
  endConversation,
  personLeft,
  sendReply,
  setPresence,
  transferConversation,
} from './conversation.service.ts'
import { IntakeBus } from './events.ts'
import { Router } from './routing.ts'
import { openSignal, type RoutingPolicy } from './signals.ts'

const secrets = createSecrets([randomBytes(32)])
const system = { actorId: null, actorLabel: 'test', address: null, requestId: null }
const policy: RoutingPolicy = {
  offerSeconds: 60,
  interpreterFallbackSeconds: 3600,
  capacity: { voice: 1, messaging: 3, email: 5, form: 5 },
}
let counter = 0

describe.each(engines)('conversations on $engine', ({ open }) => {
  let database: Database
  let bus: IntakeBus
  let router: Router
  const queued: { messageId: string; channel: string }[] = []
  const deps = () => ({
    database,
    secrets,
    queueOutbound: async (_trx: unknown, message: { messageId: string; channel: string }) => {
      queued.push(message)
    },
  })

  beforeAll(async () => {
    database = await open()
    bus = new IntakeBus()
    await bus.start(database)
    router = new Router(database, policy)
    router.start(bus)
  })
  afterAll(async () => {
    await router.stop()
    await bus.stop()
    await database.close()
  })
  afterEach(async () => {
    await router.settled()
    await database.db.updateTable('intake_presence').set({ state: 'away' }).execute()
  })

  async function advocate(languages = ['en']) {
    counter += 1
    const row = await database.db
      .insertInto('staff_user')
      .values({
        email: `c${counter}.${Date.now()}@example.org`,
        display_name: `C ${counter}`,
        role: 'advocate',
        password_hash: 'x',
        locale: 'en',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await setPresence({ database, secrets }, row.id, { state: 'available', languages, skills: [] })
    return row.id
  }
  const signal = (channel: 'web_chat' | 'sms' = 'web_chat') =>
    database.db
      .transaction()
      .execute((trx) =>
        openSignal(trx, { channel, contactId: null, language: 'en', receivedAt: new Date() }, policy, system),
      )
  const row = (id: string) =>
    database.db.selectFrom('intake_signal').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
  const openOffer = async (signalId: string) => {
    await expect
      .poll(
        async () =>
          (
            await database.db
              .selectFrom('intake_offer')
              .select('id')
              .where('signal_id', '=', signalId)
              .where('outcome', 'is', null)
              .execute()
          ).length,
      )
      .toBe(1)
    return database.db
      .selectFrom('intake_offer')
      .selectAll()
      .where('signal_id', '=', signalId)
      .where('outcome', 'is', null)
      .executeTakeFirstOrThrow()
  }
  async function answered(channel: 'web_chat' | 'sms' = 'web_chat') {
    const me = await advocate()
    const id = await signal(channel)
    const offer = await openOffer(id)
    expect(offer.advocate_id).toBe(me)
    await acceptOffer({ database, secrets }, { ...system, actorId: me }, offer.id)
    return { me, id }
  }

  it('a transfer to a colleague offers the signal to that colleague only, with the note first', async () => {
    const { me, id } = await answered()
    await advocate()
    const colleague = await advocate()
    await transferConversation({ database, secrets }, { ...system, actorId: me }, id, {
      toAdvocateId: colleague,
      toLanguage: null,
      note: 'She asked for a woman advocate',
    })
    const offer = await openOffer(id)
    expect(offer.advocate_id).toBe(colleague)
    const note = await database.db
      .selectFrom('intake_message')
      .selectAll()
      .where('signal_id', '=', id)
      .where('direction', '=', 'note')
      .executeTakeFirstOrThrow()
    expect(note.kind).toBe('transfer')
    expect(secrets.open(note.body_sealed as string)).toBe('She asked for a woman advocate')
    // The one who handed it on can no longer act on it.
    await expect(
      endConversation({ database, secrets }, { ...system, actorId: me }, id),
    ).rejects.toMatchObject({
      code: 'not_found',
    })
  })

  it('a transfer to a language moves the signal to that queue', async () => {
    const { me, id } = await answered()
    const french = await advocate(['fr'])
    await transferConversation({ database, secrets }, { ...system, actorId: me }, id, {
      toAdvocateId: null,
      toLanguage: 'fr',
      note: null,
    })
    expect((await row(id)).queue).toBe('messaging.fr')
    expect((await openOffer(id)).advocate_id).toBe(french)
  })

  it('a supervisor reassigns an active conversation', async () => {
    const { id } = await answered()
    const other = await advocate()
    const supervisor = { ...system, actorId: other }
    await transferConversation({ database, secrets }, supervisor, id, {
      toAdvocateId: other,
      toLanguage: null,
      note: null,
      bySupervisor: true,
    })
    expect((await openOffer(id)).advocate_id).toBe(other)
    const audit = await database.db
      .selectFrom('audit_event')
      .select('action')
      .where('entity_id', '=', id)
      .execute()
    expect(audit.map((entry) => entry.action)).toContain('intake.signal.reassigned')
  })

  it('replies on a provider channel are queued for sending; web chat replies are not', async () => {
    const chat = await answered('web_chat')
    await sendReply(deps(), chat.me, chat.id, 'Hello')
    const sms = await answered('sms')
    const sent = await sendReply(deps(), sms.me, sms.id, 'Hello by SMS')
    expect(queued).toEqual([expect.objectContaining({ messageId: sent.id, channel: 'sms' })])
    const message = await database.db
      .selectFrom('intake_message')
      .selectAll()
      .where('id', '=', sent.id)
      .executeTakeFirstOrThrow()
    expect(message).toMatchObject({
      direction: 'out',
      provider: 'twilio',
      delivery_status: 'queued',
      author_id: sms.me,
    })
  })

  it('wrap-up needs the conversation ended first; a person who leaves an answered chat sends it to wrap-up', async () => {
    const { me, id } = await answered()
    const audit = { ...system, actorId: me }
    await expect(
      completeWrapUp({ database, secrets }, audit, id, { classification: 'other', note: null }),
    ).rejects.toMatchObject({
      code: 'signal_state',
    })
    await personLeft(database, id)
    expect((await row(id)).status).toBe('wrap_up')
    await completeWrapUp({ database, secrets }, audit, id, {
      classification: 'information_request',
      note: 'Gave the directory',
    })
    expect(await row(id)).toMatchObject({ status: 'ended', classification: 'information_request' })
  })

  it('wrap-up records the province and caller type when given, and names the codes in its audit event', async () => {
    const classified = async (id: string) =>
      database.db
        .selectFrom('audit_event')
        .select(['actor_id', 'details'])
        .where('action', '=', 'intake.signal.classified')
        .where('entity_id', '=', id)
        .execute()
    const told = await answered()
    await endConversation({ database, secrets }, { ...system, actorId: told.me }, told.id)
    await completeWrapUp({ database, secrets }, { ...system, actorId: told.me }, told.id, {
      classification: 'trafficking',
      note: 'Lives with the employer',
      province: 'MB',
      callerType: 'concerned_other',
    })
    expect(await row(told.id)).toMatchObject({
      status: 'ended',
      classification: 'trafficking',
      province: 'MB',
      caller_type: 'concerned_other',
    })
    expect(await classified(told.id)).toEqual([
      {
        actor_id: told.me,
        details: { classification: 'trafficking', province: 'MB', callerType: 'concerned_other' },
      },
    ])
    // Never required: without them, nothing is recorded, and the audit event says so.
    const silent = await answered()
    await endConversation({ database, secrets }, { ...system, actorId: silent.me }, silent.id)
    await completeWrapUp({ database, secrets }, { ...system, actorId: silent.me }, silent.id, {
      classification: 'other',
      note: null,
    })
    expect(await row(silent.id)).toMatchObject({ status: 'ended', province: null, caller_type: null })
    expect((await classified(silent.id))[0]?.details).toEqual({
      classification: 'other',
      province: null,
      callerType: null,
    })
  })

  it('the table holds every province and caller type of the lists, and refuses any other', async () => {
    const id = await signal()
    const write = (column: 'province' | 'caller_type', value: string | null) =>
      sql`update intake_signal set ${sql.ref(column)} = ${value} where id = ${id}`.execute(database.db)
    for (const province of signalProvinces) await write('province', province)
    for (const callerType of callerTypes) await write('caller_type', callerType)
    await expect(write('province', 'CA-QC')).rejects.toThrow(/check/i)
    await expect(write('caller_type', 'witness')).rejects.toThrow(/check/i)
    expect(await row(id)).toMatchObject({ province: signalProvinces.at(-1), caller_type: callerTypes.at(-1) })
    await write('province', null)
    await write('caller_type', null)
    expect(await row(id)).toMatchObject({ province: null, caller_type: null })
  })
})
