import type { FieldError } from '../../common/contracts/errors.ts'
import type { Viewer } from './cases.policy.ts'
import type { Db } from './cases.store.ts'

/** What a close check is told: the case (already locked by the closing transaction), who closes it. */
export interface CloseCheckContext {
  caseId: string
  viewer: Viewer
  now: Date
}

/**
 * A rule of another module that may keep a case open (a child-protection report not yet recorded):
 * it returns the reasons as field errors (`{ path, code, message: '', values? }`, translated from
 * `errors:field.<code>`), or none. It runs inside the closing transaction, so it sees what that
 * transaction sees and may read with the same handle; it must not write.
 */
export type CloseCheck = (trx: Db, context: CloseCheckContext) => Promise<FieldError[]>

const checks = new Set<CloseCheck>()

/**
 * Adds a check every case closing must pass; returns the function that removes it. Registering the
 * same function twice keeps one, so a module may register at each start of the app.
 */
export function registerCloseCheck(check: CloseCheck): () => void {
  checks.add(check)
  return () => {
    checks.delete(check)
  }
}

/** Every registered check's objections, in registration order. */
export async function runCloseChecks(trx: Db, context: CloseCheckContext): Promise<FieldError[]> {
  const errors: FieldError[] = []
  for (const check of checks) errors.push(...(await check(trx, context)))
  return errors
}
