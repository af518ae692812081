import type { Database } from '../../db/database.ts'
import type { TwilioCalls } from './twilio-calls.ts'
import { claimExpiredRecordings, markRecordingDeleted } from './voice.store.ts'

/** Recordings deleted per round; the next round takes the rest. */
const BATCH = 100
/** A claim older than this was left by a process that stopped midway, and is taken again. */
const STALE_CLAIM_MS = 10 * 60_000

export interface RecordingPurge {
  database: Database
  calls: Pick<TwilioCalls, 'deleteRecording'>
  retentionDays: number
}

/**
 * Deletes the recordings older than the retention period where they are kept: at Twilio, through its
 * API (`DELETE /2010-04-01/Accounts/{AccountSid}/Recordings/{Sid}.json`). A recording counts as deleted
 * once Twilio confirms it (or no longer has it); one Twilio fails to delete is tried again next round.
 * Each recording is claimed first, so several processes never delete the same one twice.
 */
export async function purgeExpiredRecordings(
  purge: RecordingPurge,
  now = new Date(),
): Promise<{ deleted: number; failed: number }> {
  const before = new Date(now.getTime() - purge.retentionDays * 86_400_000)
  const stale = new Date(now.getTime() - STALE_CLAIM_MS)
  let deleted = 0
  let failed = 0
  for (;;) {
    const sids = await claimExpiredRecordings(purge.database.db, before, stale, now, BATCH)
    for (const sid of sids) {
      try {
        await purge.calls.deleteRecording(sid)
        await markRecordingDeleted(purge.database.db, sid, new Date())
        deleted += 1
      } catch {
        failed += 1
      }
    }
    if (sids.length < BATCH) return { deleted, failed }
  }
}
