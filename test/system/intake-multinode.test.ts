import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../support/database.ts'
import { Desk, openChat, Visitor } from '../support/intake-clients.ts'
import {
  newEncryptionKey,
  type RelaisProcess,
  signedInStaff,
  startRelaisProcess,
} from '../support/processes.ts'

/**
 * Two `relais serve` processes on one PostgreSQL database, as behind a load balancer: whichever
 * process a visitor or an advocate is connected to, they hear each other (LISTEN/NOTIFY), and the two
 * routers never offer one signal to two advocates nor an advocate more than they can hold.
 */

const CAPACITY = 2
let database: TestDatabase
let a: RelaisProcess
let b: RelaisProcess
const closers: (() => void)[] = []

beforeAll(async () => {
  database = await createTestDatabase()
  const env = {
    DATABASE_URL: database.url,
    RELAIS_ENCRYPTION_KEY: newEncryptionKey(),
    // Visitors come through a reverse proxy that says who they are (X-Forwarded-For).
    RELAIS_TRUST_PROXY: 'true',
    // Offers do not lapse while a loaded machine is slow to accept them.
    RELAIS_OFFER_SECONDS: '300',
    RELAIS_CAPACITY: `messaging=${CAPACITY}`,
  }
  ;[a, b] = await Promise.all([startRelaisProcess(env), startRelaisProcess(env)])
})
afterAll(async () => {
  for (const close of closers) close()
  await Promise.all([a?.stop(), b?.stop()])
  await database?.close()
})

