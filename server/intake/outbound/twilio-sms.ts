import { answerJson, codeOf, field, PROVIDER_TIMEOUT_MS, providerRequest, retryAfterSeconds } from './http.ts'
import { type ChannelSender, type OutboundRequest, RetryableSendError } from './sender.ts'

export interface TwilioSmsConfig {
  /** https://api.twilio.com, or a local stand-in in tests. */
  apiBase: string
  accountSid: string
  authToken: string
  /** The line's number (E.164) or a messaging service SID (MG…), which picks the number itself. */
  from: string
  /** Where Twilio reports delivery (`RELAIS_PUBLIC_URL` + /webhooks/twilio/sms); null without one. */
  statusCallback: string | null
  timeoutMs?: number
}

/**
 * Sends SMS through Twilio's Messages resource (REST API 2010-04-01). Twilio answers 201 with the
 * message resource, whose `sid` the status callbacks carry; an error is `{ code, message, more_info,
 * status }`. Only the code and HTTP status are kept: Twilio's message may quote the number.
 */
export class TwilioSmsSender implements ChannelSender {
  constructor(readonly config: TwilioSmsConfig) {}

  async send(request: OutboundRequest): Promise<{ externalId: string }> {
    const { apiBase, accountSid, authToken, from, statusCallback } = this.config
    const form = new URLSearchParams({ To: request.to, Body: request.body })
    form.set(/^MG[0-9a-fA-F]{32}$/.test(from) ? 'MessagingServiceSid' : 'From', from)
    if (statusCallback) form.set('StatusCallback', statusCallback)
    const url = `${apiBase.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`
    const response = await providerRequest(
      'twilio',
      url,
      {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
          accept: 'application/json',
        },
        body: form.toString(),
      },
      this.config.timeoutMs ?? PROVIDER_TIMEOUT_MS,
    )
    const answer = await answerJson(response)
    if (response.ok) {
      const sid = field(answer, 'sid')
      // Accepted without an id we can match callbacks to: sending again could reach the person twice.
      if (typeof sid !== 'string' || !/^[\x21-\x7e]{1,256}$/.test(sid)) {
        throw new Error(`twilio answered HTTP ${response.status} without a message sid`)
      }
      return { externalId: sid }
    }
    const failure = `twilio ${codeOf(field(answer, 'code')) ?? 'error'} (HTTP ${response.status})`
    if (response.status === 429 || response.status >= 500) {
      throw new RetryableSendError(failure, retryAfterSeconds(response.headers.get('retry-after')))
    }
    throw new Error(failure)
  }
}
