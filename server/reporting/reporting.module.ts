import type { RelaisModule } from '../modules.ts'
import { registerReportingRoutes } from './reporting.routes.ts'

/** Reporting: the funder's report, analysts' figures and public statistics, from aggregates only. */
export const reportingModule: RelaisModule = {
  name: 'reporting',
  registerRoutes: (app, deps) => registerReportingRoutes(app, deps),
}
