import { randomBytes, randomInt } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engines } from '../../test/support/database.ts'
import { createSecrets } from '../crypto/secrets.ts'
import type { Database } from '../db/database.ts'
import { InboundBatcher } from './inbound-batch.ts'
import {
  advanceStatus,
  type InboundEvent,
  type InboundMessage,
  normalisePhone,
  recordInboundEvent,
  recordOutboundMessage,
} from './intake.service.ts'
import { purgeSenderRates } from './intake.store.ts'

const secrets = createSecrets([randomBytes(32)])
const audit = { actorId: null, actorLabel: 'twilio', address: null, requestId: null }
let counter = 0

function message(from: string, overrides: Partial<InboundMessage> = {}): InboundMessage {
  return {
    externalId: `SM${Date.now()}${++counter}`,
    channel: 'sms',
    contact: { kind: 'phone', address: from, displayName: null },
    body: `message ${counter}`,
    kind: 'text',
    media: [],
    providerSentAt: null,
    ...overrides,
  }
}

function event(messages: InboundMessage[], statuses: InboundEvent['statuses'] = []): InboundEvent {
  return {
    provider: 'twilio',
    externalId: messages.map((m) => m.externalId).join(',') || `status-${++counter}`,
    kind: messages.length > 0 ? 'message' : 'status',
    payload: JSON.stringify(messages),
    messages,
    statuses,
  }
}

const phone = () => `+1438${String(randomInt(1_000_000, 9_999_999))}`

describe('normalisePhone and advanceStatus', () => {
  it('writes numbers as E.164 and keeps other sender ids', () => {
    expect(normalisePhone('+1 (514) 555-0100')).toBe('+15145550100')
    expect(normalisePhone('0033612345678')).toBe('+33612345678')
    expect(normalisePhone('15145550100')).toBe('+15145550100')
    expect(normalisePhone('HOTLINE')).toBe('HOTLINE')
  })

  it('moves delivery status forward only', () => {
    expect(advanceStatus(null, 'delivered')).toBe('delivered')
    expect(advanceStatus('queued', 'sent')).toBe('sent')
    expect(advanceStatus('read', 'delivered')).toBeNull()
    expect(advanceStatus('delivered', 'delivered')).toBeNull()
    expect(advanceStatus('sent', 'failed')).toBe('failed')
    expect(advanceStatus('failed', 'sent')).toBeNull()
  })
})

