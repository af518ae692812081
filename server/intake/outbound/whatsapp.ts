import { answerJson, codeOf, field, PROVIDER_TIMEOUT_MS, providerRequest, retryAfterSeconds } from './http.ts'
import { type ChannelSender, type OutboundRequest, RetryableSendError } from './sender.ts'

/** The Graph API version Relais speaks (messages and media). */
export const GRAPH_VERSION = 'v21.0'

export interface WhatsAppConfig {
  /** https://graph.facebook.com, or a local stand-in in tests. */
  apiBase: string
  accessToken: string
  phoneNumberId: string
  timeoutMs?: number
}

/**
 * Graph error codes that mean "later" whatever the HTTP status: unknown or unavailable service (1, 2,
 * 131000, 131016, 133004) and rate limits (4, 80007, 130429 throughput, 131056 pair rate).
 * Anything else (131047 outside the 24-hour window, 131026 undeliverable, 190 expired token...) is
 * final: trying again changes nothing.
 */
const retryableCodes = new Set(['1', '2', '4', '80007', '130429', '131000', '131016', '131056', '133004'])

/**
 * Sends text messages through the WhatsApp Cloud API (`POST /{phone-number-id}/messages`). Meta answers
 * `{ messaging_product, contacts, messages: [{ id }] }`; the `wamid` is what status notifications
 * carry. An error is `{ error: { message, type, code, error_subcode, error_data, fbtrace_id } }`, of
 * which only the code and HTTP status are kept.
 */
export class WhatsAppSender implements ChannelSender {
  constructor(readonly config: WhatsAppConfig) {}

  async send(request: OutboundRequest): Promise<{ externalId: string }> {
    const { apiBase, accessToken, phoneNumberId } = this.config
    const url = `${apiBase.replace(/\/+$/, '')}/${GRAPH_VERSION}/${encodeURIComponent(phoneNumberId)}/messages`
    const response = await providerRequest(
      'whatsapp',
      url,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${accessToken}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify({
          messaging_product: 'whatsapp',
          // A WhatsApp id is the number's digits: the contact keeps it as E.164, with its plus.
          to: request.to.replace(/^\+/, ''),
          type: 'text',
          text: { body: request.body },
        }),
      },
      this.config.timeoutMs ?? PROVIDER_TIMEOUT_MS,
    )
    const answer = await answerJson(response)
    if (response.ok) {
      const messages = field(answer, 'messages')
      const id = Array.isArray(messages) ? field(messages[0], 'id') : undefined
      if (typeof id !== 'string' || !/^[\x21-\x7e]{1,256}$/.test(id)) {
        throw new Error(`whatsapp answered HTTP ${response.status} without a message id`)
      }
      return { externalId: id }
    }
    const code = codeOf(field(field(answer, 'error'), 'code'))
    const failure = `whatsapp ${code ?? 'error'} (HTTP ${response.status})`
    if (response.status === 429 || response.status >= 500 || (code !== null && retryableCodes.has(code))) {
      throw new RetryableSendError(failure, retryAfterSeconds(response.headers.get('retry-after')))
    }
    throw new Error(failure)
  }
}
