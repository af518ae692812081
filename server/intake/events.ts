import { type RawBuilder, sql } from 'kysely'
import type { Database } from '../db/database.ts'
import type { Db } from './intake.store.ts'

/**
 * What happened in the contact centre, as every server process hears it. Events carry ids only,
 * never a message or an address: listeners read what they need from the tables, under their own
 * permissions. Published inside the transaction of the change (PostgreSQL delivers a NOTIFY when it
 * commits, and never when it rolls back), so a listener always finds the change it is told about.
 */
export type IntakeEvent =
  /** A signal waits for an advocate: arrived, declined, timed out, transferred or reassigned. */
  | { type: 'signal.queued'; signalId: string }
  /** A signal changed state or advocate (offered, answered, ended, wrapped up, abandoned). */
  | { type: 'signal.changed'; signalId: string }
  /** A message joined a conversation. */
  | { type: 'message.created'; signalId: string; seq: number }
  /** An outbound message's delivery moved (sent, delivered, failed, dead-lettered). */
  | { type: 'message.delivery'; signalId: string; messageId: string }
  /** An advocate was offered a signal, until `expiresAt` (ISO 8601). */
  | { type: 'offer.created'; offerId: string; signalId: string; advocateId: string; expiresAt: string }
  /** An advocate's presence, languages or skills changed. */
  | { type: 'presence.changed'; staffId: string }
  /** An outbound message waits for its channel's sender, from `dueAt` (ISO 8601). */
  | { type: 'outbound.queued'; outboxId: string; dueAt: string }

/** The NOTIFY channel of the contact centre's events. */
export const CHANNEL = 'relais_intake'

/** Announces an event to every process, when (and only if) the transaction `db` belongs to commits. */
export async function publish(db: Db, event: IntakeEvent): Promise<void> {
  await sql`select ${notification(event)}`.execute(db)
}

/** The `pg_notify` call that publishes `event`, for a statement that does more in the same trip. */
export function notification(event: IntakeEvent) {
  return sql<void>`pg_notify(${CHANNEL}, ${JSON.stringify(event)})`
}

/** Publishes message.created for a message whose sequence number the statement itself assigns. */
export function messageCreatedNotification(signalId: string, seq: RawBuilder<number>) {
  return sql<void>`pg_notify(${CHANNEL}, json_build_object('type', 'message.created', 'signalId', ${signalId}::text, 'seq', ${seq})::text)`
}

export type IntakeListener = (event: IntakeEvent) => void

/**
 * The one LISTEN of a process, fanned out in memory to its subscribers (routing, sockets, the
 * supervisor board, the outbound sender). `resync` listeners run when a lost connection to
 * PostgreSQL came back: they catch up from the tables.
 */
export class IntakeBus {
  readonly #listeners = new Set<IntakeListener>()
  readonly #resync = new Set<() => void>()
  #stop: (() => Promise<void>) | null = null

  async start(database: Database): Promise<void> {
    this.#stop = await database.listen(
      CHANNEL,
      (payload) => {
        let event: IntakeEvent
        try {
          event = JSON.parse(payload) as IntakeEvent
        } catch {
          return
        }
        for (const listener of this.#listeners) listener(event)
      },
      () => {
        for (const resync of this.#resync) resync()
      },
    )
  }

  subscribe(listener: IntakeListener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  onResync(resync: () => void): () => void {
    this.#resync.add(resync)
    return () => this.#resync.delete(resync)
  }

  async stop(): Promise<void> {
    await this.#stop?.()
    this.#stop = null
    this.#listeners.clear()
    this.#resync.clear()
  }
}
