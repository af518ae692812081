import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import type { Database } from '../db/database.ts'
import { type IntakeBus, notification, publish } from './events.ts'
import type { Db } from './intake.store.ts'
import type { ChannelGroup, RoutingPolicy } from './signals.ts'

/** The channel group of a signal's channel, in SQL (see `channelGroup`). */
const groupOf = (column: string) =>
  sql.raw(
    `(case when ${column} = 'voice' then 'voice' when ${column} = 'email' then 'email' when ${column} = 'web_form' then 'form' else 'messaging' end)`,
  )

/** Signals looked at per round, longest waiting first (in danger before anyone). */
const CANDIDATES = 200

interface Pick {
  signal_id: string
  staff_id: string
  speaks: boolean
}

/**
 * Assigns waiting signals to available advocates. Event-driven: a signal queued, an advocate becoming
 * available, a conversation freeing capacity, an offer declined or expired each start a round; one
 * timer wakes the router for the next offer expiry or interpreter fallback, read from the tables.
 * Never a polling loop.
 *
 * Every process runs one; they agree through the database. A round picks the best pair without
 * locks, then locks the signal and the advocate (`FOR UPDATE SKIP LOCKED`) and checks both again
 * before offering: a signal is never offered to two advocates, an advocate never beyond capacity.
 */
export class Router {
  readonly #database: Database
  readonly #policy: RoutingPolicy
  #running: Promise<void> | null = null
  #again = false
  #timer: NodeJS.Timeout | null = null
  #stopped = false
  #unsubscribe: (() => void)[] = []

  constructor(database: Database, policy: RoutingPolicy) {
    this.#database = database
    this.#policy = policy
  }