describe('two Relais processes on one database', () => {
  it('a visitor on one process and an advocate on the other hear each other', async () => {
    const chat = await openChat(a.origin)
    const visitor = await Visitor.connect(a.origin, chat)
    closers.push(() => visitor.close())
    const desk = await Desk.connect(b.origin, await signedInStaff(database.db))
    closers.push(() => desk.close())

    // Offered by whichever router got there first, pushed by B's socket.
    await desk.available()
    try {
      const offer = await desk.offerFor(chat.conversationId)
      expect(await desk.accept(offer.offerId)).toBe(200)
      await visitor.socket.next((f) => f.type === 'state' && f.state === 'connected', { timeout: 30_000 })

      await desk.reply(chat.conversationId, 'Bonjour, je suis là.')
      const reply = await visitor.socket.next<{ seq: number; body: string }>(
        (f) => f.type === 'message' && f.from === 'advocate',
        { timeout: 30_000 },
      )
      expect(reply).toMatchObject({ seq: 1, body: 'Bonjour, je suis là.' })

      expect(await visitor.say('Merci, je suis en sécurité pour parler.')).toBe(2)
      const pushed = await desk.socket.next<{ signalId: string; messages: { seq: number; body: string }[] }>(
        (f) =>
          f.type === 'messages' &&
          f.signalId === chat.conversationId &&
          (f.messages as { seq: number }[]).some((m) => m.seq === 2),
        { timeout: 30_000 },
      )
      expect(pushed.messages).toEqual([
        expect.objectContaining({ seq: 2, direction: 'in', body: 'Merci, je suis en sécurité pour parler.' }),
      ])
    } finally {
      // Not available for the next test's visitors, however this one ends.
      await desk.away()
    }
  })

  it('advocates spread over both processes are each offered a signal at most once at a time, within capacity', async () => {
    const ADVOCATES = 6
    const CHATS = 30
    const desks = await Promise.all(
      Array.from({ length: ADVOCATES }, async (_, i) =>
        Desk.connect(i % 2 === 0 ? a.origin : b.origin, await signedInStaff(database.db)),
      ),
    )
    for (const desk of desks) closers.push(() => desk.close())
    const advocateIds = desks.map((desk) => desk.staff.id)

    // What must hold in every snapshot of the tables, read again and again while routing runs.
    const violations: string[] = []
    const check = async () => {
      const result = await sql<{ rule: string; id: string }>`
        select 'two open offers for one signal' as rule, signal_id::text as id
          from intake_offer where outcome is null group by signal_id having count(*) > 1
        union all
        select 'accepted twice', signal_id::text
          from intake_offer where outcome = 'accepted' group by signal_id having count(*) > 1
        union all
        select 'over capacity', advocate_id::text
          from intake_signal where status in ('offered', 'active', 'wrap_up') and advocate_id is not null
          group by advocate_id having count(*) > ${CAPACITY}
        union all
        select 'offered signal without its one open offer', s.id::text
          from intake_signal s
          where s.status = 'offered'
            and (select count(*) from intake_offer o
                 where o.signal_id = s.id and o.outcome is null and o.advocate_id = s.advocate_id) <> 1
        union all
        select 'open offer for a signal not offered to that advocate', o.signal_id::text
          from intake_offer o join intake_signal s on s.id = o.signal_id
          where o.outcome is null and (s.status <> 'offered' or s.advocate_id <> o.advocate_id)
        union all
        select 'active signal not accepted by its advocate', s.id::text
          from intake_signal s
          where s.status = 'active'
            and not exists (select 1 from intake_offer o
                            where o.signal_id = s.id and o.outcome = 'accepted' and o.advocate_id = s.advocate_id)
      `.execute(database.db)
      for (const row of result.rows) violations.push(`${row.rule}: ${row.id}`)
    }
    let watching = true
    let snapshots = 0
    const watcher = (async () => {
      while (watching) {
        await check()
        snapshots += 1
        await sleep(10)
      }
    })()

    const statusCounts = async (ids: string[]) => {
      const rows = await database.db
        .selectFrom('intake_signal')
        .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
        .where('id', 'in', ids)
        .groupBy('status')
        .execute()
      return Object.fromEntries(rows.map((row) => [row.status, Number(row.n)]))
    }
    const loads = async () => {
      const rows = await database.db
        .selectFrom('intake_signal')
        .select(['advocate_id', (eb) => eb.fn.countAll<string>().as('n')])
        .where('status', '=', 'active')
        .where('advocate_id', 'in', advocateIds)
        .groupBy('advocate_id')
        .execute()
      return advocateIds.map((id) => Number(rows.find((row) => row.advocate_id === id)?.n ?? 0))
    }

    try {
      for (const desk of desks) desk.autoAccept()
      await Promise.all(desks.map((desk) => desk.available()))
      // Many visitors at once, half through each process.
      const chats = await Promise.all(
        Array.from({ length: CHATS }, (_, i) => openChat(i % 2 === 0 ? a.origin : b.origin)),
      )
      const ids = chats.map((chat) => chat.conversationId)

      // Every advocate fills up to capacity, whichever process their socket is on; the rest wait.
      const full = ADVOCATES * CAPACITY
      await expect
        .poll(() => statusCounts(ids), { timeout: 60_000, interval: 200 })
        .toEqual({ active: full, queued: CHATS - full })
      expect(await loads()).toEqual(advocateIds.map(() => CAPACITY))

      // Each advocate finishes their conversations; the freed places go to the next in line.
      await Promise.all(
        desks.map(async (desk) => {
          const workspace = await (await desk.expectStatus('GET', '/api/intake/workspace', 200)).json()
          for (const conversation of (workspace as { conversations: { id: string }[] }).conversations) {
            await desk.finish(conversation.id)
          }
        }),
      )
      await expect
        .poll(() => statusCounts(ids), { timeout: 60_000, interval: 200 })
        .toEqual({ ended: full, active: full, queued: CHATS - 2 * full })
      expect(await loads()).toEqual(advocateIds.map(() => CAPACITY))

      // Both processes' sockets pushed the offers their advocates accepted.
      await expect
        .poll(() =>
          desks.map((desk) => [...desk.accepted.values()].filter((status) => status === 200).length),
        )
        .toEqual(desks.map(() => 2 * CAPACITY))
    } finally {
      watching = false
      await watcher
    }
    await check()
    expect(snapshots).toBeGreaterThan(0)
    expect(violations).toEqual([])
  }, 180_000)
})
