import type { Channel } from '../intake.tables.ts'

/** One outbound message, unsealed, handed to its channel's sender. */
export interface OutboundRequest {
  outboxId: string
  messageId: string
  signalId: string
  channel: Channel
  /** The person's address on the channel: E.164 number, WhatsApp id or email address. */
  to: string
  body: string
  /** 1 for the first try. */
  attempt: number
}

/** A failure worth trying again later (network, 429, 5xx); anything else is final. */
export class RetryableSendError extends Error {
  constructor(
    message: string,
    /** Seconds the provider asked us to wait (Retry-After), when it said. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message)
  }
}

/**
 * Sends messages of one channel through its provider; resolves with the provider's message id. A
 * thrown error's message is stored on the outbox row and shown on the supervisor board: it names the
 * provider's code and HTTP status, never the address or the body.
 */
export interface ChannelSender {
  send(request: OutboundRequest): Promise<{ externalId: string }>
}
