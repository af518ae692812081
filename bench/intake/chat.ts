// Web chat delivery with 500 conversations open at once: the time from a visitor's socket sending a
// message to the advocate's console socket receiving it, beside the same hops through a bare `ws`
// relay in the same run.
import { type ChildProcess, spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import WebSocket from 'ws'
import { Desk, openChat, Visitor } from '../../test/support/intake-clients.ts'
import { signedInStaff } from '../../test/support/processes.ts'
import { onCleanup, type Row, round, settings } from '../harness.ts'
import { deploy, inLanes, type Latency, latencyOf, until } from './setup.ts'

const here = path.dirname(fileURLToPath(import.meta.url))
const CONVERSATIONS = positiveInt('BENCH_CHAT_CONVERSATIONS', 500)
/** Each conversation's visitor writes once every this many milliseconds, at its own phase. */
const EVERY_MS = positiveInt('BENCH_CHAT_EVERY_MS', 5000)
/** Conversations one advocate holds (RELAIS_CAPACITY allows up to 99). */
const PER_ADVOCATE = 50

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`)
  return value
}

/** One end that sends (a visitor's socket) and the sockets its message must reach (the advocates'). */
interface Pair {
  send(body: string): void
}

interface Delivery extends Latency {
  label: string
  sent: number
  lost: number
  perSecond: number
}

/**
 * Every pair's visitor writes once per EVERY_MS, phases spread evenly (an open loop: a slow answer
 * does not slow the senders); `receive` is called by the advocates' sockets with each body they get.
 * Warm-up first, then the measurement; messages still missing 10 s after the last are counted lost.
 */
async function schedule(
  label: string,
  pairs: Pair[],
  onBody: (listener: (body: string) => void) => void,
): Promise<Delivery> {
  const sentAt = new Map<string, number>()
  let latencies: number[] = []
  let recording = false
  onBody((body) => {
    const at = sentAt.get(body)
    if (at === undefined) return
    sentAt.delete(body)
    if (recording) latencies.push(performance.now() - at)
  })
  let counter = 0
  const run = async (durationMs: number) => {
    const started = performance.now()
    const timers: NodeJS.Timeout[] = []
    let sent = 0
    await new Promise<void>((resolve) => {
      pairs.forEach((pair, index) => {
        const phase = (index / pairs.length) * EVERY_MS
        const fire = () => {
          const elapsed = performance.now() - started
          if (elapsed >= durationMs) return
          counter += 1
          const body = `bench ${counter}`
          sentAt.set(body, performance.now())
          pair.send(body)
          sent += 1
          timers.push(setTimeout(fire, EVERY_MS))
        }
        timers.push(setTimeout(fire, phase))
      })
      timers.push(setTimeout(resolve, durationMs))
    })
    for (const timer of timers) clearTimeout(timer)
    return { sent, seconds: (performance.now() - started) / 1000 }
  }
  await run(settings.warmupMs)
  await until('the warm-up messages', async () => sentAt.size === 0, {
    timeoutMs: 30_000,
    everyMs: 50,
  }).catch(() => sentAt.clear())
  recording = true
  latencies = []
  const { sent, seconds } = await run(settings.durationMs)
  await until('the last messages', async () => sentAt.size === 0, { timeoutMs: 10_000, everyMs: 50 }).catch(
    () => {},
  )
  recording = false
  return { label, sent, lost: sentAt.size, perSecond: sent / seconds, ...latencyOf(latencies) }
}

const row = (result: Delivery): Row => ({
  measurement: result.label,
  conns: CONVERSATIONS,
  samples: result.samples,
  errors: result.lost,
  'per s': round(result.perSecond, 0),
  'p50 ms': result.p50,
  'p99 ms': result.p99,
  'max ms': result.max,
})

/** Frames of type `messages` on a console socket (Relais' or the relay's), body by body. */
function messageBodies(socket: WebSocket, listener: (body: string) => void) {
  socket.on('message', (raw) => {
    const frame = JSON.parse(String(raw)) as { type: string; messages?: { body: string | null }[] }
    if (frame.type !== 'messages') return
    for (const message of frame.messages ?? []) if (message.body) listener(message.body)
  })
}

async function throughRelais() {
  const advocates = Math.ceil(CONVERSATIONS / PER_ADVOCATE)
  const deployment = await deploy({
    RELAIS_TRUST_PROXY: 'true',
    RELAIS_CAPACITY: `messaging=${PER_ADVOCATE}`,
    RELAIS_OFFER_SECONDS: '600',
  })
  if (!deployment) return null
  const { origin, database } = deployment
  const setupStarted = performance.now()
  const desks = await Promise.all(
    Array.from({ length: advocates }, async () => Desk.connect(origin, await signedInStaff(database.db))),
  )
  onCleanup(() => {
    for (const desk of desks) desk.close()
  })
  for (const desk of desks) desk.autoAccept()
  await Promise.all(desks.map((desk) => desk.available(['en'])))
  const chats = await inLanes(
    Array.from({ length: CONVERSATIONS }, () => null),
    settings.connections,
    () => openChat(origin),
  )
  const visitors = await inLanes(chats, settings.connections, (chat) => Visitor.connect(origin, chat))
  onCleanup(() => {
    for (const visitor of visitors) visitor.close()
  })
  await until('every conversation answered', async () => {
    const active = await database.db
      .selectFrom('intake_signal')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('status', '=', 'active')
      .executeTakeFirstOrThrow()
    return Number(active.n) === CONVERSATIONS
  })
  const setupSeconds = (performance.now() - setupStarted) / 1000
  const pairs: Pair[] = visitors.map((visitor) => ({
    send: (body) => visitor.socket.send({ type: 'message', clientId: randomUUID(), body }),
  }))
  const result = await schedule(
    'chat: visitor socket → advocate console socket (Relais)',
    pairs,
    (listener) => {
      for (const desk of desks) messageBodies(desk.socket.socket, listener)
    },
  )
  return { result, advocates, setupSeconds }
}

/** The relay in a child process of its own, as Relais is; resolves with its port. */
async function startRelay(): Promise<number> {
  const child: ChildProcess = spawn(process.execPath, [path.join(here, 'relay-server.mjs')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  onCleanup(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    await exited
  })
  return new Promise((resolve, reject) => {
    let output = ''
    child.stdout?.on('data', (chunk) => {
      output += String(chunk)
      const match = /relay listening on (\d+)/.exec(output)
      if (match) resolve(Number(match[1]))
    })
    child.once('exit', (code) => reject(new Error(`relay exited (${code}): ${output}`)))
  })
}

function openSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url)
    socket.once('open', () => resolve(socket))
    socket.once('error', reject)
  })
}

async function throughRelay(advocates: number) {
  const port = await startRelay()
  const base = `ws://127.0.0.1:${port}`
  const desks = await Promise.all(
    Array.from({ length: advocates }, (_, i) => openSocket(`${base}/desk?id=${i}`)),
  )
  const visitors = await inLanes(
    Array.from({ length: CONVERSATIONS }, (_, i) => i),
    settings.connections,
    (i) => openSocket(`${base}/visitor?desk=${i % advocates}&signal=${randomUUID()}`),
  )
  onCleanup(() => {
    for (const socket of [...desks, ...visitors]) socket.close()
  })
  const pairs: Pair[] = visitors.map((socket) => ({
    send: (body) => socket.send(JSON.stringify({ type: 'message', clientId: randomUUID(), body })),
  }))
  return schedule('baseline: the same hops through a bare ws relay', pairs, (listener) => {
    for (const desk of desks) messageBodies(desk, listener)
  })
}

export async function chatLatency(): Promise<{ rows: Row[]; notes: string[] } | null> {
  const relais = await throughRelais()
  if (!relais) return null
  const baseline = await throughRelay(relais.advocates)
  const { result } = relais
  const meets = result.p99 < 50 && result.lost === 0
  return {
    rows: [row(result), row(baseline)],
    notes: [
      `chat: p99 ${result.p99} ms from a visitor's send to the advocate's socket (target under 50 ms: ${meets ? 'met' : 'MISSED'}), against ${baseline.p99} ms through the bare relay (p50 ${result.p50} against ${baseline.p50} ms)`,
      `chat: ${CONVERSATIONS} conversations open at once on one process, ${relais.advocates} advocates holding ${PER_ADVOCATE} each (RELAIS_CAPACITY=messaging=${PER_ADVOCATE}), one console socket each; every visitor writes once every ${EVERY_MS} ms (${round(result.perSecond, 0)} messages/s); set up (open, connect, offer, accept all) in ${round(relais.setupSeconds, 1)} s`,
    ],
  }
}
