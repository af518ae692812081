import { createHash } from 'node:crypto'
import { sql } from 'kysely'
import type { Secrets } from '../../crypto/secrets.ts'
import type { Database } from '../../db/database.ts'
import type { IntakeBus } from '../events.ts'
import type { MediaItem } from '../intake.tables.ts'
import {
  type FetchedMedia,
  fetchTwilioMedia,
  fetchWhatsAppMedia,
  type MediaConfig,
  MediaRefused,
} from './media.ts'
import type { WorkerLog } from './worker.ts'

export interface MediaFetcherOptions {
  database: Database
  secrets: Secrets
  bus: IntakeBus
  config: MediaConfig
  log?: WorkerLog
  now?: () => Date
  /** Waits before the second and third tries of a download the provider failed for now. */
  retryDelaysMs?: number[]
}

/** How long a process keeps a message's media to itself while it downloads them. */
const FETCH_LEASE_MS = 10 * 60_000
/** How far back a start looks for media left unfetched (a crash, a lost LISTEN connection). */
const SWEEP_DAYS = 7

/** Thrown out of a download interrupted by stop(): its item is released, not refused. */
const STOPPED = Symbol('stopped')

const isPending = (item: MediaItem, now: Date) =>
  item.attachmentId === undefined &&
  item.refused === undefined &&
  (item.fetchingUntil === undefined || new Date(item.fetchingUntil) <= now)

/**
 * Fetches the media of inbound SMS/MMS and WhatsApp messages once they are committed (on
 * `message.created`, after the webhook's 2xx), from the provider's own hosts only, and stores each
 * file sealed in intake_attachment. A file that is refused (host, type, size, checksum) or that the
 * provider cannot give is marked on its media item with the reason; nothing is thrown further. Each
 * message's pending items are claimed under its row lock (and leased), so two processes hearing the
 * same event never store a file twice. A provider without credentials configured is left alone: its
 * media wait (a week at most) until a start with credentials fetches them.
 */
export class MediaFetcher {
  readonly #options: MediaFetcherOptions
  readonly #now: () => Date
  readonly #providers: ('twilio' | 'whatsapp')[]
  #subscriptions: (() => void)[] = []
  #queue: Promise<void> = Promise.resolve()
  #stopped = true
  #interrupt = new AbortController()

