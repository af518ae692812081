// How long does the funder's report take at a national hotline's scale? With 1,000,000 signals and
// 100,000 cases on PostgreSQL, the whole report for the current fiscal year (every indicator beside
// the previous year, in one snapshot), then the same as a rendered PDF, beside the time of one plain
// scan of the signals table measured in the same run.
import { randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { sql } from 'kysely'
import { fiscalYearOf, parsePeriod } from '../common/periods.ts'
import { createSecrets } from '../server/crypto/secrets.ts'
import { createTranslator } from '../server/http/i18n.ts'
import { produceReportFile } from '../server/reporting/funder-report.ts'
import { computeReport } from '../server/reporting/report.service.ts'
import { seedCases } from './cases/seed.ts'
import { defineBenchmark, type Row, round } from './harness.ts'
import { startPostgres } from './relais.ts'

const SIGNALS = Number(process.env.BENCH_REPORTING_SIGNALS ?? 1_000_000)
const CASES = Number(process.env.BENCH_REPORTING_CASES ?? 100_000)
const RUNS = 5
const TARGET_SECONDS = 2
const audit = { actorId: null, actorLabel: 'bench', address: null, requestId: null }

/** The median of `runs` timed calls, in milliseconds (after one unmeasured warm-up call). */
async function median(runs: number, once: () => Promise<unknown>): Promise<number> {
  await once()
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const started = performance.now()
    await once()
    times.push(performance.now() - started)
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!
}

export default defineBenchmark({
  name: 'reporting',
  description: `the funder's report for a fiscal year with ${SIGNALS.toLocaleString('en-US')} signals and ${CASES.toLocaleString('en-US')} cases on PostgreSQL, beside one scan of the signals table`,
  async run() {
    const postgres = await startPostgres()
    if (!postgres) return { rows: [], notes: ['PostgreSQL binaries not found: skipped'] }
    const { database } = postgres
    const sizes = { signals: SIGNALS, cases: CASES, advocates: 50, contacts: Math.round(SIGNALS * 0.4) }
    await seedCases(database.db, createSecrets([randomBytes(32)]), sizes)
    // The seed predates the wrap-up's province and caller type: give classified signals both.
    await sql`update intake_signal set
        province = (array['ON','ON','ON','ON','QC','QC','AB','BC','NS','MB','SK','NB','unknown'])[1 + (hashtext(id::text) & 12)],
        caller_type = (array['victim','survivor','concerned_other','professional','unknown'])[1 + (hashtext(id::text) & 3)]
      where classification is not null`.execute(database.db)
    await sql`vacuum analyze`.execute(database.db)

    const today = new Date().toISOString().slice(0, 10)
    const parsed = parsePeriod(fiscalYearOf(today))
    if (!parsed.ok) throw new Error('period')
    const period = parsed.period
    const timeZone = 'America/Toronto'
    const { rows: read } = await sql<{ n: number }>`
      select count(*)::int as n from intake_signal
      where received_at >= (${period.from}::date - interval '1 year')`.execute(database.db)

    const scan = await median(RUNS, () =>
      sql`select count(*), count(classification), max(received_at), sum(length(channel)) from intake_signal`.execute(
        database.db,
      ),
    )
    const figures = await median(RUNS, () => computeReport(database, { period, timeZone }))
    const translator = await createTranslator()
    const pdf = await median(3, () =>
      produceReportFile({ database, translator, timeZone }, { period, lang: 'fr', format: 'pdf' }, audit),
    )
    const rows: Row[] = [
      { measurement: 'one scan of intake_signal (baseline)', 'median ms': round(scan) },
      { measurement: `every indicator, ${period.label} beside the year before`, 'median ms': round(figures) },
      { measurement: `the funder's report as PDF (fr), ${period.label}`, 'median ms': round(pdf) },
    ]
    return {
      rows,
      notes: [
        `signals in the two years read: ${read[0]!.n.toLocaleString('en-US')} of ${SIGNALS.toLocaleString('en-US')}`,
        `figures / scan: ${round(figures / scan)}×; PDF / scan: ${round(pdf / scan)}×`,
        `target: the whole report under ${TARGET_SECONDS} s — ${pdf < TARGET_SECONDS * 1000 ? 'met' : 'MISSED'}`,
      ],
    }
  },
})
