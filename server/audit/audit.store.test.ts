import fc from 'fast-check'
import { type Kysely, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engines } from '../../test/support/database.ts'
import type { Database } from '../db/database.ts'
import type { DB } from '../db/schema.ts'
import {
  type AuditContext,
  appendAuditEvent,
  findAuditEvents,
  sealAuditEvents,
  verifyAuditChain,
} from './audit.store.ts'

const system: AuditContext = { actorId: null, actorLabel: 'system', address: null, requestId: null }
const GENESIS = '0'.repeat(64)

class Rollback extends Error {}

/** Changes rows as a superuser would by hand, past the append-only triggers. */
async function tamper(trx: Kysely<DB>, ...statements: ReturnType<typeof sql>[]) {
  await sql`set local session_replication_role = replica`.execute(trx)
  for (const statement of statements) await statement.execute(trx)
  await sql`set local session_replication_role = origin`.execute(trx)
}

describe.each(engines)('audit store on $engine', ({ engine, open }) => {
  let database: Database
  beforeAll(async () => {
    database = await open()
  })
  afterAll(() => database.close())

  /**
   * Runs `work` on an empty audit trail inside a transaction that is always rolled back, so each
   * case (and each property run) starts from seq 1 and leaves nothing behind.
   */
  async function onEmptyChain<T>(work: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
    let result: T | undefined
    await database.db
      .transaction()
      .execute(async (trx) => {
        await tamper(trx, sql`delete from audit_event`)
        result = await work(trx)
        throw new Rollback()
      })
      .catch((error: unknown) => {
        if (!(error instanceof Rollback)) throw error
      })
    return result as T
  }

  async function appendMany(trx: Kysely<DB>, n: number) {
    for (let i = 1; i <= n; i++) {
      await appendAuditEvent(
        trx,
        { ...system, actorLabel: `actor ${i}` },
        {
          action: `test.event_${i}`,
          entityType: 'thing',
          entityId: String(i),
          details: { i, nested: { list: [i, 'x'], flag: i % 2 === 0 } },
        },
      )
    }
    await sealAuditEvents(trx)
  }

  const countEvents = async () =>
    Number(
      (
        await database.db
          .selectFrom('audit_event')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )

  describe('appending', () => {
    it('leaves no event when the transaction it belongs to rolls back', async () => {
      const before = await countEvents()
      await expect(
        database.db.transaction().execute(async (trx) => {
          await appendAuditEvent(trx, system, { action: 'test.rolled_back' })
          throw new Error('the change failed')
        }),
      ).rejects.toThrow('the change failed')
      expect(await countEvents()).toBe(before)
      const rolledBack = await database.db
        .selectFrom('audit_event')
        .select('seq')
        .where('action', '=', 'test.rolled_back')
        .execute()
      expect(rolledBack).toEqual([])

      // The next committed event takes the next number: no gap where the rolled-back one was.
      await database.db
        .transaction()
        .execute((trx) => appendAuditEvent(trx, system, { action: 'test.committed' }))
      await sealAuditEvents(database.db)
      const last = await database.db
        .selectFrom('audit_event')
        .select(['seq', 'action'])
        .orderBy('seq', 'desc')
        .executeTakeFirstOrThrow()
      expect(last).toEqual({ seq: before + 1, action: 'test.committed' })
      expect(await verifyAuditChain(database.db)).toEqual({ ok: true, count: before + 1 })
    })

    it('links each event to the one before it, from the genesis hash', async () => {
      await onEmptyChain(async (trx) => {
        const context = {
          actorId: '00000000-0000-4000-8000-000000000001',
          actorLabel: 'ana@example.org',
          address: '192.0.2.1',
          requestId: 'req-1',
        }
        await appendAuditEvent(trx, context, {
          action: 'user.created',
          entityType: 'staff_user',
          entityId: 'u1',
          details: { role: 'advocate' },
        })
        await appendAuditEvent(trx, system, { action: 'user.disabled' })
        const unsealed = await trx.selectFrom('audit_event').select(['seq', 'prev_hash', 'hash']).execute()
        expect(unsealed).toEqual([
          { seq: null, prev_hash: null, hash: null },
          { seq: null, prev_hash: null, hash: null },
        ])
        expect(await sealAuditEvents(trx)).toBe(2)
        expect(await sealAuditEvents(trx)).toBe(0)
        const rows = await trx.selectFrom('audit_event').selectAll().orderBy('seq').execute()
        expect(rows).toHaveLength(2)
        expect(rows[0]).toMatchObject({
          seq: 1,
          actor_id: context.actorId,
          actor_label: context.actorLabel,
          address: context.address,
          request_id: context.requestId,
          action: 'user.created',
          entity_type: 'staff_user',
          entity_id: 'u1',
          details: { role: 'advocate' },
          prev_hash: GENESIS,
        })
        expect(rows[0]!.hash).toMatch(/^[0-9a-f]{64}$/)
        expect(rows[1]).toMatchObject({
          seq: 2,
          entity_type: null,
          entity_id: null,
          details: {},
          prev_hash: rows[0]!.hash,
        })
        expect(rows[1]!.hash).not.toBe(rows[0]!.hash)
        expect(await verifyAuditChain(trx)).toEqual({ ok: true, count: 2 })
      })
    })

    it('serialises concurrent appends into one gap-free chain', async () => {
      const before = await countEvents()
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          database.db
            .transaction()
            .execute((trx) => appendAuditEvent(trx, system, { action: `test.concurrent_${i}` })),
        ),
      )
      // Several sealers at once: one seals, the others find the chain busy or nothing left.
      await Promise.all(Array.from({ length: 3 }, () => sealAuditEvents(database.db)))
      await sealAuditEvents(database.db)
      const seqs = (
        await database.db
          .selectFrom('audit_event')
          .select('seq')
          .where('seq', '>', before)
          .orderBy('seq')
          .execute()
      ).map((row) => row.seq)
      expect(seqs).toEqual(Array.from({ length: 8 }, (_, i) => before + i + 1))
      expect(await verifyAuditChain(database.db)).toEqual({ ok: true, count: before + 8 })
    })

    async function waitsForAdvisoryLock() {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from pg_locks
        where locktype = 'advisory' and not granted`.execute(database.db)
      return (rows[0]?.n ?? 0) > 0
    }

    // Two transactions at once need two connections; PGlite has one.
    it.skipIf(engine === 'pglite')(
      'waits, when asked, for a sealer at work elsewhere, and then reads what it sealed',
      async () => {
        await database.db
          .transaction()
          .execute((trx) => appendAuditEvent(trx, system, { action: 'test.sealed_elsewhere' }))
        let finish = () => {}
        const held = new Promise<void>((resolve) => {
          finish = resolve
        })
        let sealing = () => {}
        const sealedElsewhere = new Promise<void>((resolve) => {
          sealing = resolve
        })
        // Another process's sealer: it has sealed the event but not committed yet.
        const elsewhere = database.db.transaction().execute(async (trx) => {
          expect(await sealAuditEvents(trx)).toBeGreaterThan(0)
          sealing()
          await held
        })
        await sealedElsewhere
        const read = (wait: boolean) =>
          database.db.transaction().execute(async (trx) => {
            await sealAuditEvents(trx, { wait })
            return findAuditEvents(trx, { action: 'test.sealed_elsewhere', limit: 10 })
          })
        // Without waiting, the event is neither sealed here nor visible as sealed there.
        expect(await read(false)).toEqual([])
        let settled = false
        const waiting = read(true).finally(() => {
          settled = true
        })
        // Let the other commit only once this read waits for it (or has wrongly gone on without).
        while (!settled && !(await waitsForAdvisoryLock())) await new Promise((r) => setTimeout(r, 10))
        finish()
        await elsewhere
        expect((await waiting).map((row) => row.action)).toEqual(['test.sealed_elsewhere'])
      },
    )

    it('refuses updates, deletes and truncation of the trail', async () => {
      await database.db.transaction().execute((trx) => appendAuditEvent(trx, system, { action: 'test.kept' }))
      const { id } = await database.db
        .selectFrom('audit_event')
        .select('id')
        .where('action', '=', 'test.kept')
        .executeTakeFirstOrThrow()
      const one = database.db.updateTable('audit_event').where('id', '=', id)
      // Not even before it is sealed: only sealing itself may fill in the chain columns, once.
      await expect(one.set({ action: 'forged' }).execute()).rejects.toThrow(/append-only/)
      await expect(
        one.set({ seq: 1_000_000, prev_hash: 'a', hash: 'b', action: 'forged' }).execute(),
      ).rejects.toThrow(/append-only/)
      await sealAuditEvents(database.db)
      await expect(one.set({ seq: 1_000_000, prev_hash: 'a', hash: 'b' }).execute()).rejects.toThrow(
        /append-only/,
      )
      await expect(database.db.deleteFrom('audit_event').where('id', '=', id).execute()).rejects.toThrow(
        /append-only/,
      )
      await expect(sql`truncate audit_event`.execute(database.db)).rejects.toThrow(/append-only/)
      expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true })
    })
  })

  describe('verifying', () => {
    it('passes an empty trail and an intact one, across read batches', async () => {
      await onEmptyChain(async (trx) => {
        expect(await verifyAuditChain(trx)).toEqual({ ok: true, count: 0 })
        await appendMany(trx, 7)
        expect(await verifyAuditChain(trx)).toEqual({ ok: true, count: 7 })
        expect(await verifyAuditChain(trx, 2)).toEqual({ ok: true, count: 7 })
      })
    })

    it('names an altered row as altered, even past the first read batch', async () => {
      await onEmptyChain(async (trx) => {
        await appendMany(trx, 6)
        await tamper(trx, sql`update audit_event set details = '{"x":1}' where seq = 5`)
        expect(await verifyAuditChain(trx)).toEqual({ ok: false, count: 4, seq: 5, problem: 'altered' })
        expect(await verifyAuditChain(trx, 2)).toEqual({ ok: false, count: 4, seq: 5, problem: 'altered' })
      })
    })

    it('names an altered stored hash as altered', async () => {
      await onEmptyChain(async (trx) => {
        await appendMany(trx, 3)
        await tamper(trx, sql`update audit_event set hash = md5(hash) || md5(hash) where seq = 3`)
        expect(await verifyAuditChain(trx)).toEqual({ ok: false, count: 2, seq: 3, problem: 'altered' })
      })
    })

    it('names the first missing row as removed', async () => {
      await onEmptyChain(async (trx) => {
        await appendMany(trx, 5)
        await tamper(trx, sql`delete from audit_event where seq in (2, 4)`)
        expect(await verifyAuditChain(trx)).toEqual({ ok: false, count: 1, seq: 2, problem: 'removed' })
      })
      await onEmptyChain(async (trx) => {
        await appendMany(trx, 3)
        await tamper(trx, sql`delete from audit_event where seq = 1`)
        expect(await verifyAuditChain(trx)).toEqual({ ok: false, count: 0, seq: 1, problem: 'removed' })
      })
    })

    it('sees a row removed and the rest renumbered as a broken chain', async () => {
      await onEmptyChain(async (trx) => {
        await appendMany(trx, 4)
        await tamper(
          trx,
          sql`delete from audit_event where seq = 2`,
          sql`update audit_event set seq = seq - 1 where seq > 2`,
        )
        expect(await verifyAuditChain(trx)).toEqual({ ok: false, count: 1, seq: 2, problem: 'chain_broken' })
      })
    })

    it('sees two rows swapped as a broken chain', async () => {
      await onEmptyChain(async (trx) => {
        await appendMany(trx, 4)
        // Move rows 2 and 3 (hash and all) into each other's place.
        await tamper(
          trx,
          sql`update audit_event set seq = case seq when 2 then 3 else 2 end + 100 where seq in (2, 3)`,
          sql`update audit_event set seq = seq - 100 where seq > 100`,
        )
        const actions = await trx.selectFrom('audit_event').select('action').orderBy('seq').execute()
        expect(actions.map((row) => row.action)).toEqual([
          'test.event_1',
          'test.event_3',
          'test.event_2',
          'test.event_4',
        ])
        expect(await verifyAuditChain(trx)).toEqual({ ok: false, count: 1, seq: 2, problem: 'chain_broken' })
      })
    })

    const alterations = {
      details: sql`details = details || '{"tampered": true}'::jsonb`,
      action: sql`action = action || '.x'`,
      actor_label: sql`actor_label = actor_label || ' '`,
      actor_id: sql`actor_id = gen_random_uuid()`,
      entity_type: sql`entity_type = coalesce(entity_type, '') || 'x'`,
      entity_id: sql`entity_id = coalesce(entity_id, '') || 'x'`,
      address: sql`address = coalesce(address, '') || '1'`,
      request_id: sql`request_id = coalesce(request_id, '') || 'x'`,
      occurred_at: sql`occurred_at = occurred_at + interval '1 millisecond'`,
      hash: sql`hash = md5(hash) || md5(hash)`,
    }

    const entry = fc.record({
      context: fc.record({
        actorId: fc.option(fc.uuid({ version: 4 }), { nil: null }),
        actorLabel: fc.string({ minLength: 1, maxLength: 20, unit: 'grapheme' }),
        address: fc.option(fc.ipV4(), { nil: null }),
        requestId: fc.option(fc.uuid(), { nil: null }),
      }),
      action: fc.stringMatching(/^[a-z_]{1,10}\.[a-z_]{1,10}$/),
      entityId: fc.option(fc.string({ maxLength: 10 }), { nil: undefined }),
      details: fc.dictionary(
        fc.constantFrom('role', 'reason', 'count', 'filter', 'list'),
        fc.oneof(
          fc.integer(),
          fc.boolean(),
          fc.string({ maxLength: 12 }),
          fc.array(fc.integer(), { maxLength: 3 }),
        ),
      ),
    })

    it('detects any single altered field of any row, at exactly that row (property)', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(entry, { minLength: 1, maxLength: 6 }),
          fc.nat(),
          fc.constantFrom(...(Object.keys(alterations) as (keyof typeof alterations)[])),
          async (entries, pick, column) => {
            const seq = (pick % entries.length) + 1
            const verdict = await onEmptyChain(async (trx) => {
              for (const { context, ...rest } of entries) await appendAuditEvent(trx, context, rest)
              const intact = await verifyAuditChain(trx)
              expect(intact).toEqual({ ok: true, count: entries.length })
              await tamper(trx, sql`update audit_event set ${alterations[column]} where seq = ${seq}`)
              return verifyAuditChain(trx)
            })
            expect(verdict).toEqual({ ok: false, count: seq - 1, seq, problem: 'altered' })
          },
        ),
        { numRuns: engine === 'pglite' ? 30 : 40 },
      )
    })

    it('verifies whatever JSON details were recorded (property)', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.dictionary(
            fc.string({ maxLength: 8, unit: 'grapheme' }),
            fc.jsonValue({ maxDepth: 3, stringUnit: 'grapheme' }),
          ),
          async (details) => {
            const verdict = await onEmptyChain(async (trx) => {
              await appendAuditEvent(trx, system, { action: 'test.details', details })
              await appendAuditEvent(trx, system, { action: 'test.after' })
              return verifyAuditChain(trx)
            })
            expect(verdict).toEqual({ ok: true, count: 2 })
          },
        ),
        { numRuns: 60 },
      )
    })
  })

  describe('finding', () => {
    const ana = '00000000-0000-4000-8000-00000000000a'
    const ben = '00000000-0000-4000-8000-00000000000b'

    /** Ten events: Ana and Ben alternate; days 2024-03-01 … 2024-03-10 at noon UTC. */
    async function seed(trx: Kysely<DB>) {
      const actions = [
        'sign_in.failed',
        'sign_in.succeeded',
        'signxin.lookalike',
        'user.created',
        'user.disabled',
        'sign_in.succeeded',
        'sign_out',
        'user.enabled',
        'sign_in.failed',
        'audit.read',
      ]
      for (const [i, action] of actions.entries()) {
        const actorId = i % 2 === 0 ? ana : ben
        await appendAuditEvent(
          trx,
          { ...system, actorId, actorLabel: actorId === ana ? 'ana' : 'ben' },
          { action },
        )
      }
      await sealAuditEvents(trx)
      await tamper(
        trx,
        sql`update audit_event set occurred_at = timestamptz '2024-02-29 12:00:00+00' + seq * interval '1 day'`,
      )
    }
    const seqs = (rows: { seq: number }[]) => rows.map((row) => row.seq)

    it('returns the newest first, up to the limit', async () => {
      await onEmptyChain(async (trx) => {
        await seed(trx)
        expect(seqs(await findAuditEvents(trx, { limit: 100 }))).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1])
        expect(seqs(await findAuditEvents(trx, { limit: 3 }))).toEqual([10, 9, 8])
      })
    })

    it('filters by actor', async () => {
      await onEmptyChain(async (trx) => {
        await seed(trx)
        expect(seqs(await findAuditEvents(trx, { actorId: ben, limit: 100 }))).toEqual([10, 8, 6, 4, 2])
        expect(
          await findAuditEvents(trx, { actorId: '00000000-0000-4000-8000-0000000000ff', limit: 100 }),
        ).toEqual([])
      })
    })

    it('filters by action prefix, taking _ literally', async () => {
      await onEmptyChain(async (trx) => {
        await seed(trx)
        expect(seqs(await findAuditEvents(trx, { action: 'sign_in', limit: 100 }))).toEqual([9, 6, 2, 1])
        expect(seqs(await findAuditEvents(trx, { action: 'sign_in.failed', limit: 100 }))).toEqual([9, 1])
        expect(seqs(await findAuditEvents(trx, { action: 'user.', limit: 100 }))).toEqual([8, 5, 4])
        expect(seqs(await findAuditEvents(trx, { action: 'sign_', limit: 100 }))).toEqual([9, 7, 6, 2, 1])
        expect(await findAuditEvents(trx, { action: 'sign%', limit: 100 })).toEqual([])
      })
    })

    it('filters by time range, from inclusive and to exclusive, combined with other filters', async () => {
      await onEmptyChain(async (trx) => {
        await seed(trx)
        const from = new Date('2024-03-03T12:00:00Z')
        const to = new Date('2024-03-06T12:00:00Z')
        expect(seqs(await findAuditEvents(trx, { from, to, limit: 100 }))).toEqual([5, 4, 3])
        expect(seqs(await findAuditEvents(trx, { from, limit: 100 }))).toEqual([10, 9, 8, 7, 6, 5, 4, 3])
        expect(seqs(await findAuditEvents(trx, { to, limit: 100 }))).toEqual([5, 4, 3, 2, 1])
        expect(seqs(await findAuditEvents(trx, { from, to, actorId: ana, limit: 100 }))).toEqual([5, 3])
        expect(seqs(await findAuditEvents(trx, { from, action: 'sign_in', limit: 100 }))).toEqual([9, 6])
      })
    })

    it('pages by sequence number without gaps or repeats (property)', async () => {
      await onEmptyChain(async (trx) => {
        await seed(trx)
        await fc.assert(
          fc.asyncProperty(
            fc.integer({ min: 1, max: 11 }),
            fc.constantFrom(undefined, ana, ben),
            fc.constantFrom(undefined, 'sign_in', 'user.', 'sign_out'),
            async (limit, actorId, action) => {
              const all = seqs(await findAuditEvents(trx, { actorId, action, limit: 100 }))
              const paged: number[] = []
              let before: number | undefined
              for (let page = 0; page < 20; page++) {
                const rows = await findAuditEvents(trx, { actorId, action, beforeSeq: before, limit })
                paged.push(...seqs(rows))
                if (rows.length < limit) break
                before = rows.at(-1)!.seq
              }
              expect(paged).toEqual(all)
            },
          ),
          { numRuns: 40 },
        )
      })
    })
  })
})
