import type { RelaisModule } from '../modules.ts'
import { registerCaseRoutes } from './cases.routes.ts'

/** Case management: cases gathering signals, safety first, every answer optional (ADR 008). */
export const casesModule: RelaisModule = {
  name: 'cases',
  registerRoutes: (app, deps) => registerCaseRoutes(app, deps),
}
