import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Secrets } from '../../crypto/secrets.ts'

/**
 * A proof of work for the public web form, in place of a third-party captcha: the browser finds a
 * counter such that SHA-256(challenge + counter) starts with `bits` zero bits. That costs a person's
 * browser a moment, and a robot sending thousands of submissions as many moments of its own CPU.
 *
 * Challenges are stateless: `p1.<nonce>.<bits>.<expires>.<mac>`, the MAC an HMAC-SHA256 under a key
 * derived from the master key, so any server process can check one it did not issue. Only spent
 * nonces are stored (until they expire), so each challenge answers one submission.
 */

const VERSION = 'p1'

/** How long a challenge is accepted: long enough to write a message, short enough to keep few nonces. */
export const CHALLENGE_TTL_SECONDS = 30 * 60

/** The MAC key: a value only the master key can produce, so no separate secret is configured. */
export function challengeKey(secrets: Secrets): Buffer {
  return Buffer.from(secrets.blindIndex('relais web form proof-of-work key'), 'base64url')
}

function mac(key: Buffer, body: string): Buffer {
  return createHmac('sha256', key).update(body).digest()
}

export interface Challenge {
  challenge: string
  bits: number
  expiresAt: Date
}

export function issueChallenge(key: Buffer, bits: number, now: Date): Challenge {
  const nonce = randomBytes(16).toString('base64url')
  const expires = Math.floor(now.getTime() / 1000) + CHALLENGE_TTL_SECONDS
  const body = `${VERSION}.${nonce}.${bits}.${expires}`
  return {
    challenge: `${body}.${mac(key, body).toString('base64url')}`,
    bits,
    expiresAt: new Date(expires * 1000),
  }
}

/**
 * Whether the first `bits` bits of the digest are zero, looking at every byte whatever it finds, so
 * the time taken says nothing about how close a wrong answer came.
 */
export function hasLeadingZeroBits(digest: Uint8Array, bits: number): boolean {
  let seen = 0
  for (let index = 0; index < digest.length; index += 1) {
    const take = Math.max(0, Math.min(8, bits - index * 8))
    seen |= digest[index]! & ((0xff00 >> take) & 0xff)
  }
  return seen === 0 && bits <= digest.length * 8
}

export type ProofCheck =
  | { ok: true; nonce: string; expiresAt: Date }
  | { ok: false; problem: 'invalid' | 'expired' }

/**
 * Checks a solution: the challenge is one this server signed (compared in constant time), asks at
 * least the work now required, has not expired, and the counter meets it. Whether it was already
 * used is for the caller to check, in the transaction that spends it.
 */
export function checkProof(
  key: Buffer,
  requiredBits: number,
  proof: { challenge: string; counter: string },
  now: Date,
): ProofCheck {
  const parts = proof.challenge.split('.')
  if (parts.length !== 5 || parts[0] !== VERSION) return { ok: false, problem: 'invalid' }
  const [, nonce, bitsText, expiresText, signature] = parts as [string, string, string, string, string]
  const expected = mac(key, parts.slice(0, 4).join('.'))
  const given = Buffer.from(signature, 'base64url')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, problem: 'invalid' }
  }
  const bits = Number(bitsText)
  const expires = Number(expiresText)
  // A challenge issued before the difficulty was raised is not enough any more.
  if (!Number.isSafeInteger(bits) || bits < requiredBits) return { ok: false, problem: 'invalid' }
  if (!Number.isSafeInteger(expires) || expires * 1000 <= now.getTime()) {
    return { ok: false, problem: 'expired' }
  }
  const digest = createHash('sha256').update(`${proof.challenge}${proof.counter}`).digest()
  if (!hasLeadingZeroBits(digest, bits)) return { ok: false, problem: 'invalid' }
  return { ok: true, nonce, expiresAt: new Date(expires * 1000) }
}
