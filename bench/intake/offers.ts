// From a signal's arrival to its offer on an advocate's console, with 50 advocates available: the
// time from POST /api/chat/conversations returning to the workspace frame that carries the offer,
// beside a bare NOTIFY → LISTEN round trip on the same PostgreSQL in the same run.
import { performance } from 'node:perf_hooks'
import pg from 'pg'
import type { Workspace } from '../../common/contracts/intake.ts'
import { Desk, openChat } from '../../test/support/intake-clients.ts'
import { signedInStaff } from '../../test/support/processes.ts'
import { onCleanup, type Row, round, settings } from '../harness.ts'
import { deploy, type Latency, latencyOf } from './setup.ts'

const ADVOCATES = positiveInt('BENCH_OFFER_ADVOCATES', 50)
/** Each advocate may hold this many offers: the measurement never runs out of room. */
const CAPACITY = 20
/** Arrivals before the clock starts. */
const WARMUP = 20

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`)
  return value
}

interface Arrivals extends Latency {
  label: string
  early: number
}

/** Samples a p99 needs to mean something: the measurement runs past its duration until it has them. */
const MIN_SAMPLES = 200
/** However slow, a measurement stops after this long. */
const MAX_MS = 60_000

interface Sequence {
  latencies: number[]
  perSecond: number
}

const row = (label: string, result: Latency, perSecond: number, lost = 0): Row => ({
  measurement: label,
  conns: 1,
  samples: result.samples,
  errors: lost,
  'per s': round(perSecond, 0),
  'p50 ms': result.p50,
  'p99 ms': result.p99,
  'max ms': result.max,
})

/**
 * Runs `once` one at a time: WARMUP unrecorded, then for the duration and at least MIN_SAMPLES times
 * (at most `limit`, and never past MAX_MS).
 */
async function sequential(once: () => Promise<number>, limit: number): Promise<Sequence> {
  for (let i = 0; i < WARMUP; i += 1) await once()
  const latencies: number[] = []
  const started = performance.now()
  const due = started + settings.durationMs
  const stop = started + MAX_MS
  for (;;) {
    const now = performance.now()
    if (latencies.length >= limit || now >= stop) break
    if (now >= due && latencies.length >= MIN_SAMPLES) break
    latencies.push(await once())
  }
  return { latencies, perSecond: latencies.length / ((performance.now() - started) / 1000) }
}

async function offersThroughRelais(): Promise<{
  result: Arrivals & { lost: number; perSecond: number }
  url: string
} | null> {
  const deployment = await deploy({
    RELAIS_TRUST_PROXY: 'true',
    RELAIS_CAPACITY: `messaging=${CAPACITY}`,
    RELAIS_OFFER_SECONDS: '600',
  })
  if (!deployment) return null
  const { origin, database } = deployment
  const desks = await Promise.all(
    Array.from({ length: ADVOCATES }, async () => Desk.connect(origin, await signedInStaff(database.db))),
  )
  onCleanup(() => {
    for (const desk of desks) desk.close()
  })
  await Promise.all(desks.map((desk) => desk.available(['en'])))

  // The first moment any advocate's socket carried an offer of each signal.
  const offeredAt = new Map<string, number>()
  const waiters = new Map<string, () => void>()
  for (const desk of desks) {
    desk.socket.socket.on('message', (raw) => {
      const frame = JSON.parse(String(raw)) as { type: string; workspace?: Workspace }
      if (frame.type !== 'workspace') return
      const now = performance.now()
      for (const offer of frame.workspace!.offers) {
        if (offeredAt.has(offer.signalId)) continue
        offeredAt.set(offer.signalId, now)
        waiters.get(offer.signalId)?.()
      }
    })
  }
  let early = 0
  let lost = 0
  const once = async () => {
    const { conversationId } = await openChat(origin)
    const arrived = performance.now()
    const offered = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), 30_000)
      const done = () => {
        clearTimeout(timer)
        waiters.delete(conversationId)
        resolve(offeredAt.get(conversationId)!)
      }
      if (offeredAt.has(conversationId)) done()
      else waiters.set(conversationId, done)
    })
    if (offered === null) {
      lost += 1
      return Number.NaN
    }
    // The offer can reach the console before the visitor's answer reaches the visitor.
    if (offered < arrived) early += 1
    return Math.max(0, offered - arrived)
  }
  const { latencies, perSecond } = await sequential(once, ADVOCATES * CAPACITY - WARMUP)
  return {
    url: deployment.url,
    result: {
      label: 'offer: chat opened → offer frame on a console (Relais)',
      early,
      lost,
      perSecond,
      ...latencyOf(latencies.filter((value) => !Number.isNaN(value))),
    },
  }
}

async function notifyRoundTrip(url: string): Promise<Latency & { perSecond: number }> {
  const listener = new pg.Client({ connectionString: url })
  const notifier = new pg.Client({ connectionString: url })
  await Promise.all([listener.connect(), notifier.connect()])
  onCleanup(async () => {
    await Promise.all([listener.end(), notifier.end()])
  })
  await listener.query('listen relais_bench')
  let waiting: { payload: string; resolve: () => void } | null = null
  listener.on('notification', (message) => {
    if (waiting && message.payload === waiting.payload) waiting.resolve()
  })
  let n = 0
  const once = async () => {
    n += 1
    const payload = JSON.stringify({ type: 'signal.queued', signalId: `bench-${n}` })
    const started = performance.now()
    const heard = new Promise<void>((resolve) => {
      waiting = { payload, resolve }
    })
    await notifier.query('select pg_notify($1, $2)', ['relais_bench', payload])
    await heard
    return performance.now() - started
  }
  const { latencies, perSecond } = await sequential(once, Number.POSITIVE_INFINITY)
  return { ...latencyOf(latencies), perSecond }
}

export async function offerLatency(): Promise<{ rows: Row[]; notes: string[] } | null> {
  const deployed = await offersThroughRelais()
  if (!deployed) return null
  const relais = deployed.result
  // On the same database, while Relais still listens there too.
  const baseline = await notifyRoundTrip(deployed.url)
  const meets = relais.p99 < 100 && relais.lost === 0
  return {
    rows: [
      row(relais.label, relais, relais.perSecond, relais.lost),
      row('baseline: pg NOTIFY → LISTEN round trip', baseline, baseline.perSecond),
    ],
    notes: [
      `offers: p99 ${relais.p99} ms from a chat's arrival to its offer on a console socket (target under 100 ms: ${meets ? 'met' : 'MISSED'}), against ${baseline.p99} ms for a bare NOTIFY → LISTEN round trip (p50 ${relais.p50} against ${baseline.p50} ms)`,
      `offers: ${ADVOCATES} advocates available, one console socket each, room for ${CAPACITY} offers each; one arrival at a time, the next once the last was offered (${WARMUP} unrecorded first, then at least ${MIN_SAMPLES}); ${relais.early} offer(s) reached a console before the visitor's POST returned (counted as 0 ms)`,
    ],
  }
}
