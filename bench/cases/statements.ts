// The SQL an opening of a case runs, captured as the server's own service compiles it, to replay
// straight on PostgreSQL beside the HTTP figures.
import type { CompiledQuery, KyselyPlugin } from 'kysely'
import { createCaseScreenService } from '../../server/cases/screen/case-screen.service.ts'
import type { Secrets } from '../../server/crypto/secrets.ts'
import type { Database } from '../../server/db/database.ts'
import { createTranslator } from '../../server/http/i18n.ts'
import type { Principal } from '../../server/identity/identity.service.ts'

/**
 * The case screen opens with one request; the four it made before (the case, then its escalations,
 * their verdicts and its referrals side by side) are measured beside it for comparison.
 */
export const separateRequests = ['case', 'escalations', 'evaluation', 'referrals'] as const
export type SeparateRequest = (typeof separateRequests)[number]

export const requestPath: Record<'screen' | SeparateRequest, (caseId: string) => string> = {
  screen: (id) => `/api/cases/${id}/screen`,
  case: (id) => `/api/cases/${id}`,
  escalations: (id) => `/api/cases/${id}/escalations`,
  evaluation: (id) => `/api/cases/${id}/escalations/evaluation`,
  referrals: (id) => `/api/cases/${id}/referrals`,
}

/** An opening's statements: the reads, and how many the audit append ran (its insert). */
export interface Captured {
  reads: CompiledQuery[]
  audit: number
}

const isAudit = (query: CompiledQuery) => /"audit_event"/.test(query.sql)

/**
 * Runs the screen's service call for each case in this process, through a plugin that records every
 * statement as compiled and passes it on unchanged: per case, the statements the store ran for that
 * very case.
 */
export async function captureOpenings(
  database: Database,
  secrets: Secrets,
  principal: Principal,
  caseIds: readonly string[],
): Promise<Map<string, Captured>> {
  let current: CompiledQuery[] = []
  const executor = database.db.getExecutor()
  const capture: KyselyPlugin = {
    transformQuery(args) {
      current.push(executor.compileQuery(args.node, args.queryId))
      return args.node
    },
    async transformResult(args) {
      return args.result
    },
  }
  const captured = { ...database, db: database.db.withPlugin(capture) }
  const screens = createCaseScreenService({
    database: captured,
    secrets,
    translator: await createTranslator(),
  })
  const actor = {
    viewer: { staffId: principal.userId, role: principal.role },
    audit: { actorId: principal.userId, actorLabel: 'bench', address: '127.0.0.1', requestId: null },
    locale: 'en',
    lang: 'en' as const,
  }
  const byCase = new Map<string, Captured>()
  for (const caseId of caseIds) {
    current = []
    await screens.open(actor, caseId)
    byCase.set(caseId, { reads: current.filter((q) => !isAudit(q)), audit: current.filter(isAudit).length })
  }
  return byCase
}
