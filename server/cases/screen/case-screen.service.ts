import type { CaseScreen } from '../../../common/contracts/case-screen.ts'
import { type AuditContext, appendAuditEvent } from '../../audit/audit.store.ts'
import type { Secrets } from '../../crypto/secrets.ts'
import type { Database } from '../../db/database.ts'
import { notFound } from '../../http/errors.ts'
import type { Translator } from '../../http/i18n.ts'
import type { Viewer } from '../cases.policy.ts'
import { presentCase } from '../cases.presenter.ts'
import { openedCase } from '../cases.service.ts'
import { factsOf } from '../protocols/case-facts.ts'
import { protocolVersion } from '../protocols/catalogue.ts'
import { presentEscalation } from '../protocols/escalations.presenter.ts'
import {
  evaluateCase,
  evaluationAudit,
  presentCaseEvaluation,
  withShipped,
} from '../protocols/escalations.service.ts'
import { adminProtocol, reportedPeopleIn } from '../protocols/escalations.store.ts'
import { presentReferral } from '../referrals/referrals.presenter.ts'
import { loadCaseScreen } from './case-screen.store.ts'

/**
 * Opening a case as the console's case screen shows it: the case, its escalations, the protocol's
 * verdicts and its referrals, read in one statement through the viewer's visibility (a case they may
 * not see is the same 404 as one that does not exist), in one transaction with one audit event that
 * names every part read.
 */

export interface CaseScreenDeps {
  database: Database
  secrets: Secrets
  translator: Translator
  now?: () => Date
}

/** Who opens the case, the request's audit context, its locale and the language of bilingual data. */
export interface Actor {
  viewer: Viewer
  audit: AuditContext
  locale: string
  lang: 'en' | 'fr'
}

/** What the screen's evaluation assumes: the advocate has reported neither consent nor danger yet. */
const openingFlags = { consent: 'not_asked', imminentDanger: false } as const

export function createCaseScreenService(deps: CaseScreenDeps) {
  const { database, secrets, translator } = deps
  const clock = deps.now ?? (() => new Date())

  return {
    /** The whole case screen for the viewer, read and audited in one transaction. */
    async open(actor: Actor, caseId: string): Promise<CaseScreen> {
      return database.db.transaction().execute(async (trx) => {
        const now = clock()
        const rows = await loadCaseScreen(trx, actor.viewer, caseId, now)
        if (!rows) throw notFound('case')
        const opened = openedCase(secrets, rows)
        const protocols = withShipped(rows.protocols.map(adminProtocol))
        const evaluation = evaluateCase(
          protocols,
          factsOf(rows.file, rows.parts.people),
          openingFlags,
          now,
          reportedPeopleIn(rows.escalations),
        )
        const screen: CaseScreen = {
          case: presentCase(opened, actor.viewer),
          escalations: rows.escalations.map((detail) => {
            const { protocol_id: id, protocol_version: version } = detail.row
            const protocol = protocolVersion(protocols, id, version)
            if (!protocol) throw new Error(`escalation ${detail.row.id} names unknown protocol ${id}`)
            return presentEscalation(detail, protocol, secrets, actor.lang)
          }),
          evaluation: presentCaseEvaluation(evaluation, translator, actor.locale, actor.lang),
          referrals: rows.referrals.map((detail) => presentReferral(detail, secrets, rows.staff, actor.lang)),
        }
        await appendAuditEvent(trx, actor.audit, {
          action: 'case.read',
          entityType: 'case_file',
          entityId: caseId,
          details: {
            caseNumber: rows.file.case_number,
            sections: ['case', 'escalations', 'evaluation', 'referrals'],
            people: opened.people.length,
            notes: opened.notes.length,
            escalations: rows.escalations.length,
            referrals: rows.referrals.length,
            ...evaluationAudit(evaluation),
            ...(opened.breakGlass ? { breakGlass: true } : {}),
          },
        })
        return screen
      })
    },
  }
}

export type CaseScreenService = ReturnType<typeof createCaseScreenService>
