import { sql } from 'kysely'
import { type AuditContext, appendAuditEvent } from '../audit/audit.store.ts'
import type { Env } from '../config/env.ts'
import type { Secrets } from '../crypto/secrets.ts'
import type { Database } from '../db/database.ts'
import type { Db } from './cases.store.ts'

/**
 * Retention: personal data is kept only as long as it serves the person. Signals not about
 * trafficking (and not part of a case) lose theirs `nonTraffickingDays` after they ended; closed
 * cases, and their signals, `closedCaseYears` after closing. Rows stay with what reports count
 * (a signal's channel, times and classification; a case's codes, province, people's roles, age
 * bands and the like): message bodies and attachments, contact addresses, safe-contact preferences,
 * notes, plans and descriptions go, each batch audited. Runs at start and then daily.
 */

export interface RetentionPolicy {
  nonTraffickingDays: number
  closedCaseYears: number
}

export function retentionPolicy(env: Env): RetentionPolicy {
  return {
    nonTraffickingDays: env.RELAIS_RETENTION_NON_TRAFFICKING_DAYS,
    closedCaseYears: env.RELAIS_RETENTION_CLOSED_CASE_YEARS,
  }
}

/** Another module's share of a case's purge (escalation notes, referral letters), in its transaction. */
export type CasePurgePart = (trx: Db, caseIds: string[]) => Promise<void>
const purgeParts = new Set<CasePurgePart>()

/** Adds a part to every case purge; returns the function that removes it. */
export function registerCasePurge(part: CasePurgePart): () => void {
  purgeParts.add(part)
  return () => {
    purgeParts.delete(part)
  }
}

const BATCH = 200
const DAY = 86_400_000
const system: AuditContext = { actorId: null, actorLabel: 'retention', address: null, requestId: null }

/** Removes the personal data of these signals: bodies, attachments, raw deliveries, addresses. */
async function purgeSignals(trx: Db, secrets: Secrets, signalIds: string[], now: Date): Promise<void> {
  if (signalIds.length === 0) return
  const contacts = await trx
    .selectFrom('intake_signal')
    .select('contact_id')
    .where('id', 'in', signalIds)
    .where('contact_id', 'is not', null)
    .execute()
  await trx
    .deleteFrom('intake_attachment')
    .where('message_id', 'in', (eb) =>
      eb.selectFrom('intake_message').select('id').where('signal_id', 'in', signalIds),
    )
    .execute()
  await sql`delete from intake_webhook_event e using intake_message m
    where m.signal_id in (${sql.join(signalIds)}) and e.provider = m.provider and e.external_id = m.external_id`.execute(
    trx,
  )
  await trx
    .updateTable('intake_message')
    .set({ body_sealed: null, media: '[]' })
    .where('signal_id', 'in', signalIds)
    .execute()
  await trx
    .updateTable('intake_email_message')
    .set({
      subject_sealed: null,
      contact_id: null,
      thread_sealed: secrets.seal(JSON.stringify({ messageId: '', references: [] })),
    })
    .where('signal_id', 'in', signalIds)
    .execute()
  await trx
    .updateTable('intake_form_submission')
    .set({ contact_sealed: null, safe_contact_sealed: null })
    .where('signal_id', 'in', signalIds)
    .execute()
  await trx
    .updateTable('intake_voice_call')
    .set({ contact_id: null })
    .where('signal_id', 'in', signalIds)
    .execute()
  await trx
    .updateTable('intake_signal')
    .set({ contact_id: null, visitor_token_hash: null })
    .where('id', 'in', signalIds)
    .execute()
  // A contact no longer behind any signal, email or call is forgotten, address and all.
  const contactIds = [...new Set(contacts.map((row) => row.contact_id as string))]
  if (contactIds.length > 0) {
    await trx
      .deleteFrom('intake_contact as c')
      .where('c.id', 'in', contactIds)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(selectFrom('intake_signal').select('id').whereRef('intake_signal.contact_id', '=', 'c.id')),
        ),
      )
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('intake_email_message')
              .select('message_id')
              .whereRef('intake_email_message.contact_id', '=', 'c.id'),
          ),
        ),
      )
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('intake_voice_call')
              .select('call_sid')
              .whereRef('intake_voice_call.contact_id', '=', 'c.id'),
          ),
        ),
      )
      .execute()
  }
  await trx
    .insertInto('case_purged_signal')
    .values(signalIds.map((signal_id) => ({ signal_id, purged_at: now })))
    .onConflict((oc) => oc.column('signal_id').doNothing())
    .execute()
}

