import type { RelaisModule } from '../modules.ts'
import { registerCaseRoutes } from './cases.routes.ts'
import { registerCloseCheck } from './close-checks.ts'
import { canSeeCase } from './protocols/case-access.ts'
import { escalationCloseCheck } from './protocols/close-check.ts'
import { registerEscalationRoutes } from './protocols/escalations.routes.ts'

/** Case management: cases gathering signals, safety first, every answer optional (ADR 008). */
export const casesModule: RelaisModule = {
  name: 'cases',
  registerRoutes(app, deps) {
    registerCaseRoutes(app, deps)
    // Escalations by protocol, and the rule that a case cannot close while a required
    // child-protection report is not recorded.
    registerEscalationRoutes(app, deps, { canSeeCase })
    registerCloseCheck(escalationCloseCheck)
  },
}
