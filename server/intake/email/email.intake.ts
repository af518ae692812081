import type { AppDeps, ZodApp } from '../../http/app.ts'
import { routingPolicy } from '../signals.ts'
import { emailListenerConfig } from './email.config.ts'
import { type EmailListener, startEmailListener } from './email.listener.ts'

/**
 * Runs the SMTP listener with the app when RELAIS_SMTP_LISTEN_PORT is set: it starts once the app is
 * ready and stops, letting messages being stored finish, before the database closes.
 */
export function registerEmailIntake(app: ZodApp, deps: AppDeps): void {
  const { env } = deps
  const config = emailListenerConfig(env)
  if (!config) return
  const intake = {
    database: deps.database,
    secrets: deps.secrets,
    senderPerMinute: env.RELAIS_INTAKE_SENDER_PER_MINUTE,
    policy: routingPolicy(env),
    defaultLanguage: env.RELAIS_INTAKE_LANGUAGE,
  }
  let listener: EmailListener | null = null
  app.addHook('onReady', async () => {
    listener = await startEmailListener(intake, config, app.log)
  })
  app.addHook('onClose', async () => {
    await listener?.close()
  })
}
