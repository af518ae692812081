// Signed Twilio SMS webhooks into durable signals: how many per second `relais serve` stores and
// acknowledges on PostgreSQL, beside a plain loop of the same rows' inserts straight to the database.
import { randomBytes } from 'node:crypto'
import http from 'node:http'
import { performance } from 'node:perf_hooks'
import pg from 'pg'
import { createSecrets } from '../../server/crypto/secrets.ts'
import { signedSms } from '../../test/support/twilio.ts'
import { onCleanup, type Row, round, settings } from '../harness.ts'
import { deploy, freshDatabase, type Latency, latencyOf } from './setup.ts'

const TOKEN = 'twilio_bench_token_0123456789abcdef'
const PUBLIC = 'https://hotline.example.org'
const SMS_URL = `${PUBLIC}/webhooks/twilio/sms`

/** Requests signed before the clock starts, so signing does not take the server's CPU. */
const PER_SECOND_CEILING = 4000

interface Throughput extends Latency {
  label: string
  ok: number
  errors: number
  perSecond: number
}

/** Runs `once` on `lanes` lanes for warm-up, then for the measurement; successes only in the figures. */
async function closedLoop(label: string, lanes: number, once: () => Promise<boolean>): Promise<Throughput> {
  const run = async (durationMs: number) => {
    const latencies: number[] = []
    let errors = 0
    const started = performance.now()
    const deadline = started + durationMs
    const lane = async () => {
      while (performance.now() < deadline) {
        const sent = performance.now()
        try {
          if (await once()) latencies.push(performance.now() - sent)
          else errors += 1
        } catch {
          errors += 1
        }
      }
    }
    await Promise.all(Array.from({ length: lanes }, lane))
    return { latencies, errors, seconds: (performance.now() - started) / 1000 }
  }
  await run(settings.warmupMs)
  const { latencies, errors, seconds } = await run(settings.durationMs)
  return {
    label,
    ok: latencies.length,
    errors,
    perSecond: latencies.length / seconds,
    ...latencyOf(latencies),
  }
}

const row = (result: Throughput, lanes: number): Row => ({
  measurement: result.label,
  conns: lanes,
  samples: result.ok,
  errors: result.errors,
  'per s': round(result.perSecond, 0),
  'p50 ms': result.p50,
  'p99 ms': result.p99,
  'max ms': result.max,
})

/** A new sender for every message: each one opens a contact and a signal, as a first SMS does. */
function* smsRequests() {
  let n = 0
  for (;;) {
    n += 1
    yield signedSms(TOKEN, SMS_URL, {
      sid: `SM${randomBytes(16).toString('hex')}`,
      from: `+1555${String(n).padStart(7, '0')}`,
      body: `Je suis retenue dans un appartement, message ${n}`,
    })
  }
}

