// What the benchmarks run against: a throwaway PostgreSQL cluster, and Relais served as in production.
import { type ChildProcess, spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { type Database, openDatabase } from '../server/db/database.ts'
import { migrate } from '../server/db/migrate.ts'
import { freePort, onCleanup } from './harness.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
/** The server's log level in benchmarks (BENCH_LOG_LEVEL, default warn). */
export const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'warn'

/** A throwaway PostgreSQL cluster with a migrated database, or null when PostgreSQL is not installed. */
export async function startPostgres(): Promise<{ url: string; database: Database } | null> {
  let cluster: { url: string; stop(): void }
  try {
    // @ts-expect-error plain JavaScript helper shared with the tests
    const { startCluster } = await import('../scripts/pg-cluster.mjs')
    cluster = await startCluster()
  } catch (error) {
    if (/binaries not found/.test((error as Error).message)) return null
    throw error
  }
  onCleanup(() => cluster.stop())
  const admin = new pg.Client({ connectionString: cluster.url })
  await admin.connect()
  await admin.query('create database relais_bench')
  await admin.end()
  const url = new URL(cluster.url)
  url.pathname = '/relais_bench'
  const database = await openDatabase({ url: url.toString() })
  onCleanup(() => database.close())
  await migrate(database)
  return { url: url.toString(), database }
}

/**
 * `relais serve` in a process of its own, as in production, with its own CPU time; returns its port.
 * `env` adds settings of the benchmark's own (a channel's secret, a routing policy).
 */
export async function serveInChild(
  databaseUrl: string,
  encryptionKey: string,
  dataDir: string,
  env: Record<string, string> = {},
): Promise<number> {
  const port = await freePort()
  const child: ChildProcess = spawn(process.execPath, ['bin/relais.js', 'serve'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      RELAIS_ENCRYPTION_KEY: encryptionKey,
      RELAIS_DATA_DIR: dataDir,
      RELAIS_LOG_LEVEL: LOG_LEVEL,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', (chunk) => {
    output += String(chunk)
  })
  child.stderr?.on('data', (chunk) => {
    output += String(chunk)
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  onCleanup(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    await exited
    clearTimeout(killer)
  })
  await new Promise<void>((resolve, reject) => {
    const check = () => {
      if (/Relais is listening on/.test(output)) {
        child.stdout?.off('data', check)
        child.off('exit', onExit)
        resolve()
      }
    }
    const onExit = (code: number | null) => reject(new Error(`relais serve exited (${code}):\n${output}`))
    child.stdout?.on('data', check)
    child.once('exit', onExit)
  })
  return port
}

/** The app in this process on an in-memory PGlite: the fallback when PostgreSQL is not installed. */
