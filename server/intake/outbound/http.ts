import { RetryableSendError } from './sender.ts'

/** How long one request to a provider may take before it counts as a network failure. */
export const PROVIDER_TIMEOUT_MS = 15_000

/** Longest answer body read from a provider's API (its JSON answers are a few hundred bytes). */
const MAX_ANSWER_BYTES = 64 * 1024

/**
 * Calls a provider's API. A network failure or a timeout is worth a retry: the request may not have
 * reached the provider. (It may also have, so a retry can send twice; the provider's own id, recorded
 * on success, is what status callbacks and people see.)
 */
export async function providerRequest(
  provider: string,
  url: string,
  init: RequestInit,
  timeoutMs = PROVIDER_TIMEOUT_MS,
): Promise<Response> {
  try {
    return await fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) })
  } catch (error) {
    const reason = error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : 'network error'
    throw new RetryableSendError(`${provider} ${reason}`)
  }
}

/** The JSON a provider answered, or null when it is not JSON (a proxy's HTML error page). */
export async function answerJson(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => '')
  if (text.length > MAX_ANSWER_BYTES) return null
  try {
    return JSON.parse(text) as unknown
  } catch {
    return null
  }
}

/** Seconds from a Retry-After header: delta-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | null {
  if (header === null) return null
  const value = header.trim()
  if (/^\d+$/.test(value)) return Number(value)
  const at = Date.parse(value)
  if (Number.isNaN(at)) return null
  return Math.max(0, Math.ceil((at - now) / 1000))
}

/** The field of an object, when the value is one. */
export function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined
}

/** A provider's error code as text, when it gave a number or a short string. */
export function codeOf(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  if (typeof value === 'string' && /^[A-Za-z0-9_.-]{1,40}$/.test(value)) return value
  return null
}
