import type { RelaisModule } from '../modules.ts'
import { registerChatRoutes } from './chat.routes.ts'
import type { ConversationDeps } from './conversation.service.ts'
import { registerEmailIntake } from './email/email.intake.ts'
import { IntakeBus } from './events.ts'
import { registerFormRoutes } from './form/form.routes.ts'
import { seedDemoIntake } from './intake.demo.ts'
import { registerWebhookRoutes } from './intake.webhooks.ts'
import { registerOutboundRoutes } from './outbound/outbound.routes.ts'
import { queueOutbound } from './outbound/outbox.ts'
import { startOutbound } from './outbound/start.ts'
import { Router } from './routing.ts'
import { routingPolicy } from './signals.ts'
import { registerVoice } from './voice/voice.routes.ts'
import { registerWorkspaceRoutes } from './workspace.routes.ts'

/** Intake: every channel's inbound signals and their messages, stored before they are acknowledged. */
export const intakeModule: RelaisModule = {
  name: 'intake',
  seedDemo: seedDemoIntake,
  async registerRoutes(app, deps) {
    // One LISTEN per process; the router and every socket hear the contact centre through it.
    const bus = new IntakeBus()
    await bus.start(deps.database)
    const policy = routingPolicy(deps.env)
    const router = new Router(deps.database, policy)
    router.start(bus)
    // Replies leave through their channel's provider; inbound media are fetched once committed.
    const outbound = startOutbound({ ...deps, bus, log: app.log })
    app.addHook('onClose', async () => {
      await router.stop()
      await outbound.stop()
      await bus.stop()
    })
    // The webhooks parse bodies their own way: kept in a scope of their own.
    await app.register(async (scope) => registerWebhookRoutes(scope, deps))
    // The phone line: its webhooks, and the calls Relais places as signals on the bus change.
    await registerVoice(app, deps, bus)
    registerOutboundRoutes(app, deps)
    registerFormRoutes(app, deps)
    // Web chat and the console's live workspace ride on WebSockets (see server/http/app.ts).
    const conversation: ConversationDeps = {
      database: deps.database,
      secrets: deps.secrets,
      queueOutbound,
    }
    registerChatRoutes(app, deps, bus, policy)
    registerWorkspaceRoutes(app, deps, bus, conversation)
    // The SMTP listener, when configured, starts and stops with the app.
    registerEmailIntake(app, deps)
  },
}
