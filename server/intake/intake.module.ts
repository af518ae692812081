import type { RelaisModule } from '../modules.ts'
import { registerWebhookRoutes } from './intake.webhooks.ts'

/** Intake: every channel's inbound signals and their messages, stored before they are acknowledged. */
export const intakeModule: RelaisModule = {
  name: 'intake',
  async registerRoutes(app, deps) {
    // The webhooks parse bodies their own way: kept in a scope of their own.
    await app.register(async (scope) => registerWebhookRoutes(scope, deps))
  },
}
