import type { Database } from '../db/database.ts'
import { AppError, invalidField, notFound } from '../http/errors.ts'
import type { Actor, CasesService } from './cases.service.ts'

/** What the advocate asked, at wrap-up, for the conversation's case: an existing one, or a new one. */
export interface WrapUpCase {
  caseId?: string | undefined
  openCase?: boolean | undefined
}

/**
 * The seam between a conversation's wrap-up and case work: the signal joins the case the advocate
 * names (one they may see) or a case opened from it, through the cases service (which checks, links
 * and audits). It runs before the wrap-up itself is saved, and only for a signal the caller is
 * wrapping up, so a refused case (unknown, not theirs, closed) leaves the wrap-up undone and nothing
 * changed; returns null when no case was asked for.
 */
export async function caseAtWrapUp(
  { database, cases }: { database: Database; cases: CasesService },
  actor: Actor,
  signalId: string,
  wanted: WrapUpCase,
): Promise<{ caseId: string; linked: boolean } | null> {
  if (wanted.caseId && wanted.openCase) throw invalidField('openCase', 'one_case_choice')
  if (!wanted.caseId && !wanted.openCase) return null
  const signal = await database.db
    .selectFrom('intake_signal')
    .select(['advocate_id', 'status'])
    .where('id', '=', signalId)
    .executeTakeFirst()
  if (!signal || signal.advocate_id !== actor.viewer.staffId) throw notFound('signal')
  if (signal.status !== 'wrap_up') throw new AppError('signal_state', 409)
  if (wanted.caseId) {
    return { caseId: wanted.caseId, linked: await cases.attachSignal(actor, wanted.caseId, signalId) }
  }
  return { caseId: await cases.createCase(actor, signalId), linked: true }
}
