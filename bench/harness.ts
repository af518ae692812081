// Shared pieces of the benchmarks: the benchmark contract, an HTTP load generator with a bounded
// number of keep-alive connections and a bounded duration, percentiles, and a plain-text table.
import http from 'node:http'
import { createServer } from 'node:net'
import { performance } from 'node:perf_hooks'

export type Cell = string | number
export type Row = Record<string, Cell>

export interface BenchmarkResult {
  rows: Row[]
  /** Lines printed under the table: ratios, the set-up used, caveats. */
  notes: string[]
}

export interface Benchmark {
  /** The file name without `.bench.ts`; `npx tsx bench/run.ts <name>` runs only this one. */
  name: string
  description: string
  run(): Promise<BenchmarkResult>
}

export const defineBenchmark = (benchmark: Benchmark) => benchmark

/** Tunables, from the environment so a CI job or a curious reader can change them without editing. */
export const settings = {
  connections: positiveInt('BENCH_CONNECTIONS', 10),
  durationMs: positiveInt('BENCH_DURATION_MS', 5000),
  warmupMs: positiveInt('BENCH_WARMUP_MS', 1000),
}

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`)
  return value
}

// Cleanups of the benchmark in progress, run on normal completion and on Ctrl-C alike.
const cleanups: (() => Promise<void> | void)[] = []

/** Registers a cleanup; they run last-registered first. */
export function onCleanup(cleanup: () => Promise<void> | void) {
  cleanups.push(cleanup)
}

export async function runCleanups() {
  while (cleanups.length > 0) {
    const cleanup = cleanups.pop()!
    try {
      await cleanup()
    } catch (error) {
      console.error(`cleanup failed: ${(error as Error).message}`)
    }
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

export interface Target {
  label: string
  port: number
  path: string
  headers?: Record<string, string>
  /** The status every response must have; anything else is counted as an error. */
  expectStatus?: number
}

export interface Measurement {
  label: string
  requests: number
  errors: number
  seconds: number
  perSecond: number
  p50Ms: number
  p99Ms: number
  maxMs: number
}

function get(agent: http.Agent, target: Target): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        agent,
        host: '127.0.0.1',
        port: target.port,
        path: target.path,
        method: 'GET',
        headers: target.headers,
      },
      (response) => {
        response.resume()
        response.once('end', () => resolve(response.statusCode ?? 0))
        response.once('error', reject)
      },
    )
    request.once('error', reject)
    request.end()
  })
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!
}

/**
 * Sends requests over `connections` keep-alive connections, each one waiting for its answer before
 * sending the next (closed loop), for `durationMs`. Only answers with the expected status count
 * towards the latency figures.
 */
export async function measure(
  target: Target,
  { connections = settings.connections, durationMs = settings.durationMs } = {},
): Promise<Measurement> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections })
  const expected = target.expectStatus ?? 200
  const latencies: number[] = []
  let errors = 0
  const started = performance.now()
  const deadline = started + durationMs
  const loop = async () => {
    while (performance.now() < deadline) {
      const sent = performance.now()
      try {
        const status = await get(agent, target)
        if (status === expected) latencies.push(performance.now() - sent)
        else errors += 1
      } catch {
        errors += 1
      }
    }
  }
  try {
    await Promise.all(Array.from({ length: connections }, loop))
  } finally {
    agent.destroy()
  }
  const seconds = (performance.now() - started) / 1000
  const sorted = Float64Array.from(latencies).sort()
  return {
    label: target.label,
    requests: latencies.length,
    errors,
    seconds,
    perSecond: latencies.length / seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length > 0 ? sorted[sorted.length - 1]! : Number.NaN,
  }
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}

/** A plain-text table: numbers right-aligned, text left-aligned. */
export function formatTable(rows: Row[]): string {
  if (rows.length === 0) return '(no rows)'
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))]
  const text = (value: Cell | undefined) =>
    value === undefined ? '' : typeof value === 'number' ? value.toLocaleString('en-US') : value
  const widths = columns.map((column) =>
    Math.max(column.length, ...rows.map((row) => text(row[column]).length)),
  )
  const isNumeric = columns.map((column) => rows.every((row) => typeof (row[column] ?? 0) === 'number'))
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (isNumeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
  return [
    line(columns),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map((row) => line(columns.map((column) => text(row[column])))),
  ].join('\n')
}
