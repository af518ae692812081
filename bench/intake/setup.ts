// What the intake benchmarks share: a fresh migrated database per measurement on one throwaway
// cluster (so one measurement's signals never reach another's advocates), `relais serve` on it, and
// timing helpers.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { type Database, openDatabase } from '../../server/db/database.ts'
import { migrate } from '../../server/db/migrate.ts'
import { onCleanup, percentile, round } from '../harness.ts'
import { serveInChild, startPostgres } from '../relais.ts'

export interface Deployment {
  database: Database
  url: string
  encryptionKey: string
  /** `http://127.0.0.1:<port>` of the `relais serve` child. */
  origin: string
  port: number
}

type Fresh = { url: string; database: Database }
let cluster: Promise<{ url: string; first: Fresh | null } | null> | null = null
let counter = 0

/** The cluster of this run, started on first use; null when PostgreSQL is not installed. */
function postgres() {
  cluster ??= startPostgres().then((started) => {
    if (!started) return null
    const url = new URL(started.url)
    url.pathname = '/postgres'
    return { url: url.toString(), first: started }
  })
  return cluster
}

/** A fresh migrated database on the run's cluster, closed (and dropped with the cluster) afterwards. */
export async function freshDatabase(): Promise<Fresh | null> {
  const server = await postgres()
  if (!server) return null
  // The database the cluster came with, migrated already, serves the first measurement.
  if (server.first) {
    const first = server.first
    server.first = null
    return first
  }
  counter += 1
  const name = `relais_intake_${counter}`
  const admin = new pg.Client({ connectionString: server.url })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const url = new URL(server.url)
  url.pathname = `/${name}`
  const database = await openDatabase({ url: url.toString() })
  onCleanup(() => database.close())
  await migrate(database)
  return { url: url.toString(), database }
}

/** A fresh database with `relais serve` on it in a child process, configured with `env`. */
export async function deploy(env: Record<string, string>): Promise<Deployment | null> {
  const fresh = await freshDatabase()
  if (!fresh) return null
  const dataDir = mkdtempSync(path.join(tmpdir(), 'relais-bench-intake-'))
  onCleanup(() => rmSync(dataDir, { recursive: true, force: true }))
  const encryptionKey = randomBytes(32).toString('base64')
  const port = await serveInChild(fresh.url, encryptionKey, dataDir, env)
  return { ...fresh, encryptionKey, origin: `http://127.0.0.1:${port}`, port }
}

export interface Latency {
  samples: number
  p50: number
  p99: number
  max: number
}

export function latencyOf(values: number[]): Latency {
  const sorted = Float64Array.from(values).sort()
  return {
    samples: sorted.length,
    p50: round(percentile(sorted, 50)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.length > 0 ? sorted[sorted.length - 1]! : Number.NaN),
  }
}

/** Runs `work` on at most `lanes` items at a time. */
export async function inLanes<T, R>(items: T[], lanes: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const lane = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await work(items[index]!)
    }
  }
  await Promise.all(Array.from({ length: Math.min(lanes, items.length) }, lane))
  return results
}

/** Resolves when `condition` holds, checking every `everyMs`; fails after `timeoutMs` saying `what`. */
export async function until(
  what: string,
  condition: () => Promise<boolean>,
  { timeoutMs = 180_000, everyMs = 200 } = {},
) {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
}