describe.each(engines)('intake messages on $engine', ({ open }) => {
  let database: Database
  const deps = () => ({
    database,
    secrets,
    senderPerMinute: 3,
    policy: { interpreterFallbackSeconds: 60 },
    defaultLanguage: 'en',
  })

  beforeAll(async () => {
    database = await open()
  })
  afterAll(() => database.close())

  const seqOf = (externalId: string) =>
    database.db
      .selectFrom('intake_message')
      .select(['seq', 'signal_id'])
      .where('external_id', '=', externalId)
      .executeTakeFirstOrThrow()

  it('numbers a conversation’s messages 1, 2, 3 and keeps other channels apart', async () => {
    const from = phone()
    const first = message(from)
    const second = message(from)
    const third = message(from)
    await recordInboundEvent(deps(), event([first]), audit)
    const outcome = await recordInboundEvent(deps(), event([second, third]), audit)
    expect(outcome.stored.map((stored) => [stored.seq, stored.opened])).toEqual([
      [2, false],
      [3, false],
    ])
    const signal = (await seqOf(first.externalId)).signal_id
    expect(await seqOf(third.externalId)).toEqual({ seq: 3, signal_id: signal })
    // The same number on WhatsApp is another reachable identity and another conversation.
    const whatsapp = message(from, {
      channel: 'whatsapp',
      contact: { kind: 'whatsapp', address: from, displayName: null },
    })
    await recordInboundEvent(deps(), event([whatsapp]), audit)
    expect((await seqOf(whatsapp.externalId)).signal_id).not.toBe(signal)
  })

  it('a new sender’s first delivery of two messages opens one conversation; sent again, nothing changes', async () => {
    const from = phone()
    const first = message(from)
    const second = message(from)
    const outcome = await recordInboundEvent(deps(), event([first, second]), audit)
    expect(outcome.stored.map((stored) => [stored.seq, stored.opened])).toEqual([
      [1, true],
      [2, false],
    ])
    expect((await seqOf(second.externalId)).signal_id).toBe((await seqOf(first.externalId)).signal_id)
    const again = await recordInboundEvent(deps(), event([first, second]), audit)
    expect(again.stored).toEqual([])
  })

  it('opens a new signal once the last one ended, for the same contact', async () => {
    const from = phone()
    const first = message(from)
    await recordInboundEvent(deps(), event([first]), audit)
    const { signal_id } = await seqOf(first.externalId)
    await database.db
      .updateTable('intake_signal')
      .set({ status: 'ended', ended_at: new Date() })
      .where('id', '=', signal_id)
      .execute()
    const later = message(from)
    const outcome = await recordInboundEvent(deps(), event([later]), audit)
    expect(outcome.stored[0]).toMatchObject({ seq: 1, opened: true })
    expect((await seqOf(later.externalId)).signal_id).not.toBe(signal_id)
    const contacts = await database.db
      .selectFrom('intake_signal')
      .select('contact_id')
      .where('id', 'in', [signal_id, outcome.stored[0]!.signalId])
      .execute()
    expect(new Set(contacts.map((row) => row.contact_id)).size).toBe(1)
  })

  it('stores a redelivered message once, even inside another event', async () => {
    const from = phone()
    const first = message(from)
    await recordInboundEvent(deps(), event([first]), audit)
    const again = await recordInboundEvent(
      deps(),
      { ...event([first]), externalId: 'another-envelope' },
      audit,
    )
    expect(again).toEqual({ stored: [], throttledForSeconds: null })
    const rows = await database.db
      .selectFrom('intake_message')
      .select('id')
      .where('external_id', '=', first.externalId)
      .execute()
    expect(rows).toHaveLength(1)
  })

  it('applies delivery statuses in any order without going back', async () => {
    const from = phone()
    const first = message(from)
    const { stored } = await recordInboundEvent(deps(), event([first]), audit)
    const out = await recordOutboundMessage(
      { database, secrets },
      {
        signalId: stored[0]!.signalId,
        provider: 'twilio',
        externalId: `SMout${++counter}`,
        body: 'We are here',
      },
    )
    expect(out.seq).toBe(2)
    const externalId = `SMout${counter}`
    const at = (seconds: number) => new Date(1764622800_000 + seconds * 1000)
    for (const [status, seconds] of [
      ['delivered', 20],
      ['sent', 10],
      ['read', 30],
      ['delivered', 40],
    ] as const) {
      await recordInboundEvent(
        deps(),
        event([], [{ externalId, status, at: at(seconds), error: null }]),
        audit,
      )
    }
    const row = await database.db
      .selectFrom('intake_message')
      .selectAll()
      .where('external_id', '=', externalId)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({
      direction: 'out',
      delivery_status: 'read',
      sent_at: at(10),
      delivered_at: at(20),
      read_at: at(30),
    })
    expect(secrets.open(row.body_sealed!)).toBe('We are here')
  })

  it('concurrent deliveries: one conversation for a new contact, one row for a duplicate', async () => {
    const from = phone()
    const first = message(from)
    const second = message(from)
    await Promise.all([
      recordInboundEvent(deps(), event([first]), audit),
      recordInboundEvent(deps(), event([second]), audit),
      recordInboundEvent(deps(), event([first]), audit),
    ])
    const rows = await database.db
      .selectFrom('intake_message')
      .select(['seq', 'signal_id'])
      .where('external_id', 'in', [first.externalId, second.externalId])
      .orderBy('seq')
      .execute()
    expect(rows.map((row) => row.seq)).toEqual([1, 2])
    expect(rows[0]!.signal_id).toBe(rows[1]!.signal_id)
  })

  it('throttles a sender past its allowance per minute and writes nothing for it', async () => {
    const from = phone()
    const now = new Date()
    for (let i = 0; i < 3; i += 1) {
      expect(
        (await recordInboundEvent(deps(), event([message(from)]), audit, now)).throttledForSeconds,
      ).toBeNull()
    }
    const over = message(from)
    const outcome = await recordInboundEvent(deps(), event([over]), audit, now)
    expect(outcome.throttledForSeconds).toBe(60)
    expect(outcome.stored).toEqual([])
    const row = await database.db
      .selectFrom('intake_message')
      .select('id')
      .where('external_id', '=', over.externalId)
      .executeTakeFirst()
    expect(row).toBeUndefined()
    // A new minute, a new allowance.
    const later = new Date(now.getTime() + 61_000)
    expect((await recordInboundEvent(deps(), event([over]), audit, later)).stored).toHaveLength(1)
    // Closed windows are forgotten.
    expect(await purgeSenderRates(database.db, new Date(later.getTime() - 30_000))).toBeGreaterThan(0)
    const left = await database.db.selectFrom('intake_sender_rate').select('window_started_at').execute()
    expect(left.every((row) => new Date(row.window_started_at) >= new Date(later.getTime() - 30_000))).toBe(
      true,
    )
  })

  it('gives each of many concurrent deliveries its own result, stored once', async () => {
    const messages = Array.from({ length: 30 }, (_, i) => message(`+1514555${String(1000 + i)}`))
    // The same person twice in the crowd: one conversation, seq 1 then 2.
    messages.push(message('+15145551000'))
    const outcomes = await Promise.all(messages.map((one) => recordInboundEvent(deps(), event([one]), audit)))
    const rows = await database.db
      .selectFrom('intake_message')
      .select(['id', 'external_id', 'signal_id', 'seq'])
      .where(
        'external_id',
        'in',
        messages.map((one) => one.externalId),
      )
      .execute()
    expect(rows).toHaveLength(messages.length)
    const byId = new Map(rows.map((row) => [row.external_id, row]))
    for (const [i, outcome] of outcomes.entries()) {
      const row = byId.get(messages[i]!.externalId)!
      expect(outcome.stored).toEqual([
        { messageId: row.id, signalId: row.signal_id, seq: row.seq, opened: expect.any(Boolean) },
      ])
    }
    const first = byId.get(messages[0]!.externalId)!
    const again = byId.get(messages.at(-1)!.externalId)!
    expect(again.signal_id).toBe(first.signal_id)
    expect([first.seq, again.seq].sort()).toEqual([1, 2])
  })

  it('fails only the delivery that cannot be written, not the others sent with it', async () => {
    const batcher = new InboundBatcher(database)
    const good = (n: number) => ({
      event: {
        provider: 'twilio',
        external_id: `EVbatch${Date.now()}${n}`,
        kind: 'other',
        payload_sealed: secrets.seal('{}'),
        received_at: new Date(),
      },
      messages: [],
      sender_per_minute: 5,
    })
    const bad = { ...good(99), event: { ...good(99).event, kind: 'not-a-kind' } }
    const results = await Promise.allSettled([
      batcher.record(good(1)),
      batcher.record(good(2)),
      batcher.record(bad),
      batcher.record(good(3)),
      batcher.record(good(4)),
    ])
    expect(results.map((result) => result.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ])
    const stored = await database.db
      .selectFrom('intake_webhook_event')
      .select('external_id')
      .where('external_id', 'like', 'EVbatch%')
      .execute()
    expect(stored).toHaveLength(4)
  })
})
