import { describe, expect, it } from 'vitest'
import { retryAfterSeconds } from './http.ts'
import { outboundPolicy, retryDelayMs } from './policy.ts'

describe('retry policy', () => {
  const policy = { backoffBaseMs: 1000, backoffMaxMs: 60_000 }

  it('doubles the wait with each attempt, up to the ceiling, with half of it random', () => {
    expect(retryDelayMs(policy, 1, null, () => 0)).toBe(500)
    expect(retryDelayMs(policy, 1, null, () => 1)).toBe(1000)
    expect(retryDelayMs(policy, 3, null, () => 1)).toBe(4000)
    expect(retryDelayMs(policy, 3, null, () => 0)).toBe(2000)
    expect(retryDelayMs(policy, 20, null, () => 1)).toBe(60_000)
  })

  it('takes the provider’s Retry-After at its word, within a day', () => {
    expect(retryDelayMs(policy, 5, 2, () => 1)).toBe(2000)
    expect(retryDelayMs(policy, 1, 0, () => 1)).toBe(0)
    expect(retryDelayMs(policy, 1, 10 ** 9, () => 1)).toBe(24 * 3600_000)
  })

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-12-02T10:00:00Z')
    expect(retryAfterSeconds('120', now)).toBe(120)
    expect(retryAfterSeconds('Wed, 02 Dec 2026 10:00:30 GMT', now)).toBe(30)
    expect(retryAfterSeconds('Wed, 02 Dec 2026 09:00:00 GMT', now)).toBe(0)
    expect(retryAfterSeconds('soon', now)).toBeNull()
    expect(retryAfterSeconds(null, now)).toBeNull()
  })

  it('takes the number of attempts from the environment', () => {
    expect(outboundPolicy({ RELAIS_OUTBOUND_MAX_ATTEMPTS: 6 }).maxAttempts).toBe(6)
  })
})
