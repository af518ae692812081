import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engines } from '../../test/support/database.ts'
import { createSecrets } from '../crypto/secrets.ts'
import type { Database } from '../db/database.ts'
import { InboundBatcher } from './inbound-batch.ts'
import { type InboundMessage, recordInboundEvent } from './intake.service.ts'

const secrets = createSecrets([randomBytes(32)])
const audit = { actorId: null, actorLabel: 'twilio', address: null, requestId: null }
let counter = 0

function sms(from: string): InboundMessage {
  counter += 1
  return {
    externalId: `SMbatch${Date.now()}${counter}`,
    channel: 'sms',
    contact: { kind: 'phone', address: from, displayName: null },
    body: `message ${counter}`,
    kind: 'text',
    media: [],
    providerSentAt: null,
  }
}

describe.each(engines)('deliveries written together on $engine', ({ open }) => {
  let database: Database
  const deps = () => ({
    database,
    secrets,
    senderPerMinute: 5,
    policy: { interpreterFallbackSeconds: 60 },
    defaultLanguage: 'en',
  })
  beforeAll(async () => {
    database = await open()
  })
  afterAll(() => database.close())

  it('gives each of many concurrent deliveries its own result, stored once', async () => {
    const messages = Array.from({ length: 30 }, (_, i) => sms(`+1514555${String(1000 + i)}`))
    // The same person twice in the crowd: one conversation, seq 1 then 2.
    messages.push(sms('+15145551000'))
    const outcomes = await Promise.all(
      messages.map((message) =>
        recordInboundEvent(
          deps(),
          {
            provider: 'twilio',
            externalId: message.externalId,
            kind: 'message',
            payload: message.body!,
            messages: [message],
            statuses: [],
          },
          audit,
        ),
      ),
    )
    const rows = await database.db
      .selectFrom('intake_message')
      .select(['id', 'external_id', 'signal_id', 'seq'])
      .where(
        'external_id',
        'in',
        messages.map((message) => message.externalId),
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
