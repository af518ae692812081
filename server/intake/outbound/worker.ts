import type { FastifyBaseLogger } from 'fastify'
import type { Secrets } from '../../crypto/secrets.ts'
import type { Database } from '../../db/database.ts'
import { type IntakeBus, publish } from '../events.ts'
import { advanceStatus } from '../intake.service.ts'
import { updateDeliveryStatus } from '../intake.store.ts'
import type { Channel, MessageProvider } from '../intake.tables.ts'
import { applyEarlyStatuses, EARLY_STATUS_MARGIN_MS } from './early-statuses.ts'
import {
  type ClaimedRow,
  claimDue,
  findOutboundContent,
  markOutboxDead,
  markOutboxSent,
  nextDueAt,
  scheduleRetry,
} from './outbox.ts'
import { type OutboundPolicy, retryDelayMs } from './policy.ts'
import { type ChannelSender, RetryableSendError } from './sender.ts'

export type WorkerLog = Pick<FastifyBaseLogger, 'warn' | 'error'>

export interface OutboundWorkerOptions {
  database: Database
  secrets: Secrets
  bus: IntakeBus
  senders: Partial<Record<Channel, ChannelSender>>
  policy: OutboundPolicy
  log?: WorkerLog
  /** The clock, and the jitter's randomness. */
  now?: () => Date
  random?: () => number
  /** Rows claimed (and sent concurrently) at a time. */
  batchSize?: number
}

/** The wait after the database failed under the worker, before it looks again. */
const TROUBLE_RETRY_MS = 5_000
/** The shortest timer: a due row another process is claiming right now is left a moment. */
const MIN_TIMER_MS = 100
/** setTimeout's largest delay. */
const MAX_TIMER_MS = 2 ** 31 - 1

const silent: WorkerLog = { warn: () => {}, error: () => {} }

/** An error as stored on the outbox row and the message: providers' codes, never their prose. */
function failureText(error: unknown): string {
  const text = error instanceof Error ? error.message : 'send failed'
  return text.slice(0, 300)
}

/**
 * Sends queued outbound messages through their channel's sender. Event-driven: it works when an
 * `outbound.queued` event arrives, at start and after a lost LISTEN connection came back, and keeps
 * one timer for the earliest row falling due later (a retry, or a lease running out), computed from
 * the table. Safe with several server processes: rows are claimed with FOR UPDATE SKIP LOCKED and
 * leased while in flight. Only channels this process has a sender for are claimed.
 */
export class OutboundWorker {
  readonly #options: OutboundWorkerOptions
  readonly #channels: Channel[]
  readonly #log: WorkerLog
  readonly #now: () => Date
  #subscriptions: (() => void)[] = []
  #timer: NodeJS.Timeout | null = null
  #running: Promise<void> | null = null
  #again = false
  #stopped = true

  constructor(options: OutboundWorkerOptions) {
    this.#options = options
    this.#channels = (Object.keys(options.senders) as Channel[]).filter((channel) => options.senders[channel])
    this.#log = options.log ?? silent
    this.#now = options.now ?? (() => new Date())
  }

  start(): void {
    if (!this.#stopped) return
    this.#stopped = false
    const { bus } = this.#options
    this.#subscriptions = [
      bus.subscribe((event) => {
        if (event.type === 'outbound.queued') void this.wake()
      }),
      bus.onResync(() => void this.wake()),
    ]
    void this.wake()
  }