  constructor(options: MediaFetcherOptions) {
    this.#options = options
    this.#now = options.now ?? (() => new Date())
    const { twilio, whatsapp } = options.config
    this.#providers = [
      ...(twilio.accountSid && twilio.authToken ? (['twilio'] as const) : []),
      ...(whatsapp.accessToken ? (['whatsapp'] as const) : []),
    ]
  }

  start(): void {
    if (!this.#stopped || this.#providers.length === 0) return
    this.#interrupt = new AbortController()
    this.#stopped = false
    const { bus } = this.#options
    this.#subscriptions = [
      bus.subscribe((event) => {
        if (event.type === 'message.created') {
          this.#enqueue(() => this.#fetchNew(event.signalId, event.seq))
        }
      }),
      bus.onResync(() => this.#enqueue(() => this.#sweep())),
    ]
    this.#enqueue(() => this.#sweep())
  }

  /** Resolves once everything heard so far is fetched or refused. */
  idle(): Promise<void> {
    return this.#queue
  }

  async stop(): Promise<void> {
    this.#stopped = true
    this.#interrupt.abort()
    for (const unsubscribe of this.#subscriptions) unsubscribe()
    this.#subscriptions = []
    await this.#queue
  }

  #enqueue(work: () => Promise<void>) {
    this.#queue = this.#queue.then(async () => {
      if (this.#stopped) return
      try {
        await work()
      } catch (error) {
        this.#options.log?.error({ err: error }, 'inbound media not fetched')
      }
    })
  }

  async #fetchNew(signalId: string, seq: number) {
    const message = await this.#options.database.db
      .selectFrom('intake_message')
      .select(['id', 'media'])
      .where('signal_id', '=', signalId)
      .where('seq', '=', seq)
      .where('direction', '=', 'in')
      .where('provider', 'in', this.#providers)
      .executeTakeFirst()
    if (message?.media.some((item) => isPending(item, this.#now()))) await this.fetchMessage(message.id)
  }

  async #sweep() {
    const since = new Date(this.#now().getTime() - SWEEP_DAYS * 86_400_000)
    const rows = await this.#options.database.db
      .selectFrom('intake_message')
      .select('id')
      .where('direction', '=', 'in')
      .where('provider', 'in', this.#providers)
      .where(sql<boolean>`media <> '[]'::jsonb`)
      .where('received_at', '>=', since)
      .where(
        sql<boolean>`exists (select 1 from jsonb_array_elements(media) item
          where item -> 'attachmentId' is null and item -> 'refused' is null)`,
      )
      .orderBy('received_at')
      .execute()
    for (const row of rows) {
      if (this.#stopped) return
      await this.fetchMessage(row.id)
    }
  }

  /** Fetches a message's pending media items one by one, recording each outcome as it comes. */
  async fetchMessage(messageId: string): Promise<void> {
    const claimed = await this.#claim(messageId)
    if (!claimed) return
    for (const [position, index] of claimed.indices.entries()) {
      const item = claimed.media[index]!
      let outcome: FetchedMedia | MediaRefused
      try {
        if (this.#stopped) throw STOPPED
        outcome = await this.#download(claimed.provider, item)
      } catch (error) {
        if (error === STOPPED) return this.#release(messageId, claimed.indices.slice(position))
        if (!(error instanceof MediaRefused)) throw error
        outcome = error
      }
      await this.#record(messageId, index, outcome)
      if (outcome instanceof MediaRefused) {
        this.#options.log?.warn({ messageId, index, reason: outcome.reason }, 'inbound media refused')
      }
    }
  }

  /** Takes the message's pending items for this process, under the message's row lock. */
  async #claim(messageId: string) {
    const now = this.#now()
    return this.#options.database.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('intake_message')
        .select(['provider', 'media'])
        .where('id', '=', messageId)
        .forUpdate()
        .executeTakeFirst()
      const provider = this.#providers.find((candidate) => candidate === row?.provider)
      if (!row || !provider) return null
      const indices = row.media.flatMap((item, index) => (isPending(item, now) ? [index] : []))
      if (indices.length === 0) return null
      const until = new Date(now.getTime() + FETCH_LEASE_MS).toISOString()
      const media = row.media.map((item, index) =>
        indices.includes(index) ? { ...item, fetchingUntil: until } : item,
      )
      await trx
        .updateTable('intake_message')
        .set({ media: JSON.stringify(media) })
        .where('id', '=', messageId)
        .execute()
      return { provider, media, indices }
    })
  }

  async #download(provider: 'twilio' | 'whatsapp', item: MediaItem): Promise<FetchedMedia> {
    const { config } = this.#options
    const delays = this.#options.retryDelaysMs ?? [1_000, 5_000]
    for (let attempt = 0; ; attempt += 1) {
      try {
        return provider === 'twilio'
          ? await fetchTwilioMedia(item, config)
          : await fetchWhatsAppMedia(item, config)
      } catch (error) {
        const delay = delays[attempt]
        if (!(error instanceof MediaRefused) || !error.transient || delay === undefined) throw error
        await this.#pause(delay)
      }
    }
  }

  /** Waits before another try; stop() cuts the wait short. */
  #pause(ms: number): Promise<void> {
    const signal = this.#interrupt.signal
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(STOPPED)
      const stop = () => {
        clearTimeout(timer)
        reject(STOPPED)
      }
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', stop)
        resolve()
      }, ms)
      signal.addEventListener('abort', stop, { once: true })
    })
  }

  /** Gives back items claimed but not fetched (the process is stopping): the next start takes them. */
  async #release(messageId: string, indices: number[]) {
    await this.#options.database.db.transaction().execute(async (trx) => {
      const message = await trx
        .selectFrom('intake_message')
        .select('media')
        .where('id', '=', messageId)
        .forUpdate()
        .executeTakeFirstOrThrow()
      const media = message.media.map((item, at) => {
        if (!indices.includes(at)) return item
        const { fetchingUntil: _released, ...rest } = item
        return rest
      })
      await trx
        .updateTable('intake_message')
        .set({ media: JSON.stringify(media) })
        .where('id', '=', messageId)
        .execute()
    })
  }

  /** Stores a fetched file sealed, or the refusal, on the item it came from. */
  async #record(messageId: string, index: number, outcome: FetchedMedia | MediaRefused) {
    const { secrets } = this.#options
    const now = this.#now()
    await this.#options.database.db.transaction().execute(async (trx) => {
      let attachmentId: string | undefined
      if (!(outcome instanceof MediaRefused)) {
        const row = await trx
          .insertInto('intake_attachment')
          .values({
            message_id: messageId,
            content_type: outcome.contentType,
            size_bytes: outcome.bytes.length,
            sha256: createHash('sha256').update(outcome.bytes).digest('hex'),
            filename_sealed: null,
            // Sealing takes text: the bytes are sealed as base64.
            content_sealed: secrets.seal(outcome.bytes.toString('base64')),
            stored_at: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
        attachmentId = row.id
      }
      const message = await trx
        .selectFrom('intake_message')
        .select('media')
        .where('id', '=', messageId)
        .forUpdate()
        .executeTakeFirstOrThrow()
      const media = message.media.map((item, at) => {
        if (at !== index) return item
        const { fetchingUntil: _done, ...rest } = item
        return outcome instanceof MediaRefused
          ? { ...rest, refused: outcome.reason }
          : { ...rest, attachmentId }
      })
      await trx
        .updateTable('intake_message')
        .set({ media: JSON.stringify(media) })
        .where('id', '=', messageId)
        .execute()
    })
  }
}
