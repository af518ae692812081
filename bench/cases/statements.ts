// The SQL an opening of a case runs, captured as the server's own services compile it, to replay
// straight on PostgreSQL beside the HTTP figures.
import type { CompiledQuery, KyselyPlugin } from 'kysely'
import { createCasesService } from '../../server/cases/cases.service.ts'
import { canSeeCase } from '../../server/cases/protocols/case-access.ts'
import { createEscalationService } from '../../server/cases/protocols/escalations.service.ts'
import { createReferralService } from '../../server/cases/referrals/referrals.service.ts'
import { loadEnv } from '../../server/config/env.ts'
import type { Secrets } from '../../server/crypto/secrets.ts'
import type { Database } from '../../server/db/database.ts'
import { createTranslator } from '../../server/http/i18n.ts'
import type { Principal } from '../../server/identity/identity.service.ts'

/** The requests the case screen makes to open a case: the case first, then three side by side. */
export const openingRequests = ['case', 'escalations', 'evaluation', 'referrals'] as const
export type OpeningRequest = (typeof openingRequests)[number]

export const requestPath: Record<OpeningRequest, (caseId: string) => string> = {
  case: (id) => `/api/cases/${id}`,
  escalations: (id) => `/api/cases/${id}/escalations`,
  evaluation: (id) => `/api/cases/${id}/escalations/evaluation`,
  referrals: (id) => `/api/cases/${id}/referrals`,
}

/** A request's statements: the reads, and the audit append's (lock, chain head, insert). */
export interface Captured {
  reads: CompiledQuery[]
  audit: number
}

const isAudit = (query: CompiledQuery) => /pg_advisory_xact_lock|"audit_event"/.test(query.sql)

/**
 * Runs the four requests' service calls for each case in this process, through a plugin that records
 * every statement as compiled and passes it on unchanged: per case and request, the statements the
 * stores ran for that very case.
 */
export async function captureOpenings(
  database: Database,
  secrets: Secrets,
  principal: Principal,
  caseIds: readonly string[],
  dataDir: string,
): Promise<Map<string, Record<OpeningRequest, Captured>>> {
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
  const translator = await createTranslator()
  const audit = { actorId: principal.userId, actorLabel: 'bench', address: '127.0.0.1', requestId: null }
  const viewer = { staffId: principal.userId, role: principal.role }
  const cases = createCasesService({ database: captured, secrets })
  const escalations = createEscalationService({ database: captured, secrets, translator, canSeeCase })
  const referrals = createReferralService({
    database: captured,
    secrets,
    translator,
    env: loadEnv({ NODE_ENV: 'test', RELAIS_DATA_DIR: dataDir, RELAIS_LOG_LEVEL: 'silent' }),
  })
  const calls: Record<OpeningRequest, (caseId: string) => Promise<unknown>> = {
    case: (id) => cases.read({ viewer, audit }, id),
    escalations: (id) => escalations.list({ principal, audit, locale: 'en' }, id),
    evaluation: (id) =>
      escalations.evaluate({ principal, audit, locale: 'en' }, id, {
        consent: 'not_asked',
        imminentDanger: false,
      }),
    referrals: (id) => referrals.list({ viewer, audit, lang: 'en' }, id),
  }
  const byCase = new Map<string, Record<OpeningRequest, Captured>>()
  for (const caseId of caseIds) {
    const record = {} as Record<OpeningRequest, Captured>
    for (const request of openingRequests) {
      current = []
      await calls[request](caseId)
      record[request] = { reads: current.filter((q) => !isAudit(q)), audit: current.filter(isAudit).length }
    }
    byCase.set(caseId, record)
  }
  return byCase
}
