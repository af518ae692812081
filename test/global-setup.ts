import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { openDatabase } from '../server/db/database.ts'
import { migrate } from '../server/db/migrate.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string
  }
}

export const TEMPLATE_DATABASE = 'relais_template'

/**
 * Gives the whole run one real PostgreSQL server: the one named by RELAIS_TEST_DATABASE_URL, or a
 * throwaway cluster started here. A migrated template database lets each test file clone a fresh
 * database of its own in milliseconds.
 */
export default async function setup(project: TestProject) {
  let url = process.env.RELAIS_TEST_DATABASE_URL
  let stop: (() => void) | undefined
  if (!url) {
    // @ts-expect-error plain JavaScript helper shared with the benchmarks
    const { startCluster } = await import('../scripts/pg-cluster.mjs')
    const cluster = await startCluster()
    url = cluster.url as string
    stop = cluster.stop
  }
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  await admin.query(`drop database if exists ${TEMPLATE_DATABASE}`)
  await admin.query(`create database ${TEMPLATE_DATABASE}`)
  await admin.end()
  const template = await openDatabase({ url: withDatabase(url, TEMPLATE_DATABASE) })
  await migrate(template)
  await template.close()
  project.provide('postgresUrl', url)
  return () => stop?.()
}

export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url)
  parsed.pathname = `/${name}`
  return parsed.toString()
}
