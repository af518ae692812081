import { randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../test/support/app.ts'
import { buildStaff, type SessionFixture, sessionFor } from '../../test/support/factories.ts'
import { SocketClient } from '../../test/support/sockets.ts'

let t: TestApp
let base: string
let advocate: SessionFixture
let advocateId: string

beforeAll(async () => {
  t = await buildTestApp({ RELAIS_OFFER_SECONDS: '60' })
  await t.app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = t.app.server.address() as AddressInfo
  base = `127.0.0.1:${port}`
  const staff = await buildStaff(t, { role: 'advocate' })
  advocateId = staff.id
  advocate = await sessionFor(t, staff)
})
afterAll(async () => {
  await t.close()
})

async function openConversation(body: Record<string, unknown> = { language: 'en' }) {
  const response = await fetch(`http://${base}/api/chat/conversations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return { status: response.status, body: (await response.json()) as Record<string, string> }
}

const staffFetch = (path: string, init: { method?: string; body?: unknown } = {}) =>
  fetch(`http://${base}${path}`, {
    method: init.method ?? 'GET',
    headers: { ...advocate.headers, ...(init.body ? { 'content-type': 'application/json' } : {}) },
    body: init.body ? JSON.stringify(init.body) : undefined,
  })

const consoleSocket = () =>
  SocketClient.open(`ws://${base}/api/intake/socket`, { cookie: advocate.cookie, origin: `http://${base}` })

describe('web chat between a visitor and an advocate', () => {
  it('refuses a malformed opening, naming the field in the caller’s language', async () => {
    const response = await fetch(`http://${base}/api/chat/conversations?lang=fr`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ language: 'de' }),
    })
    expect(response.status).toBe(400)
    const body = (await response.json()) as { fields: { path: string; message: string }[] }
    expect(body.fields[0]?.path).toBe('language')
    expect(body.fields[0]?.message).toMatch(/valeurs/)
  })

  it('delivers both ways, acknowledges each message once, and resumes after a dropped connection', async () => {
    const opened = await openConversation({ language: 'fr', preferredLanguage: 'fr', safeToChat: 'yes' })
    expect(opened.status).toBe(201)
    const { conversationId, token } = opened.body as { conversationId: string; token: string }

    const visitor = await SocketClient.open(`ws://${base}/api/chat/socket`)
    visitor.send({ type: 'hello', conversationId, token, lastSeq: 0 })
    await visitor.next((f) => f.type === 'state' && f.state === 'waiting')
    const clientId = randomUUID()
    visitor.send({ type: 'message', clientId, body: 'Bonjour, j’ai besoin d’aide' })
    const ack = await visitor.next<{ seq: number }>((f) => f.type === 'ack' && f.clientId === clientId)
    expect(ack.seq).toBe(1)
    // Sent again (the page did not see the ack): acknowledged with the same number, stored once.
    const mark = visitor.frames.length
    visitor.send({ type: 'message', clientId, body: 'Bonjour, j’ai besoin d’aide' })
    expect(
      (
        await visitor.next<{ seq: number }>((f) => f.type === 'ack' && f.clientId === clientId, {
          from: mark,
        })
      ).seq,
    ).toBe(1)
    const stored = await t.database.db
      .selectFrom('intake_message')
      .selectAll()
      .where('signal_id', '=', conversationId)
      .execute()
    expect(stored).toHaveLength(1)
    expect(stored[0]?.body_sealed).not.toContain('aide')

    // The advocate, speaking French, becomes available and is offered the conversation live.
    const desk = await consoleSocket()
    expect(
      (
        await staffFetch('/api/intake/presence', {
          method: 'PUT',
          body: { state: 'available', languages: ['fr', 'en'], skills: [] },
        })
      ).status,
    ).toBe(204)
    const offerFrame = await desk.next<{ workspace: { offers: { offerId: string; signalId: string }[] } }>(
      (f) => f.type === 'workspace' && (f.workspace as { offers: unknown[] }).offers.length > 0,
    )
    const offer = offerFrame.workspace.offers[0]
    expect(offer?.signalId).toBe(conversationId)
    const accepted = await staffFetch(`/api/intake/offers/${offer?.offerId}/accept`, { method: 'POST' })
    expect(accepted.status).toBe(200)
    await visitor.next((f) => f.type === 'state' && f.state === 'connected')

    const detail = (await (await staffFetch(`/api/intake/signals/${conversationId}`)).json()) as {
      messages: { seq: number; body: string }[]
      queue: string
    }
    expect(detail.queue).toBe('messaging.fr')
    expect(detail.messages.map((m) => m.body)).toEqual(['Bonjour, j’ai besoin d’aide'])

    expect(
      (
        await staffFetch(`/api/intake/signals/${conversationId}/messages`, {
          method: 'POST',
          body: { body: 'Je suis là.' },
        })
      ).status,
    ).toBe(201)
    const reply = await visitor.next<{ seq: number; from: string; body: string }>(
      (f) => f.type === 'message' && f.from === 'advocate',
    )
    expect(reply).toMatchObject({ seq: 2, body: 'Je suis là.' })

    // The visitor's next message reaches the advocate's socket as it is stored.
    const second = randomUUID()
    visitor.send({ type: 'message', clientId: second, body: 'Merci' })
    const pushed = await desk.next<{ messages: { seq: number; body: string }[] }>(
      (f) => f.type === 'messages' && (f.messages as { body: string }[]).some((m) => m.body === 'Merci'),
    )
    expect(pushed.messages[0]?.seq).toBe(3)

    // The connection drops; the advocate writes twice meanwhile; the visitor comes back with seq 3.
    visitor.close()
    await visitor.closed()
    for (const body of ['Êtes-vous en sécurité ?', 'Prenez votre temps.']) {
      await staffFetch(`/api/intake/signals/${conversationId}/messages`, { method: 'POST', body: { body } })
    }
    const back = await SocketClient.open(`ws://${base}/api/chat/socket`)
    back.send({ type: 'hello', conversationId, token, lastSeq: 3 })
    await back.next((f) => f.type === 'state')
    const messages = back.frames.filter((f) => f.type === 'message') as { seq: number; body: string }[]
    expect(messages.map((m) => m.seq)).toEqual([4, 5])

    // Ending asks for a classification before wrap-up can close.
    expect((await staffFetch(`/api/intake/signals/${conversationId}/end`, { method: 'POST' })).status).toBe(
      204,
    )
    await back.next((f) => f.type === 'state' && f.state === 'ended')
    const missing = await staffFetch(`/api/intake/signals/${conversationId}/wrap-up`, {
      method: 'POST',
      body: {},
    })
    expect(missing.status).toBe(400)
    expect(((await missing.json()) as { fields: { path: string }[] }).fields[0]?.path).toBe('classification')
    expect(
      (
        await staffFetch(`/api/intake/signals/${conversationId}/wrap-up`, {
          method: 'POST',
          body: { classification: 'trafficking' },
        })
      ).status,
    ).toBe(204)
    const signal = await t.database.db
      .selectFrom('intake_signal')
      .selectAll()
      .where('id', '=', conversationId)
      .executeTakeFirstOrThrow()
    expect(signal).toMatchObject({ status: 'ended', classification: 'trafficking', advocate_id: advocateId })
    for (const column of [
      'received_at',
      'enqueued_at',
      'offered_at',
      'answered_at',
      'ended_at',
      'wrap_up_ended_at',
    ] as const) {
      expect(signal[column]).toBeInstanceOf(Date)
    }
    const audit = await t.database.db
      .selectFrom('audit_event')
      .select('action')
      .where('entity_id', '=', conversationId)
      .execute()
    expect(audit.map((row) => row.action)).toEqual(
      expect.arrayContaining([
        'intake.signal.opened',
        'intake.signal.accepted',
        'intake.signal.read',
        'intake.signal.ended',
        'intake.signal.classified',
      ]),
    )
    back.close()
    desk.close()
  })

  it('refuses a socket with a wrong token, and a console socket from another origin or without a session', async () => {
    const { conversationId } = (await openConversation()).body as { conversationId: string }
    const visitor = await SocketClient.open(`ws://${base}/api/chat/socket`)
    visitor.send({ type: 'hello', conversationId, token: 'x'.repeat(43), lastSeq: 0 })
    expect(await visitor.closed()).toBe(4401)

    const foreign = await SocketClient.open(`ws://${base}/api/intake/socket`, {
      cookie: advocate.cookie,
      origin: 'https://evil.example',
    })
    expect(await foreign.closed()).toBe(4403)
    await expect(
      SocketClient.open(`ws://${base}/api/intake/socket`, { origin: `http://${base}` }),
    ).rejects.toThrow(/401/)
  })

  it('a visitor who leaves before being answered is counted as abandoned', async () => {
    await staffFetch('/api/intake/presence', {
      method: 'PUT',
      body: { state: 'away', languages: ['en'], skills: [] },
    })
    const { conversationId, token } = (await openConversation()).body as {
      conversationId: string
      token: string
    }
    const visitor = await SocketClient.open(`ws://${base}/api/chat/socket`)
    visitor.send({ type: 'hello', conversationId, token, lastSeq: 0 })
    await visitor.next((f) => f.type === 'state')
    visitor.send({ type: 'leave' })
    await visitor.next((f) => f.type === 'state' && f.state === 'ended')
    const signal = await t.database.db
      .selectFrom('intake_signal')
      .selectAll()
      .where('id', '=', conversationId)
      .executeTakeFirstOrThrow()
    expect(signal.status).toBe('abandoned')
    expect(signal.abandoned_at).toBeInstanceOf(Date)
    visitor.close()
  })
})