export async function webhookThroughput(): Promise<{ rows: Row[]; notes: string[] } | null> {
  const lanes = settings.connections
  const deployment = await deploy({
    TWILIO_AUTH_TOKEN: TOKEN,
    RELAIS_PUBLIC_URL: PUBLIC,
    RELAIS_INTAKE_SENDER_PER_MINUTE: '10000',
  })
  if (!deployment) return null

  const budget = Math.ceil(((settings.warmupMs + settings.durationMs) / 1000) * PER_SECOND_CEILING)
  const source = smsRequests()
  const prepared = Array.from({ length: budget }, () => source.next().value!)
  let taken = 0
  let acknowledged = 0
  const agent = new http.Agent({ keepAlive: true, maxSockets: lanes })
  onCleanup(() => agent.destroy())
  const post = () =>
    new Promise<boolean>((resolve, reject) => {
      const request = taken < prepared.length ? prepared[taken++]! : source.next().value!
      const outgoing = http.request(
        {
          agent,
          host: '127.0.0.1',
          port: deployment.port,
          path: '/webhooks/twilio/sms',
          method: 'POST',
          headers: { ...request.headers, 'content-length': Buffer.byteLength(request.body) },
        },
        (response) => {
          response.resume()
          response.once('end', () => {
            if (response.statusCode === 200) acknowledged += 1
            resolve(response.statusCode === 200)
          })
          response.once('error', reject)
        },
      )
      outgoing.once('error', reject)
      outgoing.end(request.body)
    })
  const overHttp = await closedLoop('HTTP: signed SMS webhook, stored, then 200', lanes, post)
  const stored = await deployment.database.db
    .selectFrom('intake_signal')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow()

  // The baselines: the rows a first SMS leaves, inserted in one transaction per message over as many
  // connections, values sealed beforehand. The target's: every row the webhook writes (the contact,
  // the signal, the message, the raw event, the audit event and the sender's count); beside it, the
  // contact, signal and message alone.
  const baselineDb = await freshDatabase()
  if (!baselineDb) return null
  const pool = new pg.Pool({ connectionString: baselineDb.url, max: lanes })
  onCleanup(() => pool.end())
  const secrets = createSecrets([randomBytes(32)])
  const sealedAddress = secrets.seal('+15550000001')
  const sealedBody = secrets.seal('Je suis retenue dans un appartement, message 1')
  const sealedPayload = secrets.seal(prepared[0]!.body)
  let n = 0
  const insert = (everyRow: boolean) => async () => {
    const id = ++n
    const now = new Date()
    const blindIndex = `${id}:${randomBytes(8).toString('hex')}`
    const client = await pool.connect()
    try {
      await client.query('begin')
      if (everyRow) {
        await client.query(
          `insert into intake_sender_rate (key, window_started_at, count) values ($1, $2, 1)
           on conflict (key) do update set count = intake_sender_rate.count + 1`,
          [blindIndex, now],
        )
        await client.query(
          `insert into intake_webhook_event (provider, external_id, kind, payload_sealed, received_at)
           values ('twilio', $1, 'message', $2, $3)`,
          [`SM${id}`, sealedPayload, now],
        )
      }
      const contact = await client.query<{ id: string }>(
        `insert into intake_contact (kind, blind_index, address_sealed, first_seen_at, last_seen_at)
         values ('phone', $1, $2, $3, $3) returning id`,
        [blindIndex, sealedAddress, now],
      )
      const signal = await client.query<{ id: string }>(
        `insert into intake_signal (channel, contact_id, queue, language, fallback_at, received_at,
                                    enqueued_at, last_message_at, last_seq)
         values ('sms', $1, 'messaging.en', 'en', $2, $2, $2, $2, 1) returning id`,
        [contact.rows[0]!.id, now],
      )
      if (everyRow)
        await client.query(
          `insert into audit_event (occurred_at, actor_label, action, entity_type, entity_id, details)
           values ($1, 'twilio', 'intake.signal.opened', 'intake_signal', $2, '{"channel":"sms","queue":"messaging.en"}')`,
          [now, signal.rows[0]!.id],
        )
      await client.query(
        `insert into intake_message (signal_id, seq, direction, body_sealed, kind, provider, external_id, received_at)
         values ($1, 1, 'in', $2, 'text', 'twilio', $3, $4)`,
        [signal.rows[0]!.id, sealedBody, `SM${id}`, now],
      )
      await client.query('commit')
      return true
    } catch (error) {
      await client.query('rollback')
      throw error
    } finally {
      client.release()
    }
  }
  const baseline = await closedLoop(
    'SQL: the same rows (contact, signal, message, raw event, audit event, sender count)',
    lanes,
    insert(true),
  )
  const fewer = await closedLoop('SQL: contact + signal + message inserts only', lanes, insert(false))

  const ratio = overHttp.perSecond / baseline.perSecond
  const meets = overHttp.perSecond >= 1000 && ratio >= 0.5
  return {
    rows: [row(overHttp, lanes), row(baseline, lanes), row(fewer, lanes)],
    notes: [
      `webhooks: ${round(overHttp.perSecond, 0)} signals/s stored and acknowledged, ${round(ratio * 100, 0)} % of the same rows' plain inserts at ${round(baseline.perSecond, 0)}/s, ${round((overHttp.perSecond / fewer.perSecond) * 100, 0)} % of the contact, signal and message alone at ${round(fewer.perSecond, 0)}/s (target: at least 1,000/s and 50 %: ${meets ? 'met' : 'MISSED'})`,
      `webhooks: ${Number(stored.n).toLocaleString('en-US')} signals in the database for ${acknowledged.toLocaleString('en-US')} webhooks answered 200 (warm-up included); every message from a new sender (contact, signal, message, raw event, audit event, sender count, three notifications); X-Twilio-Signature made by the official twilio package before the clock starts`,
    ],
  }
}
