import type { RelaisModule } from '../modules.ts'
import { seedDemoCases } from './cases.demo.ts'
import { registerExportPart } from './cases.export.ts'
import { registerCaseRoutes } from './cases.routes.ts'
import { registerCloseCheck } from './close-checks.ts'
import { canSeeCase } from './protocols/case-access.ts'
import { escalationCloseCheck } from './protocols/close-check.ts'
import { registerEscalationRoutes } from './protocols/escalations.routes.ts'
import { exportReferrals } from './referrals/referrals.export.ts'
import { purgeReferrals } from './referrals/referrals.retention.ts'
import { registerReferralRoutes } from './referrals/referrals.routes.ts'
import {
  purgeExpiredPersonalData,
  registerCasePurge,
  retentionPolicy,
  scheduleRetention,
} from './retention.ts'
import { registerCaseScreenRoutes } from './screen/case-screen.routes.ts'

/** Case management: cases gathering signals, safety first, every answer optional (ADR 008). */
export const casesModule: RelaisModule = {
  name: 'cases',
  seedDemo: (context) => seedDemoCases(context),
  registerRoutes(app, deps) {
    registerCaseRoutes(app, deps)
    // Retention: purged once the app is ready, then daily (a timer, never a request's work).
    const policy = retentionPolicy(deps.env)
    let retention: ReturnType<typeof scheduleRetention> | undefined
    app.addHook('onReady', async () => {
      retention = scheduleRetention(
        () => purgeExpiredPersonalData(deps, policy),
        (error) => app.log.error({ err: error }, 'retention purge failed'),
      )
    })
    app.addHook('onClose', async () => retention?.stop())
    // Escalations by protocol, and the rule that a case cannot close while a required
    // child-protection report is not recorded.
    registerEscalationRoutes(app, deps, { canSeeCase })
    registerCloseCheck(escalationCloseCheck)
    // Referrals of needs to directory services, their outcomes and follow-ups; their free text
    // goes with the rest of a long-closed case's personal data, and into the case's export.
    registerReferralRoutes(app, deps)
    registerCasePurge(purgeReferrals)
    registerExportPart(exportReferrals)
    // The case screen in one request: the case, its escalations, verdicts and referrals at once.
    registerCaseScreenRoutes(app, deps)
  },
}
