import type { CloseCheck } from '../close-checks.ts'
import { requiredOpenEscalations } from './escalations.service.ts'

/**
 * A case cannot close while its protocol requires a child-protection report that no completed
 * escalation records, or while someone's age band spans the child-protection age and is not
 * confirmed: each objection names `escalations.child_protection`.
 */
export const escalationCloseCheck: CloseCheck = async (trx, { caseId, now }) =>
  (await requiredOpenEscalations(trx, caseId, now)).map((blocker) => ({
    path: `escalations.${blocker.kind}`,
    code: blocker.code,
    message: '',
  }))