  start(bus: IntakeBus): void {
    this.#unsubscribe.push(
      bus.subscribe((event) => {
        if (
          event.type === 'signal.queued' ||
          event.type === 'signal.changed' ||
          event.type === 'presence.changed'
        ) {
          this.kick()
        }
      }),
      bus.onResync(() => this.kick()),
    )
    this.kick()
  }

  async stop(): Promise<void> {
    this.#stopped = true
    for (const unsubscribe of this.#unsubscribe) unsubscribe()
    if (this.#timer) clearTimeout(this.#timer)
    await this.#running
  }

  /** Starts a round, or another right after the one running (events arriving meanwhile coalesce). */
  kick(): void {
    if (this.#stopped) return
    if (this.#running) {
      this.#again = true
      return
    }
    this.#running = this.#rounds().finally(() => {
      this.#running = null
      if (this.#again) {
        this.#again = false
        this.kick()
      }
    })
  }

  /** Resolves when no round is running or due (for tests and shutdown). */
  async settled(): Promise<void> {
    while (this.#running) await this.#running
  }

  async #rounds(): Promise<void> {
    try {
      const now = new Date()
      const floor = await readFloor(this.#database.db, now)
      if (floor.nextExpiry && floor.nextExpiry <= now) await expireOffers(this.#database.db, now)
      let offered = 0
      // Nobody available: nothing to pair, whatever is waiting (the next presence change kicks again).
      if (floor.anyoneAvailable) {
        for (let round = 0; round < 1000; round++) {
          if (this.#stopped) return
          const outcome = await this.#offerOne()
          if (outcome === 'none') break
          if (outcome === 'offered') offered += 1
        }
      }
      const times = [
        floor.nextExpiry && floor.nextExpiry > now ? floor.nextExpiry : null,
        floor.nextFallback,
        offered > 0 ? new Date(now.getTime() + this.#policy.offerSeconds * 1000) : null,
      ].filter((at): at is Date => at !== null)
      if (times.length > 0) this.#schedule(new Date(Math.min(...times.map((at) => at.getTime()))))
    } catch (error) {
      if (this.#stopped) return
      // The database is unreachable or busy: try again shortly, rather than lose the round.
      this.#schedule(new Date(Date.now() + 1000))
      if (process.env.NODE_ENV !== 'test') console.error('routing round failed', error)
    }
  }

  /** Offers one signal; 'retry' when a lock was taken by another process meanwhile. */
  async #offerOne(): Promise<'offered' | 'retry' | 'none'> {
    const db = this.#database.db
    const now = new Date()
    const pick = await findPair(db, this.#policy, now)
    if (!pick) return 'none'
    return db.transaction().execute(async (trx) => {
      // Both rows locked in one trip; taken by another process meanwhile, try another pair.
      const locked = await sql`
        select 1 from intake_signal s, intake_presence p
        where s.id = ${pick.signal_id} and s.status = 'queued'
          and p.staff_id = ${pick.staff_id} and p.state = 'available'
        for update of s, p skip locked`.execute(trx)
      if (locked.rows.length === 0) return 'retry'
      // Under both locks, with a fresh snapshot: still eligible, still within capacity?
      const still = await findPair(trx, this.#policy, now, pick)
      if (!still) return 'retry'
      const expiresAt = new Date(now.getTime() + this.#policy.offerSeconds * 1000)
      const offerId = randomUUID()
      // The offer and its notifications in one statement.
      await trx
        .with('signal', (db) =>
          db
            .updateTable('intake_signal')
            .set({
              status: 'offered',
              advocate_id: pick.staff_id,
              offered_at: sql`coalesce(offered_at, ${now})`,
              interpreter_needed: !still.speaks,
            })
            .where('id', '=', pick.signal_id),
        )
        .with('offer', (db) =>
          db.insertInto('intake_offer').values({
            id: offerId,
            signal_id: pick.signal_id,
            advocate_id: pick.staff_id,
            offered_at: now,
            expires_at: expiresAt,
          }),
        )
        .with('presence', (db) =>
          db
            .updateTable('intake_presence')
            .set({ last_offered_at: now })
            .where('staff_id', '=', pick.staff_id),
        )
        .selectNoFrom([
          notification({
            type: 'offer.created',
            offerId,
            signalId: pick.signal_id,
            advocateId: pick.staff_id,
            expiresAt: expiresAt.toISOString(),
          }).as('offered'),
          notification({ type: 'signal.changed', signalId: pick.signal_id }).as('changed'),
        ])
        .execute()
      return 'offered'
    })
  }

  #schedule(at: Date): void {
    if (this.#stopped) return
    if (this.#timer) clearTimeout(this.#timer)
    const delay = Math.max(0, at.getTime() - Date.now()) + 5
    this.#timer = setTimeout(() => {
      this.#timer = null
      this.kick()
    }, delay)
    this.#timer.unref()
  }
}

/**
 * What a round needs to know first, in one statement: when the next open offer lapses, when the next
 * waiting signal reaches its interpreter fallback, and whether anyone is available at all.
 */
async function readFloor(db: Db, now: Date) {
  const result = await sql<{
    next_expiry: Date | null
    next_fallback: Date | null
    anyone_available: boolean
  }>`
    select
      (select min(expires_at) from intake_offer where outcome is null) as next_expiry,
      (select min(fallback_at) from intake_signal where status = 'queued' and fallback_at > ${now}) as next_fallback,
      exists (select 1 from intake_presence where state = 'available') as anyone_available
  `.execute(db)
  const row = result.rows[0]
  const date = (value: Date | string | null | undefined) => (value ? new Date(value) : null)
  return {
    nextExpiry: date(row?.next_expiry),
    nextFallback: date(row?.next_fallback),
    anyoneAvailable: row?.anyone_available === true,
  }
}

/**
 * The longest-waiting signal some available advocate can take now, and the advocate: one who speaks
 * the person's preferred language (or, after the fallback time, the line's language, with an
 * interpreter), holds the skill asked for, is the colleague it was transferred to if any, and is below
 * capacity for its channel group. Among advocates: speakers first, then those not yet offered this
 * signal, then who waited longest since their last offer. With `only`, checks that one pair again.
 */
async function findPair(db: Db, policy: RoutingPolicy, now: Date, only?: Pick): Promise<Pick | undefined> {
  const capacity = (group: ChannelGroup) => policy.capacity[group]
  const capacityOf = sql`(case ${groupOf('w.channel')} when 'voice' then ${capacity('voice')}::int when 'email' then ${capacity('email')}::int when 'form' then ${capacity('form')}::int else ${capacity('messaging')}::int end)`
  const result = await sql<Pick>`
    with waiting as (
      select s.id, s.channel, s.language, coalesce(s.preferred_language, s.language) as wanted, s.skill,
             s.in_danger, s.enqueued_at, s.fallback_at, s.target_advocate_id
      from intake_signal s
      where s.status = 'queued' ${only ? sql`and s.id = ${only.signal_id}` : sql``}
      order by s.in_danger desc, s.enqueued_at asc
      limit ${CANDIDATES}
    )
    select w.id as signal_id, a.staff_id, a.speaks
    from waiting w
    cross join lateral (
      select p.staff_id, (w.wanted = any(p.languages)) as speaks
      from intake_presence p
      where p.state = 'available'
        ${only ? sql`and p.staff_id = ${only.staff_id}` : sql``}
        and (w.target_advocate_id is null or p.staff_id = w.target_advocate_id)
        and (w.skill is null or w.skill = any(p.skills))
        and (w.wanted = any(p.languages) or (w.fallback_at <= ${now} and w.language = any(p.languages)))
        and (
          select count(*) from intake_signal l
          where l.advocate_id = p.staff_id and l.status in ('offered', 'active', 'wrap_up')
            and ${groupOf('l.channel')} = ${groupOf('w.channel')}
        ) < ${capacityOf}
      order by (w.wanted = any(p.languages)) desc,
               (select count(*) from intake_offer o where o.signal_id = w.id and o.advocate_id = p.staff_id) asc,
               p.last_offered_at asc nulls first
      limit 1
    ) a
    order by w.in_danger desc, w.enqueued_at asc
    limit 1
  `.execute(db)
  return result.rows[0]
}

/**
 * Offers whose time ran out go back to the queue, and their advocate is set away: someone who lets an
 * offer lapse is probably not at their desk, and the next signal should not wait on them too.
 */
export async function expireOffers(db: Db, now: Date): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const expired = await trx
      .updateTable('intake_offer')
      .set({ outcome: 'expired', decided_at: now })
      .where('outcome', 'is', null)
      .where('expires_at', '<=', now)
      .returning(['signal_id', 'advocate_id'])
      .execute()
    for (const offer of expired) {
      await requeueOffered(trx, offer.signal_id, offer.advocate_id)
      const away = await trx
        .updateTable('intake_presence')
        .set({ state: 'away', state_since: now })
        .where('staff_id', '=', offer.advocate_id)
        .where('state', '=', 'available')
        .returning('staff_id')
        .executeTakeFirst()
      if (away) await publish(trx, { type: 'presence.changed', staffId: offer.advocate_id })
    }
    return expired.length
  })
}

/** Puts a signal offered to `advocateId` back in its queue, for anyone (a transfer target lapses). */
export async function requeueOffered(trx: Db, signalId: string, advocateId: string): Promise<void> {
  const requeued = await trx
    .updateTable('intake_signal')
    .set({ status: 'queued', advocate_id: null, target_advocate_id: null })
    .where('id', '=', signalId)
    .where('status', '=', 'offered')
    .where('advocate_id', '=', advocateId)
    .returning('id')
    .executeTakeFirst()
  if (requeued) await publish(trx, { type: 'signal.queued', signalId })
}
