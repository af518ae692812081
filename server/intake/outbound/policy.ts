import type { Env } from '../../config/env.ts'
import { PROVIDER_TIMEOUT_MS } from './http.ts'

export interface OutboundPolicy {
  /** Attempts before a message is dead-lettered (RELAIS_OUTBOUND_MAX_ATTEMPTS). */
  maxAttempts: number
  /** The wait after the first failure; it doubles with each attempt, up to `backoffMaxMs`. */
  backoffBaseMs: number
  backoffMaxMs: number
  /** How long a claimed row stays leased to its worker: longer than a send can take. */
  leaseMs: number
}

/** Defaults: six attempts over about five minutes (10 s, 20 s, 40 s, 80 s, 160 s, with jitter). */
export function outboundPolicy(env: Pick<Env, 'RELAIS_OUTBOUND_MAX_ATTEMPTS'>): OutboundPolicy {
  return {
    maxAttempts: env.RELAIS_OUTBOUND_MAX_ATTEMPTS,
    backoffBaseMs: 10_000,
    backoffMaxMs: 15 * 60_000,
    leaseMs: 4 * PROVIDER_TIMEOUT_MS,
  }
}

/** The longest wait a provider's Retry-After is honoured for. */
const MAX_RETRY_AFTER_MS = 24 * 3600_000

/**
 * How long to wait before attempt `attempt + 1`. A provider that said when (Retry-After) is taken at
 * its word; otherwise exponential back-off with "equal jitter" (half fixed, half random), so many
 * messages refused at once by a rate limit do not all come back in the same instant.
 */
export function retryDelayMs(
  policy: Pick<OutboundPolicy, 'backoffBaseMs' | 'backoffMaxMs'>,
  attempt: number,
  retryAfterSeconds: number | null,
  random: () => number = Math.random,
): number {
  if (retryAfterSeconds !== null) return Math.min(Math.max(0, retryAfterSeconds * 1000), MAX_RETRY_AFTER_MS)
  const ceiling = Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** Math.max(0, attempt - 1))
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}