/** Removes the personal data of these closed cases, keeping their codes for the counts. */
async function purgeCases(trx: Db, secrets: Secrets, caseIds: string[], now: Date): Promise<void> {
  // The one transaction allowed past the notes' append-only trigger.
  await sql`select set_config('relais.purging', 'on', true)`.execute(trx)
  await trx.deleteFrom('case_note').where('case_id', 'in', caseIds).execute()
  await trx
    .updateTable('case_file')
    .set({
      safety_plan_sealed: null,
      closure_reason_sealed: null,
      municipality: null,
      municipality_answer: sql`case when municipality_answer = 'given' then 'unknown' else municipality_answer end`,
      purged_at: now,
    })
    .where('id', 'in', caseIds)
    .execute()
  // An exact age becomes its band; everything sealed about a person or an exploiter goes.
  await sql`update case_person set
      age_band = case
        when age_years is null then age_band
        when age_years < 12 then 'under_12' when age_years < 16 then '12_15' when age_years < 18 then '16_17'
        when age_years < 25 then '18_24' when age_years < 35 then '25_34' when age_years < 45 then '35_44'
        when age_years < 55 then '45_54' when age_years < 65 then '55_64' else '65_plus' end,
      age_years = null,
      safe_contact_sealed = null
    where case_id in (${sql.join(caseIds)})`.execute(trx)
  await trx
    .updateTable('case_exploiter')
    .set({ features_sealed: null })
    .where('case_id', 'in', caseIds)
    .execute()
  for (const part of purgeParts) await part(trx, caseIds)
  const signals = await trx
    .selectFrom('case_signal')
    .select('signal_id')
    .where('case_id', 'in', caseIds)
    .where('signal_id', 'not in', (eb) => eb.selectFrom('case_purged_signal').select('signal_id'))
    // A signal also linked to a case still kept waits for that case.
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('case_signal as other')
            .innerJoin('case_file', 'case_file.id', 'other.case_id')
            .select('other.case_id')
            .whereRef('other.signal_id', '=', 'case_signal.signal_id')
            .where('case_file.purged_at', 'is', null),
        ),
      ),
    )
    .execute()
  await purgeSignals(
    trx,
    secrets,
    signals.map((row) => row.signal_id),
    now,
  )
}

/** Signals purged on their own (a closed case's signals count with the case), and cases. */
export interface PurgeResult {
  signals: number
  cases: number
}

/**
 * Purges what is past its retention, in batches of one transaction each, rows claimed with
 * `FOR UPDATE SKIP LOCKED` so two processes never purge the same ones; each batch is audited.
 */
export async function purgeExpiredPersonalData(
  deps: { database: Database; secrets: Secrets },
  policy: RetentionPolicy,
  now = new Date(),
): Promise<PurgeResult> {
  const signalsBefore = new Date(now.getTime() - policy.nonTraffickingDays * DAY)
  const casesBefore = new Date(now)
  casesBefore.setUTCFullYear(casesBefore.getUTCFullYear() - policy.closedCaseYears)
  const total: PurgeResult = { signals: 0, cases: 0 }

  for (;;) {
    const purged = await deps.database.db.transaction().execute(async (trx) => {
      const signals = await trx
        .selectFrom('intake_signal as s')
        .select('s.id')
        .where('s.status', 'in', ['ended', 'abandoned'])
        .where((eb) =>
          eb.or([eb('s.classification', 'is', null), eb('s.classification', '!=', 'trafficking')]),
        )
        .where(sql<Date>`coalesce(s.wrap_up_ended_at, s.ended_at, s.abandoned_at)`, '<', signalsBefore)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('case_signal').select('case_id').whereRef('case_signal.signal_id', '=', 's.id'),
            ),
          ),
        )
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('case_purged_signal')
                .select('signal_id')
                .whereRef('case_purged_signal.signal_id', '=', 's.id'),
            ),
          ),
        )
        .orderBy('s.id')
        .limit(BATCH)
        .forUpdate()
        .skipLocked()
        .execute()
      const cases = await trx
        .selectFrom('case_file')
        .select('id')
        .where('status', '=', 'closed')
        .where('purged_at', 'is', null)
        .where('closed_at', '<', casesBefore)
        .orderBy('id')
        .limit(BATCH)
        .forUpdate()
        .skipLocked()
        .execute()
      if (signals.length === 0 && cases.length === 0) return null
      await purgeSignals(
        trx,
        deps.secrets,
        signals.map((row) => row.id),
        now,
      )
      if (cases.length > 0) {
        await purgeCases(
          trx,
          deps.secrets,
          cases.map((row) => row.id),
          now,
        )
      }
      await appendAuditEvent(trx, system, {
        action: 'retention.purged',
        details: {
          signals: signals.length,
          cases: cases.length,
          caseIds: cases.map((row) => row.id),
          nonTraffickingDays: policy.nonTraffickingDays,
          closedCaseYears: policy.closedCaseYears,
        },
      })
      return { signals: signals.length, cases: cases.length }
    })
    if (!purged) return total
    total.signals += purged.signals
    total.cases += purged.cases
  }
}

/** Runs the purge once soon after start, then every day; `stop` cancels the next run. */
export function scheduleRetention(
  run: () => Promise<unknown>,
  onError: (error: unknown) => void,
  intervalMs = DAY,
): { stop(): Promise<void> } {
  let timer: NodeJS.Timeout | null = null
  let running: Promise<unknown> | null = null
  let stopped = false
  const tick = () => {
    running = run()
      .catch(onError)
      .finally(() => {
        running = null
        if (!stopped) timer = setTimeout(tick, intervalMs).unref()
      })
  }
  timer = setTimeout(tick, 0).unref()
  return {
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      await running
    },
  }
}
