import { sql } from 'kysely'
import type { Database } from '../db/database.ts'
import { CHANNEL } from './events.ts'

/** What `relais_record_inbound_messages` answers for one delivery. */
export interface RecordedMessages {
  stored: { message_id: string; signal_id: string; seq: number; opened: boolean }[]
  counted: number
  throttled_until: string | null
}

/** One delivery's arguments: its raw event and its messages, as the database function takes them. */
export interface DeliveryRows {
  event: Record<string, unknown>
  messages: Record<string, unknown>[]
  /** Messages a sender may send a minute; those over it are left out. */
  sender_per_minute: number
}

interface Waiting {
  delivery: DeliveryRows
  resolve: (recorded: RecordedMessages) => void
  reject: (error: unknown) => void
}

/** Calls in flight at once: one per database core a busy line keeps working. */
const IN_FLIGHT = 2
const MAX_BATCH = 50

/**
 * Writes the messages of deliveries that arrive together in one call and one commit: while calls are
 * in flight, new deliveries wait and leave together with the next one. Nothing waits for a timer: a
 * delivery on a quiet line goes at once. Each caller learns its own delivery's result once the batch
 * has committed; when a batch fails, each of its deliveries is tried alone, so one bad delivery
 * fails only itself.
 */
export class InboundBatcher {
  readonly #database: Database
  readonly #waiting: Waiting[] = []
  #inFlight = 0

  constructor(database: Database) {
    this.#database = database
  }

  record(delivery: DeliveryRows): Promise<RecordedMessages> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ delivery, resolve, reject })
      this.#next()
    })
  }

  #next(): void {
    if (this.#inFlight >= IN_FLIGHT || this.#waiting.length === 0) return
    const batch = this.#waiting.splice(0, MAX_BATCH)
    this.#inFlight += 1
    void this.#send(batch).finally(() => {
      this.#inFlight -= 1
      this.#next()
    })
  }

  async #send(batch: Waiting[]): Promise<void> {
    try {
      const results = await this.#call(batch.map((waiting) => waiting.delivery))
      for (const [i, waiting] of batch.entries()) waiting.resolve(results[i]!)
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error)
        return
      }
      await Promise.all(
        batch.map((waiting) =>
          this.#call([waiting.delivery]).then(([result]) => waiting.resolve(result!), waiting.reject),
        ),
      )
    }
  }

  async #call(deliveries: DeliveryRows[]): Promise<RecordedMessages[]> {
    const { rows } = await sql<{ recorded: RecordedMessages[] }>`
      select relais_record_inbound_batch(${JSON.stringify(deliveries)}::jsonb, ${CHANNEL}::text) as recorded`.execute(
      this.#database.db,
    )
    return rows[0]!.recorded
  }
}

const batchers = new WeakMap<Database, InboundBatcher>()

/** The batcher of a database: one per process and database, so concurrent deliveries meet. */
export function inboundBatcher(database: Database): InboundBatcher {
  let batcher = batchers.get(database)
  if (!batcher) {
    batcher = new InboundBatcher(database)
    batchers.set(database, batcher)
  }
  return batcher
}
