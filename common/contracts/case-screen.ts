import { z } from 'zod'
import { caseDetail } from './cases.ts'
import { escalationView, evaluationResponse } from './escalations.ts'
import { referralView } from './referrals.ts'

/**
 * Everything the console's case screen shows when it opens, in one answer: the case with all its
 * sections, its escalations, what the protocol in force asks of it now (consent not asked, no
 * imminent danger recorded) and its referrals. Read in one transaction, audited as one read.
 */
export const caseScreenQuery = z.strictObject({
  lang: z.enum(['en', 'fr']).optional().describe('The language of bilingual data (default: the caller’s)'),
})

export const caseScreen = z.object({
  case: caseDetail,
  escalations: z.array(escalationView).describe('Oldest first, each with its steps'),
  evaluation: evaluationResponse,
  referrals: z.array(referralView).describe('Oldest first, each with its outcome history'),
})
export type CaseScreen = z.infer<typeof caseScreen>
