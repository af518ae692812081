import { createHmac, timingSafeEqual } from 'node:crypto'

/** Form parameters as Twilio posts them: a key may repeat (several values). */
export type FormParams = Record<string, string | string[]>

/**
 * The X-Twilio-Signature Twilio computes for a webhook: the full URL it requested (query string
 * included), then every POST parameter's name and value appended in order of name (a repeated name's
 * distinct values in order too), signed with HMAC-SHA1 under the account's auth token, in base64.
 */
export function twilioSignature(authToken: string, url: string, params: FormParams): string {
  let data = url
  for (const key of Object.keys(params).sort()) {
    const value = params[key]!
    const values = Array.isArray(value) ? [...new Set(value)].sort() : [value]
    for (const item of values) data += key + item
  }
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64')
}

/** Splits a URL around its authority's port, or undefined if it is not an absolute http(s) URL. */
function withAndWithoutPort(url: string): string[] {
  const match = /^(https?:\/\/)([^/?#@]*@)?([^/?#:]+|\[[^\]]+\])(:\d+)?(.*)$/i.exec(url)
  if (!match) return [url]
  const [, scheme, userInfo = '', host, port, rest] = match
  const defaultPort = scheme!.toLowerCase() === 'https://' ? ':443' : ':80'
  const bare = `${scheme}${userInfo}${host}${rest}`
  const withPort = `${scheme}${userInfo}${host}${port ?? defaultPort}${rest}`
  return port && port !== defaultPort ? [url] : [bare, withPort]
}

function sameString(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

/**
 * Whether the header is Twilio's signature of this request. Twilio signs the URL as configured, which
 * may or may not name the default port, so both forms are tried (as Twilio's own libraries do).
 */
export function isValidTwilioSignature(
  authToken: string,
  header: string | undefined,
  url: string,
  params: FormParams,
): boolean {
  if (!header) return false
  let valid = false
  // Every candidate is compared, so the time taken does not depend on which one matched.
  for (const candidate of withAndWithoutPort(url)) {
    if (sameString(header, twilioSignature(authToken, candidate, params))) valid = true
  }
  return valid
}

/** Parses an application/x-www-form-urlencoded body, keeping repeated names as lists. */
export function parseForm(raw: string): FormParams {
  const params: FormParams = {}
  for (const [key, value] of new URLSearchParams(raw)) {
    const existing = params[key]
    if (existing === undefined) params[key] = value
    else params[key] = Array.isArray(existing) ? [...existing, value] : [existing, value]
  }
  return params
}
