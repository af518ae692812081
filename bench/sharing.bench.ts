// How long does the statistics agency's extract take at a national hotline's scale? 100,000 cases and
// 1,000,000 signals seeded set-based on PostgreSQL (the cases benchmark's generator, `cases/seed.ts`), then a k = 11
// extract of all of them (read, generalised, k-anonymous, files rendered, audited), beside the time
// to read the same rows with the same statement and nothing else, in the same run.
import { randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { sql } from 'kysely'
import { createSecrets } from '../server/crypto/secrets.ts'
import { createTranslator } from '../server/http/i18n.ts'
import { buildExtract } from '../server/sharing/extract.build.ts'
import { createExtractService } from '../server/sharing/extract.service.ts'
import { readExtractRows } from '../server/sharing/extract.store.ts'
import { caseSignalsOf, type Sizes, seedCases } from './cases/seed.ts'
import { defineBenchmark, percentile, type Row, round } from './harness.ts'
import { startPostgres } from './relais.ts'

const CASES = positiveInt('BENCH_SHARING_CASES', 100_000)
const SIGNALS = positiveInt('BENCH_SHARING_SIGNALS', 1_000_000)
const RUNS = positiveInt('BENCH_SHARING_RUNS', 3)
const K = 11
const TARGET_SECONDS = 10
const timeZone = 'America/Toronto'

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`)
  return value
}

const n = (value: number) => value.toLocaleString('en-US')
const audit = { actorId: null, actorLabel: 'bench', address: null, requestId: null }

export default defineBenchmark({
  name: 'sharing',
  description: `a k = ${K} statistics extract of ${n(CASES)} cases on PostgreSQL, beside reading the same rows`,
  async run() {
    const postgres = await startPostgres()
    if (!postgres) return { rows: [], notes: ['PostgreSQL binaries not found: skipped'] }
    const { database } = postgres
    const secrets = createSecrets([randomBytes(32)])
    // A year of signals as in the cases benchmark; the extract reads each case's first.
    const sizes: Sizes = {
      signals: Math.max(SIGNALS, Math.round(CASES * 1.5)),
      cases: CASES,
      advocates: 50,
      contacts: Math.round(SIGNALS * 0.4),
    }
    let started = performance.now()
    await seedCases(database.db, secrets, sizes)
    const seedSeconds = (performance.now() - started) / 1000
    const { rows: counted } = await sql<{
      people: number
    }>`select count(*)::int as people from case_person`.execute(database.db)

    const extracts = createExtractService({ database, translator: await createTranslator(), timeZone })
    const read: number[] = []
    const extract: number[] = []
    const anonymise: number[] = []
    let rows = 0
    let published = 0
    let summary = ''
    // Alternated, so both see the same cache and the same load; the first of each warms up.
    for (let run = 0; run <= RUNS; run += 1) {
      started = performance.now()
      const readRows = await database.db.transaction().execute((trx) => readExtractRows(trx, { timeZone }))
      const readMs = performance.now() - started
      started = performance.now()
      buildExtract(readRows, K)
      const anonymiseMs = performance.now() - started
      started = performance.now()
      const files = await extracts.create(audit, { k: K, period: null, lang: 'en' })
      const extractMs = performance.now() - started
      if (run === 0) continue
      read.push(readMs)
      anonymise.push(anonymiseMs)
      extract.push(extractMs)
      rows = readRows.length
      const loss = files['summary.json'].informationLoss
      published = loss.records.published
      summary = `levels ${loss.variables.map((v) => `${v.name} ${v.level}`).join(', ')}; ${n(loss.records.locallySuppressed)} rows suppressed, ${n(loss.records.dropped)} dropped; ${n(loss.equivalenceClasses)} classes, the smallest of ${loss.smallestClass}; loss ${round(loss.loss * 100, 1)} %; ${loss.search.strategy} search of ${loss.search.latticeSize} nodes; data.csv ${n(files['data.csv'].length)} bytes`
    }
    const sorted = (values: number[]) => Float64Array.from(values).sort()
    const line = (measurement: string, values: number[]): Row => ({
      measurement,
      runs: values.length,
      'median s': round(percentile(sorted(values), 50) / 1000, 2),
      'max s': round(Math.max(...values) / 1000, 2),
    })
    const extractMedian = percentile(sorted(extract), 50) / 1000
    const readMedian = percentile(sorted(read), 50) / 1000
    return {
      rows: [
        line('read the rows (the extract’s statement, nothing else)', read),
        line('anonymise them in memory (generalise, suppress, shuffle)', anonymise),
        line(`the whole extract, k = ${K} (read, anonymise, files, audit)`, extract),
      ],
      notes: [
        `extract median ${round(extractMedian, 2)} s against ${round(readMedian, 2)} s to read (${round(extractMedian / readMedian, 1)}x); target < ${TARGET_SECONDS} s ${extractMedian < TARGET_SECONDS ? 'MET' : 'MISSED'}`,
        `${n(rows)} potential victims read of ${n(counted[0]!.people)} people in ${n(CASES)} cases (${n(caseSignalsOf(sizes))} of ${n(sizes.signals)} signals in cases), ${n(published)} published; ${summary}`,
        `seeded in ${seedSeconds.toFixed(0)} s set-based, then ANALYZE; runs alternated after one of each to warm up; throwaway cluster with fsync off`,
      ],
    }
  },
})
