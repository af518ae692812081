import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSecrets } from '../../server/crypto/secrets.ts'
import { createTestDatabase, type TestDatabase } from '../support/database.ts'
import { newEncryptionKey, type RelaisProcess, startRelaisProcess } from '../support/processes.ts'
import { type InboundSms, messageSid, signedSms } from '../support/twilio.ts'

/**
 * Durable before acknowledged, proven the hard way: a stream of signed SMS webhooks from many
 * senders, `relais serve` killed with SIGKILL in the middle of it (twice), a new process started on
 * the same database, and Twilio's behaviour imitated: whatever was not answered 2xx is sent again
 * until it is. Every message Twilio was told was received must be stored, and none twice.
 */

const TOKEN = 'twilio_test_token_0123456789abcdef'
const PUBLIC = 'https://hotline.example.org'
const SMS_URL = `${PUBLIC}/webhooks/twilio/sms`
const MESSAGES = 1500
const SENDERS = 150
const LANES = 8
/** Acknowledged messages after which the serving process is killed. */
const CRASH_AFTER = [300, 800]

let database: TestDatabase
const processes: RelaisProcess[] = []

beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(async () => {
  await Promise.all(processes.map((process) => process.stop()))
  await database?.close()
})

describe('SMS intake across crashes of the serving process', () => {
  it('stores every acknowledged message exactly once, whatever was in flight when it died', async () => {
    const key = newEncryptionKey()
    const start = async () => {
      const started = await startRelaisProcess({
        DATABASE_URL: database.url,
        RELAIS_ENCRYPTION_KEY: key,
        TWILIO_AUTH_TOKEN: TOKEN,
        RELAIS_PUBLIC_URL: PUBLIC,
        RELAIS_INTAKE_SENDER_PER_MINUTE: '10000',
      })
      processes.push(started)
      return started
    }

    const messages: InboundSms[] = Array.from({ length: MESSAGES }, (_, i) => ({
      sid: messageSid(),
      from: `+1438555${String(i % SENDERS).padStart(4, '0')}`,
      body: `message ${i} from sender ${i % SENDERS}: j’ai besoin d’aide`,
    }))
    const bySid = new Map(messages.map((message) => [message.sid, message]))
    const requests = new Map(messages.map((message) => [message.sid, signedSms(TOKEN, SMS_URL, message)]))

    // The ledger: every MessageSid Twilio got a 2xx for.
    const ledger = new Set<string>()
    const waiting = [...messages]
    const statuses = new Map<string, number>()
    let target = await start()
    let inFlight = 0
    let failedAttempts = 0
    const inFlightAtCrash: number[] = []
    let crashes = 0
    let restarts: Promise<void> = Promise.resolve()
    const deadline = Date.now() + 150_000

    const crashIfDue = () => {
      if (crashes >= CRASH_AFTER.length || ledger.size < CRASH_AFTER[crashes]!) return
      crashes += 1
      inFlightAtCrash.push(inFlight)
      const victim = target
      // Killed right now, with the other lanes' requests in flight; the senders keep knocking on
      // the dead address (refused) until the new process answers there instead.
      const killed = victim.crash()
      restarts = restarts.then(async () => {
        await killed
        target = await start()
      })
    }

    const lane = async () => {
      while (ledger.size < MESSAGES) {
        if (Date.now() > deadline) throw new Error(`stream not done: ${ledger.size}/${MESSAGES} acknowledged`)
        const message = waiting.shift()
        if (!message) {
          // The rest is in flight on other lanes; one of them may yet need a retry.
          await sleep(10)
          continue
        }
        const request = requests.get(message.sid)!
        inFlight += 1
        let status = 0
        try {
          const response = await fetch(`${target.origin}/webhooks/twilio/sms`, {
            method: 'POST',
            headers: request.headers,
            body: request.body,
            signal: AbortSignal.timeout(20_000),
          })
          await response.arrayBuffer()
          status = response.status
        } catch {
          status = 0
        } finally {
          inFlight -= 1
        }
        if (status >= 200 && status < 300) {
          ledger.add(message.sid)
          crashIfDue()
        } else {
          failedAttempts += 1
          if (status !== 0) statuses.set(message.sid, status)
          waiting.push(message)
          await sleep(20)
        }
      }
    }
    await Promise.all(Array.from({ length: LANES }, lane))
    await restarts

    expect(crashes).toBe(CRASH_AFTER.length)
    // The kills did interrupt work: requests were in flight and failed.
    for (const count of inFlightAtCrash) expect(count).toBeGreaterThan(0)
    expect(failedAttempts).toBeGreaterThan(0)
    // Only the dead process made requests fail: the living ones answered every retry with a 2xx.
    expect([...statuses.values()]).toEqual([])
    expect(ledger.size).toBe(MESSAGES)

    const rows = await database.db
      .selectFrom('intake_message')
      .select(['external_id', 'signal_id', 'seq', 'body_sealed'])
      .where('provider', '=', 'twilio')
      .execute()
    const stored = new Map<string, number>()
    for (const row of rows) stored.set(row.external_id, (stored.get(row.external_id) ?? 0) + 1)
    const missing = [...ledger].filter((sid) => !stored.has(sid))
    const duplicated = [...stored].filter(([, count]) => count > 1).map(([sid]) => sid)
    const unknown = [...stored.keys()].filter((sid) => !bySid.has(sid))
    expect(missing).toEqual([])
    expect(duplicated).toEqual([])
    expect(unknown).toEqual([])
    expect(rows).toHaveLength(new Set(messages.map((message) => message.sid)).size)

    // What was stored is what was sent, sealed with the deployment's key.
    const secrets = createSecrets([Buffer.from(key, 'base64')])
    for (const row of rows) expect(secrets.open(row.body_sealed!)).toBe(bySid.get(row.external_id)!.body)

    // One raw event per delivery that was stored, one contact and one conversation per sender, and
    // each conversation's messages numbered 1..n without a gap: no transaction was half-applied.
    const events = await sql<{ n: number; distinct: number }>`
      select count(*)::int as n, count(distinct external_id)::int as distinct
      from intake_webhook_event where provider = 'twilio'`.execute(database.db)
    expect(events.rows[0]).toEqual({ n: MESSAGES, distinct: MESSAGES })
    const contacts = await sql<{ n: number }>`select count(*)::int as n from intake_contact`.execute(
      database.db,
    )
    expect(contacts.rows[0]?.n).toBe(SENDERS)
    const conversations = await sql<{ signals: number; gaps: number }>`
      select count(*)::int as signals,
             count(*) filter (where n <> top or low <> 1)::int as gaps
      from (
        select signal_id, count(*) as n, max(seq) as top, min(seq) as low
        from intake_message group by signal_id
      ) per_signal`.execute(database.db)
    expect(conversations.rows[0]).toEqual({ signals: SENDERS, gaps: 0 })
    const seqs = await sql<{ n: number }>`
      select count(*)::int as n from intake_signal s
      where s.last_seq <> (select count(*) from intake_message m where m.signal_id = s.id)`.execute(
      database.db,
    )
    expect(seqs.rows[0]?.n).toBe(0)
  }, 240_000)
})
