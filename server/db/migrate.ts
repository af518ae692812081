import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import type { Database } from './database.ts'

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

export interface Migration {
  name: string
  module: string
  sql: string
  checksum: string
}

/**
 * Every module keeps plain SQL migrations in `server/<module>/migrations/`. File names start with a
 * timestamp, so sorting by name gives one global, forward-only order across modules.
 */
export function listMigrations(root = serverDir): Migration[] {
  const migrations: Migration[] = []
  for (const module of readdirSync(root, { withFileTypes: true })) {
    if (!module.isDirectory()) continue
    const dir = path.join(root, module.name, 'migrations')
    let files: string[]
    try {
      files = readdirSync(dir).filter((file) => file.endsWith('.sql'))
    } catch {
      continue
    }
    for (const file of files) {
      const text = readFileSync(path.join(dir, file), 'utf8')
      migrations.push({
        name: file.replace(/\.sql$/, ''),
        module: module.name,
        sql: text,
        checksum: createHash('sha256').update(text).digest('hex'),
      })
    }
  }
  return migrations.sort((a, b) => a.name.localeCompare(b.name))
}

export class MigrationDriftError extends Error {}

/** Applies the migrations not yet applied, each in its own transaction; returns their names. */
export async function migrate(database: Database, migrations = listMigrations()): Promise<string[]> {
  await database.exec(`create table if not exists schema_migration (
    name text primary key, checksum text not null, applied_at timestamptz not null default now())`)
  const applied = new Map(
    (await database.db.selectFrom('schema_migration').select(['name', 'checksum']).execute()).map((row) => [
      row.name,
      row.checksum,
    ]),
  )
  for (const [name, checksum] of applied) {
    const known = migrations.find((migration) => migration.name === name)
    if (known && known.checksum !== checksum) {
      throw new MigrationDriftError(
        `Migration ${name} was changed after it was applied; add a new one instead`,
      )
    }
  }
  const done: string[] = []
  for (const migration of migrations) {
    if (applied.has(migration.name)) continue
    // The advisory lock serialises nodes that start together; the primary key stops a second apply.
    await database
      .exec(
        `begin;
       select pg_advisory_xact_lock(7243001);
       insert into schema_migration (name, checksum) values (${quote(migration.name)}, ${quote(migration.checksum)});
       ${migration.sql}
       ;commit;`,
      )
      .catch(async (error: unknown) => {
        const again = await sql<{
          n: number
        }>`select count(*) as n from schema_migration where name = ${migration.name}`.execute(database.db)
        if (Number(again.rows[0]?.n) === 1) return
        throw error
      })
    done.push(migration.name)
  }
  return done
}

function quote(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}
