import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.ts'
import type { Principal } from '../../identity/identity.service.ts'
import { caseVisibility } from '../cases.policy.ts'

/**
 * Whether a staff member may see a case, by the cases module's own visibility rule (the same
 * predicate its queries use), so an escalation route never reaches a case its screen would hide.
 */
export async function canSeeCase(trx: Kysely<DB>, principal: Principal, caseId: string): Promise<boolean> {
  const row = await trx
    .selectFrom('case_file')
    .select('id')
    .where('id', '=', caseId)
    .where(caseVisibility({ staffId: principal.userId, role: principal.role }, new Date()))
    .executeTakeFirst()
  return row !== undefined
}
