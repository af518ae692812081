import { auditModule } from './audit/audit.module.ts'
import { casesModule } from './cases/cases.module.ts'
import type { DemoContext } from './demo/demo.ts'
import { directoryModule } from './directory/directory.module.ts'
import type { AppDeps, ZodApp } from './http/app.ts'
import { identityModule } from './identity/identity.module.ts'
import { intakeModule } from './intake/intake.module.ts'
import { reportingModule } from './reporting/reporting.module.ts'
import { sharingModule } from './sharing/sharing.module.ts'
import { surveyModule } from './survey/survey.module.ts'

/**
 * A domain module: its routes, and optionally its share of the demo data. Migrations live in its
 * `migrations/` folder and are found by name. New modules (directory, intake, cases, reporting,
 * sharing, portal) are added to this list.
 */
export interface RelaisModule {
  name: string
  registerRoutes(app: ZodApp, deps: AppDeps): void | Promise<void>
  seedDemo?(context: DemoContext): Promise<void>
}

export const modules: RelaisModule[] = [
  identityModule,
  auditModule,
  directoryModule,
  surveyModule,
  intakeModule,
  casesModule,
  reportingModule,
  sharingModule,
]