  /** Sends every due row now, then sets the timer; resolves when done. Calls while running coalesce. */
  wake(): Promise<void> {
    if (this.#stopped || this.#channels.length === 0) return Promise.resolve()
    if (this.#running) {
      this.#again = true
      return this.#running
    }
    this.#running = this.#drain().finally(() => {
      this.#running = null
    })
    return this.#running
  }

  /** Stops listening and waits for sends in flight to be recorded. */
  async stop(): Promise<void> {
    this.#stopped = true
    for (const unsubscribe of this.#subscriptions) unsubscribe()
    this.#subscriptions = []
    this.#clearTimer()
    await this.#running
  }

  async #drain(): Promise<void> {
    this.#clearTimer()
    for (;;) {
      this.#again = false
      let delay: number | null
      try {
        await this.#sendDue()
        const due = await nextDueAt(this.#options.database, this.#channels)
        delay = due === null ? null : due.getTime() - this.#now().getTime()
      } catch (error) {
        this.#log.error({ err: error }, 'outbound sending interrupted')
        delay = TROUBLE_RETRY_MS
      }
      if (this.#stopped) return
      if (this.#again) continue
      if (delay !== null) {
        const wait = Math.min(Math.max(delay, MIN_TIMER_MS), MAX_TIMER_MS)
        this.#timer = setTimeout(() => void this.wake(), wait)
        this.#timer.unref()
      }
      return
    }
  }

  #clearTimer() {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
  }

  async #sendDue(): Promise<void> {
    const { database, policy } = this.#options
    const limit = this.#options.batchSize ?? 10
    while (!this.#stopped) {
      const now = this.#now()
      const rows = await claimDue(database, {
        channels: this.#channels,
        now,
        leaseUntil: new Date(now.getTime() + policy.leaseMs),
        limit,
      })
      if (rows.length === 0) return
      const outcomes = await Promise.allSettled(rows.map((row) => this.#attempt(row, now)))
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') {
          this.#log.error({ err: outcome.reason }, 'outbound message not recorded; retried after its lease')
        }
      }
    }
  }

  async #attempt(row: ClaimedRow, claimedAt: Date): Promise<void> {
    const { database, secrets, senders } = this.#options
    const sender = senders[row.channel]
    const content = await findOutboundContent(database.db, row.messageId)
    if (!sender || !content) return this.#deadLetter(row, 'not an outbound message')
    if (!content.body_sealed) return this.#deadLetter(row, 'no body')
    if (!content.address_sealed) return this.#deadLetter(row, 'no address for the channel')
    let to: string
    let body: string
    try {
      to = secrets.open(content.address_sealed)
      body = secrets.open(content.body_sealed)
    } catch {
      return this.#deadLetter(row, 'sealed under an unknown key')
    }
    let externalId: string
    try {
      ;({ externalId } = await sender.send({
        outboxId: row.id,
        messageId: row.messageId,
        signalId: row.signalId,
        channel: row.channel,
        to,
        body,
        attempt: row.attempt,
      }))
    } catch (error) {
      if (error instanceof RetryableSendError && row.attempt < this.#options.policy.maxAttempts) {
        return this.#retryLater(row, error)
      }
      return this.#deadLetter(row, failureText(error))
    }
    await this.#recordSent(row, content.provider, externalId, claimedAt)
  }

  /**
   * Records the provider's id on the message (so its callbacks find it), the outbox row as sent and
   * the status 'sent', which never undoes a 'delivered' or 'read' already known: a callback that
   * came before the id was recorded is applied first.
   */
  async #recordSent(row: ClaimedRow, provider: MessageProvider, externalId: string, claimedAt: Date) {
    const { database, secrets } = this.#options
    const at = this.#now()
    const callbacks =
      provider === 'twilio' || provider === 'whatsapp'
        ? { provider, externalId, since: new Date(claimedAt.getTime() - EARLY_STATUS_MARGIN_MS) }
        : null
    const recorded = await database.db.transaction().execute(async (trx) => {
      if (!(await markOutboxSent(trx, row.id, at))) return false
      await trx
        .updateTable('intake_message')
        .set({ external_id: externalId })
        .where('id', '=', row.messageId)
        .execute()
      if (callbacks) await applyEarlyStatuses(trx, secrets, callbacks)
      const message = await trx
        .selectFrom('intake_message')
        .select('delivery_status')
        .where('id', '=', row.messageId)
        .forUpdate()
        .executeTakeFirstOrThrow()
      await updateDeliveryStatus(trx, row.messageId, {
        status: advanceStatus(message.delivery_status, 'sent'),
        reported: 'sent',
        at,
        error: null,
      })
      await publish(trx, { type: 'message.delivery', signalId: row.signalId, messageId: row.messageId })
      return true
    })
    if (!recorded || !callbacks) return
    await database.db.transaction().execute(async (trx) => {
      if (await applyEarlyStatuses(trx, secrets, callbacks)) {
        await publish(trx, { type: 'message.delivery', signalId: row.signalId, messageId: row.messageId })
      }
    })
  }

  async #retryLater(row: ClaimedRow, error: RetryableSendError) {
    const { database, policy, random } = this.#options
    const delay = retryDelayMs(policy, row.attempt, error.retryAfterSeconds, random)
    const at = new Date(this.#now().getTime() + delay)
    await database.db.transaction().execute(async (trx) => {
      if (await scheduleRetry(trx, row.id, { at, error: failureText(error) })) {
        await publish(trx, { type: 'message.delivery', signalId: row.signalId, messageId: row.messageId })
      }
    })
  }

  /** No more attempts: the row waits on the dead-letter list, the message shows 'failed'. */
  async #deadLetter(row: ClaimedRow, error: string) {
    const { database } = this.#options
    const at = this.#now()
    const dead = await database.db.transaction().execute(async (trx) => {
      if (!(await markOutboxDead(trx, row.id, { at, error }))) return false
      const message = await trx
        .selectFrom('intake_message')
        .select('delivery_status')
        .where('id', '=', row.messageId)
        .forUpdate()
        .executeTakeFirst()
      if (message) {
        await updateDeliveryStatus(trx, row.messageId, {
          status: advanceStatus(message.delivery_status, 'failed'),
          reported: 'failed',
          at,
          error,
        })
      }
      await publish(trx, { type: 'message.delivery', signalId: row.signalId, messageId: row.messageId })
      return true
    })
    if (dead) {
      this.#log.warn(
        { outboxId: row.id, channel: row.channel, attempts: row.attempt, error },
        'outbound message dead-lettered',
      )
    }
  }
}
