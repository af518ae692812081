// How fast does a case open at a national hotline's scale? With 1,000,000 signals and 100,000 cases
// on PostgreSQL, an advocate opens random cases of theirs as the case screen does, in one request
// (`GET /api/cases/:id/screen`: the case with all its sections, signals, people, needs and notes, its
// escalations, the protocol's verdicts and its referrals) over HTTP against `relais serve` in a child
// process, beside the very SQL statements that request ran, replayed straight on the database in the
// same run, and beside the four requests the screen made before, for comparison.
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { sql } from 'kysely'
import { appendAuditEvent } from '../server/audit/audit.store.ts'
import { createSecrets } from '../server/crypto/secrets.ts'
import type { Database } from '../server/db/database.ts'
import { seededRandom } from '../server/demo/demo.ts'
import { newToken, sha256 } from '../server/identity/credentials.ts'
import type { Principal } from '../server/identity/identity.service.ts'
import { insertSession } from '../server/identity/identity.store.ts'
import { caseSignalsOf, type Sizes, seedCases } from './cases/seed.ts'
import { captureOpenings, requestPath, type SeparateRequest, separateRequests } from './cases/statements.ts'
import { defineBenchmark, onCleanup, percentile, type Row, round, settings } from './harness.ts'
import { LOG_LEVEL, serveInChild, startPostgres } from './relais.ts'

