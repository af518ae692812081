import type { RelaisModule } from '../modules.ts'
import { registerEmailIntake } from './email/email.intake.ts'
import { IntakeBus } from './events.ts'
import { registerFormRoutes } from './form/form.routes.ts'
import { registerWebhookRoutes } from './intake.webhooks.ts'
import { Router } from './routing.ts'
import { routingPolicy } from './signals.ts'
import { registerVoice } from './voice/voice.routes.ts'

/** Intake: every channel's inbound signals and their messages, stored before they are acknowledged. */
export const intakeModule: RelaisModule = {
  name: 'intake',
  async registerRoutes(app, deps) {
    // One LISTEN per process; the router and every socket hear the contact centre through it.
    const bus = new IntakeBus()
    await bus.start(deps.database)
    const router = new Router(deps.database, routingPolicy(deps.env))
    router.start(bus)
    app.addHook('onClose', async () => {
      await router.stop()
      await bus.stop()
    })
    // The webhooks parse bodies their own way: kept in a scope of their own.
    await app.register(async (scope) => registerWebhookRoutes(scope, deps))
    // The phone line: its webhooks, and the calls Relais places as signals on the bus change.
    await registerVoice(app, deps, bus)
    registerFormRoutes(app, deps)
    // The SMTP listener, when configured, starts and stops with the app.
    registerEmailIntake(app, deps)
  },
}
