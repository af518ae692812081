import type { Env } from '../../config/env.ts'
import type { Secrets } from '../../crypto/secrets.ts'
import type { Database } from '../../db/database.ts'
import { emailSender } from '../email/email.sender.ts'
import type { IntakeBus } from '../events.ts'
import type { Channel } from '../intake.tables.ts'
import { mediaConfig } from './media.ts'
import { MediaFetcher } from './media-fetcher.ts'
import { outboundPolicy } from './policy.ts'
import type { ChannelSender } from './sender.ts'
import { TwilioSmsSender } from './twilio-sms.ts'
import { WhatsAppSender } from './whatsapp.ts'
import { OutboundWorker, type WorkerLog } from './worker.ts'

/** Where Twilio posts a sent message's statuses: the SMS webhook under RELAIS_PUBLIC_URL. */
export function twilioStatusCallback(env: Pick<Env, 'RELAIS_PUBLIC_URL'>): string | null {
  if (!env.RELAIS_PUBLIC_URL) return null
  const base = new URL(env.RELAIS_PUBLIC_URL)
  return `${base.origin}${base.pathname.replace(/\/+$/, '')}/webhooks/twilio/sms`
}

/**
 * The senders the environment configures: SMS with a Twilio account and number, WhatsApp with a
 * token and phone number id, email with an outgoing mail server and the line's mailbox. A channel
 * without one is left in the outbox for a process that has it.
 */
export function channelSenders(deps: {
  env: Env
  database: Database
  secrets: Secrets
}): Partial<Record<Channel, ChannelSender>> {
  const { env } = deps
  const senders: Partial<Record<Channel, ChannelSender>> = {}
  if (env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN && env.TWILIO_SMS_FROM) {
    senders.sms = new TwilioSmsSender({
      apiBase: env.TWILIO_API_BASE,
      accountSid: env.TWILIO_ACCOUNT_SID,
      authToken: env.TWILIO_AUTH_TOKEN,
      from: env.TWILIO_SMS_FROM,
      statusCallback: twilioStatusCallback(env),
    })
  }
  if (env.WHATSAPP_ACCESS_TOKEN && env.WHATSAPP_PHONE_NUMBER_ID) {
    senders.whatsapp = new WhatsAppSender({
      apiBase: env.WHATSAPP_API_BASE,
      accessToken: env.WHATSAPP_ACCESS_TOKEN,
      phoneNumberId: env.WHATSAPP_PHONE_NUMBER_ID,
    })
  }
  if (env.RELAIS_SMTP_URL && env.RELAIS_INTAKE_MAILBOX) senders.email = emailSender(deps)
  return senders
}

export interface Outbound {
  worker: OutboundWorker
  media: MediaFetcher
  stop(): Promise<void>
}

/** Starts the outbound sender and the inbound media fetcher of this process, on the shared bus. */
export function startOutbound(deps: {
  env: Env
  database: Database
  secrets: Secrets
  bus: IntakeBus
  log: WorkerLog
  senders?: Partial<Record<Channel, ChannelSender>>
}): Outbound {
  const { env, database, secrets, bus, log } = deps
  const worker = new OutboundWorker({
    database,
    secrets,
    bus,
    senders: deps.senders ?? channelSenders(deps),
    policy: outboundPolicy(env),
    log,
  })
  const media = new MediaFetcher({ database, secrets, bus, config: mediaConfig(env), log })
  worker.start()
  media.start()
  return {
    worker,
    media,
    async stop() {
      await Promise.all([worker.stop(), media.stop()])
    },
  }
}
