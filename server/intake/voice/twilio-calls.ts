import { answerJson, codeOf, field, providerRequest } from '../outbound/http.ts'

export interface TwilioCallsConfig {
  /** https://api.twilio.com, or a local stand-in in tests. */
  apiBase: string
  accountSid: string
  authToken: string
  timeoutMs?: number
}

/** Twilio refused a request: its HTTP status and error code only (its message may quote a number). */
export class TwilioApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | null,
  ) {
    super(`twilio ${code ?? 'error'} (HTTP ${status})`)
  }
}

const SID = /^[A-Z]{2}[0-9a-fA-F]{32}$/

/**
 * The parts of Twilio's Voice REST API (2010-04-01) the phone line uses: placing a call, changing a
 * call in progress (new TwiML, or hanging it up), and deleting a recording.
 */
export class TwilioCalls {
  constructor(readonly config: TwilioCallsConfig) {}

  #url(path: string): string {
    const base = this.config.apiBase.replace(/\/+$/, '')
    return `${base}/2010-04-01/Accounts/${encodeURIComponent(this.config.accountSid)}/${path}`
  }

  async #request(method: 'POST' | 'DELETE', path: string, form?: Record<string, string>) {
    const { accountSid, authToken } = this.config
    const response = await providerRequest(
      'twilio',
      this.#url(path),
      {
        method,
        headers: {
          authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
          accept: 'application/json',
          ...(form ? { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } : {}),
        },
        ...(form ? { body: new URLSearchParams(form).toString() } : {}),
      },
      this.config.timeoutMs,
    )
    const answer = method === 'DELETE' && response.status === 204 ? null : await answerJson(response)
    if (!response.ok) throw new TwilioApiError(response.status, codeOf(field(answer, 'code')))
    return answer
  }

  /** Places a call; resolves with its CallSid. */
  async createCall(params: {
    to: string
    from: string
    /** Where Twilio fetches the call's TwiML, or the TwiML itself. */
    url?: string
    twiml?: string
    statusCallback?: string
  }): Promise<string> {
    const form: Record<string, string> = { To: params.to, From: params.from }
    if (params.url) form.Url = params.url
    if (params.twiml) form.Twiml = params.twiml
    if (params.statusCallback) form.StatusCallback = params.statusCallback
    const answer = await this.#request('POST', 'Calls.json', form)
    const sid = field(answer, 'sid')
    if (typeof sid !== 'string' || !SID.test(sid)) throw new Error('twilio placed a call without a call sid')
    return sid
  }

  /** Gives a call in progress new TwiML, or ends it (`status: 'completed'`). */
  async updateCall(callSid: string, change: { twiml: string } | { status: 'completed' }): Promise<void> {
    const form: Record<string, string> =
      'twiml' in change ? { Twiml: change.twiml } : { Status: change.status }
    await this.#request('POST', `Calls/${encodeURIComponent(callSid)}.json`, form)
  }

  /** Deletes a recording; a recording Twilio no longer has counts as deleted. */
  async deleteRecording(recordingSid: string): Promise<void> {
    try {
      await this.#request('DELETE', `Recordings/${encodeURIComponent(recordingSid)}.json`)
    } catch (error) {
      if (error instanceof TwilioApiError && error.status === 404) return
      throw error
    }
  }
}