const SIGNALS = positiveInt('BENCH_CASES_SIGNALS', 1_000_000)
const CASES = positiveInt('BENCH_CASES_CASES', 100_000)
/** Distinct cases of the advocate the measurements draw from. */
const SAMPLE = 300
const TARGET_P95_MS = 30
const ADVOCATES = 50

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`)
  return value
}

/** The id the seed gives a row (`bench_uuid`): the md5 of its name, as a version 4 uuid. */
function seededId(text: string): string {
  const digits = [...createHash('md5').update(text).digest('hex')]
  digits[12] = '4'
  digits[16] = '8'
  const hex = digits.join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

interface Loop {
  lanes: number
  samples: number
  errors: number
  perSecond: number
  /** Latencies of the whole operation, and of its named parts, ascending. */
  total: Float64Array
  parts: Map<string, Float64Array>
}

/**
 * Runs `once` in a closed loop on `lanes` lanes: a warm-up, then `BENCH_DURATION_MS` measured.
 * `once` returns the latencies of its parts (ms by name); a throw counts as an error.
 */
async function closedLoop(lanes: number, once: () => Promise<Record<string, number>>): Promise<Loop> {
  const run = async (durationMs: number) => {
    const total: number[] = []
    const parts = new Map<string, number[]>()
    let errors = 0
    const started = performance.now()
    const deadline = started + durationMs
    const lane = async () => {
      while (performance.now() < deadline) {
        const sent = performance.now()
        try {
          const timings = await once()
          total.push(performance.now() - sent)
          for (const [name, ms] of Object.entries(timings)) parts.set(name, [...(parts.get(name) ?? []), ms])
        } catch {
          errors += 1
        }
      }
    }
    await Promise.all(Array.from({ length: lanes }, lane))
    return { total, parts, errors, seconds: (performance.now() - started) / 1000 }
  }
  await run(settings.warmupMs)
  const { total, parts, errors, seconds } = await run(settings.durationMs)
  const sorted = (values: number[]) => Float64Array.from(values).sort()
  return {
    lanes,
    samples: total.length,
    errors,
    perSecond: total.length / seconds,
    total: sorted(total),
    parts: new Map([...parts].map(([name, values]) => [name, sorted(values)])),
  }
}

const row = (measurement: string, lanes: number, latencies: Float64Array, loop: Loop): Row => ({
  measurement,
  conns: lanes,
  samples: latencies.length,
  errors: loop.errors,
  'per s': round(latencies.length / (settings.durationMs / 1000), 0),
  'p50 ms': round(percentile(latencies, 50)),
  'p95 ms': round(percentile(latencies, 95)),
  'p99 ms': round(percentile(latencies, 99)),
})

/** A GET over a keep-alive agent; resolves with the body, rejects on anything but 200. */
function getter(port: number, cookie: string, sockets: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets })
  onCleanup(() => agent.destroy())
  return (requestPath: string) =>
    new Promise<string>((resolve, reject) => {
      const request = http.request(
        { agent, host: '127.0.0.1', port, path: requestPath, method: 'GET', headers: { cookie } },
        (response) => {
          const chunks: Buffer[] = []
          response.on('data', (chunk: Buffer) => chunks.push(chunk))
          response.once('end', () => {
            const body = Buffer.concat(chunks).toString('utf8')
            if (response.statusCode === 200) resolve(body)
            else
              reject(new Error(`GET ${requestPath} answered ${response.statusCode}: ${body.slice(0, 200)}`))
          })
          response.once('error', reject)
        },
      )
      request.once('error', reject)
      request.end()
    })
}

/** Waits until no other session of the database is busy (the server's start-up work is done). */
async function untilIdle(database: Database) {
  let quiet = 0
  for (let waited = 0; quiet < 3 && waited < 120_000; waited += 250) {
    const { rows } = await sql<{ busy: number }>`select count(*)::int as busy from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid() and state not in ('idle')
        and backend_type = 'client backend'`.execute(database.db)
    quiet = rows[0]!.busy === 0 ? quiet + 1 : 0
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

async function advocateSession(database: Database, userId: string): Promise<string> {
  const token = newToken()
  await insertSession(database.db, {
    tokenHash: sha256(token),
    userId,
    stage: 'active',
    csrfToken: newToken(),
    address: '127.0.0.1',
    userAgent: 'bench',
    expiresAt: new Date(Date.now() + 3 * 3_600_000),
  })
  return `relais_session=${token}`
}

async function counts(database: Database) {
  const tables = [
    'case_person',
    'case_need',
    'case_note',
    'case_referral',
    'case_escalation',
    'intake_message',
    'case_signal',
  ] as const
  const found: Record<string, number> = {}
  for (const table of tables) {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(
      database.db,
    )
    found[table] = rows[0]!.n
  }
  return found
}

const n = (value: number) => value.toLocaleString('en-US')

export default defineBenchmark({
  name: 'cases',
  description: `an advocate opening a case in one request (the case, its escalations, the protocol's verdicts and its referrals) with ${n(SIGNALS)} signals and ${n(CASES)} cases on PostgreSQL, HTTP beside the same SQL replayed`,
  async run() {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'relais-bench-cases-'))
    onCleanup(() => rmSync(dataDir, { recursive: true, force: true }))
    const postgres = await startPostgres()
    if (!postgres) return { rows: [], notes: ['PostgreSQL binaries not found: skipped'] }
    const { database } = postgres
    const key = randomBytes(32)
    const secrets = createSecrets([key])
    const sizes: Sizes = {
      signals: SIGNALS,
      cases: CASES,
      advocates: ADVOCATES,
      contacts: Math.round(SIGNALS * 0.4),
    }

    let started = performance.now()
    const timings = await seedCases(database.db, secrets, sizes)
    const seedSeconds = (performance.now() - started) / 1000
    const seeded = await counts(database)
    const slowSteps = timings
      .filter((t) => t.seconds >= 1)
      .map((t) => `${t.step} ${t.seconds.toFixed(0)} s`)
      .join(', ')

    // The advocate whose cases are opened: advocate 1, assigned one case in 50.
    const advocateId = seededId('staff1')
    const principal: Principal = {
      userId: advocateId,
      email: 'advocate1@bench.relais.test',
      displayName: 'Advocate 1',
      role: 'advocate',
      locale: 'en',
      stage: 'active',
      mfaEnrolled: true,
      csrfToken: 'unused',
      tokenHash: 'unused',
    }
    const cookie = await advocateSession(database, advocateId)
    const sample = (
      await sql<{ id: string }>`select w.case_id as id from case_worker w where w.staff_id = ${advocateId}
        order by md5(w.case_id::text) limit ${SAMPLE}`.execute(database.db)
    ).rows.map((r) => r.id)
    const visible = await sql<{
      n: number
    }>`select count(*)::int as n from case_worker where staff_id = ${advocateId}`.execute(database.db)

    const port = await serveInChild(postgres.url, key.toString('base64'), dataDir)
    started = performance.now()
    await untilIdle(database)
    const idleSeconds = (performance.now() - started) / 1000

    const lanesOf = [1, settings.connections]
    const get = getter(port, cookie, settings.connections * 3)
    const random = seededRandom(20211)
    const anyCase = () => sample[Math.floor(random.next() * sample.length)]!

    // One opening, checked: the whole case screen as the API returns it.
    const probe = sample[0]!
    const screenBody = await get(requestPath.screen(probe))
    const screenBytes = screenBody.length
    const screen = JSON.parse(screenBody) as {
      case: { signals: unknown[]; people: unknown[] }
      escalations: unknown[]
      evaluation: { kinds: unknown[] }
      referrals: unknown[]
    }
    if (
      screen.case.signals.length === 0 ||
      !Array.isArray(screen.referrals) ||
      !screen.evaluation.kinds.length
    )
      throw new Error(
        `GET ${requestPath.screen(probe)} does not hold the case's signals, verdicts and referrals`,
      )
    const withReferrals = (
      await Promise.all(sample.slice(0, 50).map(async (id) => JSON.parse(await get(requestPath.screen(id)))))
    ).filter((answer: { referrals: unknown[] }) => answer.referrals.length > 0).length

    const captured = await captureOpenings(database, secrets, principal, sample)
    const statementsPerOpening =
      [...captured.values()].reduce((sum, record) => sum + record.reads.length, 0) / captured.size
    const auditsPerOpening = captured.get(probe)!.audit

    const inOneRequest = async () => {
      await get(requestPath.screen(anyCase()))
      return {}
    }
    const inFourRequests = async () => {
      const parts: Record<string, number> = {}
      const timed = async (request: SeparateRequest, caseId: string) => {
        const sent = performance.now()
        await get(requestPath[request](caseId))
        parts[request] = performance.now() - sent
      }
      const caseId = anyCase()
      await timed('case', caseId)
      await Promise.all(separateRequests.slice(1).map((request) => timed(request, caseId)))
      return parts
    }
    const audit = { actorId: advocateId, actorLabel: 'bench', address: '127.0.0.1', requestId: null }
    const replay = (withAudit: boolean) => async () => {
      const record = captured.get(anyCase())!
      await database.db.transaction().execute(async (trx) => {
        for (const statement of record.reads) await trx.executeQuery(statement)
        if (withAudit) await appendAuditEvent(trx, audit, { action: 'bench.replayed' })
      })
      return {}
    }

    const rows: Row[] = []
    const verdicts: string[] = []
    const summary: string[] = []
    for (const lanes of lanesOf) {
      const opening = await closedLoop(lanes, inOneRequest)
      const reads = await closedLoop(lanes, replay(false))
      const withAudit = await closedLoop(lanes, replay(true))
      const before = await closedLoop(lanes, inFourRequests)
      rows.push(
        row(`HTTP: GET ${requestPath.screen(':id')} (the whole screen)`, lanes, opening.total, opening),
      )
      rows.push(row('SQL: the same openings’ statements, replayed', lanes, reads.total, reads))
      rows.push(row('SQL: those and the audit append', lanes, withAudit.total, withAudit))
      rows.push(row('HTTP, for comparison: the 4 requests of before', lanes, before.total, before))
      if (lanes === 1)
        for (const request of separateRequests)
          rows.push(
            row(`  HTTP: GET ${requestPath[request](':id')}`, lanes, before.parts.get(request)!, before),
          )
      const p95 = percentile(opening.total, 95)
      const beforeP95 = percentile(before.total, 95)
      const conns = `${lanes} conn${lanes > 1 ? 's' : ''}`
      verdicts.push(
        lanes === 1
          ? `${conns}: opening p95 ${round(p95)} ms, target ≤ ${TARGET_P95_MS} ms ${p95 <= TARGET_P95_MS ? 'MET' : 'MISSED'} (the 4 requests of before: p95 ${round(beforeP95)} ms)`
          : `${conns}: opening p95 ${round(p95)} ms (the 4 requests of before: p95 ${round(beforeP95)} ms), for comparison: ${lanes} advocates opening at once`,
      )
      summary.push(
        `${conns}: HTTP p50 ${round(percentile(opening.total, 50))} ms against ${round(percentile(reads.total, 50))} ms for the statements alone (${round(percentile(opening.total, 50) / percentile(reads.total, 50), 1)}x) and ${round(percentile(withAudit.total, 50))} ms with the audit append`,
      )
    }
    const errors = rows.reduce((sum, r) => sum + Number(r.errors ?? 0), 0)
    return {
      rows,
      notes: [
        ...verdicts,
        ...summary,
        `seeded ${n(SIGNALS)} signals (${n(caseSignalsOf(sizes))} in cases; ${n(seeded.intake_message!)} messages), ${n(CASES)} cases with ${n(seeded.case_person!)} people, ${n(seeded.case_need!)} needs, ${n(seeded.case_note!)} notes, ${n(seeded.case_referral!)} referrals and ${n(seeded.case_escalation!)} escalations, in ${seedSeconds.toFixed(0)} s set-based${slowSteps ? ` (${slowSteps})` : ''}, then ANALYZE; sealed columns hold one value per column, sealed once with the server's key`,
        `the advocate sees ${n(visible.rows[0]!.n)} cases; openings drawn at random from ${sample.length} of them (${withReferrals} of the first 50 with referrals); an opening runs ${round(statementsPerOpening, 1)} SQL statement(s) in one transaction plus ${auditsPerOpening} of audit (its insert; sealed into the chain after commit), captured as the server's service compiles them for each of those cases (the first case checked: ${screen.case.signals.length} signal(s), ${screen.case.people.length} person record(s), ${screen.escalations.length} escalation(s) and ${screen.referrals.length} referral(s) in ${n(screenBytes)} bytes)`,
        `\`relais serve\` in a child process (NODE_ENV=production, log level ${LOG_LEVEL}), its start-up work (retention's first pass) over ${idleSeconds.toFixed(1)} s before measuring; SQL replayed from this process through a pool of 10, an opening's statements in one transaction, as the service runs them`,
        `closed loop, ${settings.durationMs} ms per measurement after ${settings.warmupMs} ms of warm-up; throwaway cluster with fsync off`,
        ...(errors > 0 ? [`WARNING: ${errors} opening(s) failed`] : []),
      ],
    }
  },
})
