// Intake at a hotline's busiest: signed SMS webhooks into durable signals per second, web chat
// delivery from a visitor's socket to the advocate's with 500 conversations open, and the time from a
// chat's arrival to its offer on an advocate's console with 50 advocates available. Each beside a
// baseline measured in the same run: plain inserts, a bare WebSocket relay, a NOTIFY/LISTEN round trip.
import { defineBenchmark, type Row } from './harness.ts'
import { chatLatency } from './intake/chat.ts'
import { offerLatency } from './intake/offers.ts'
import { webhookThroughput } from './intake/webhooks.ts'

type Part = () => Promise<{ rows: Row[]; notes: string[] } | null>

const parts: Record<string, Part> = {
  webhooks: webhookThroughput,
  chat: chatLatency,
  offers: offerLatency,
}

/** BENCH_INTAKE names the parts to run (comma-separated); all by default. */
function selected(): string[] {
  const raw = process.env.BENCH_INTAKE
  if (!raw) return Object.keys(parts)
  const names = raw.split(',').map((name) => name.trim())
  const unknown = names.filter((name) => !(name in parts))
  if (unknown.length > 0)
    throw new Error(`BENCH_INTAKE: unknown part ${unknown.join(', ')} (${Object.keys(parts).join(', ')})`)
  return names
}

export default defineBenchmark({
  name: 'intake',
  description:
    'SMS webhooks stored per second, chat delivery latency with 500 conversations, arrival-to-offer latency with 50 advocates (PostgreSQL, `relais serve` in a child process)',
  async run() {
    const rows: Row[] = []
    const notes: string[] = []
    for (const name of selected()) {
      const result = await parts[name]!()
      if (!result) {
        notes.push(`${name}: PostgreSQL binaries not found, skipped`)
        continue
      }
      rows.push(...result.rows)
      notes.push(...result.notes)
    }
    return { rows, notes }
  },
})
