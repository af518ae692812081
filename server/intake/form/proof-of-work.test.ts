import { randomBytes } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { leadingZeroBits } from '../../../web/portal/proof-of-work.ts'
import { createSecrets } from '../../crypto/secrets.ts'
import {
  CHALLENGE_TTL_SECONDS,
  challengeKey,
  checkProof,
  hasLeadingZeroBits,
  issueChallenge,
} from './proof-of-work.ts'

/** The plain definition: the number of zero bits before the first one. */
function zeroBitsBeforeFirstOne(bytes: Uint8Array): number {
  let count = 0
  for (const byte of bytes) {
    if (byte === 0) {
      count += 8
      continue
    }
    return count + Math.clz32(byte) - 24
  }
  return count
}

describe('proof of work', () => {
  it('counts leading zero bits the same way in the server and in the browser', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 1, max: 32 }),
        (bytes, zeros, bits) => {
          // Force some leading zeros, so that both answers happen.
          for (let bit = 0; bit < zeros; bit += 1) bytes[bit >> 3]! &= ~(0x80 >> (bit & 7))
          const expected = zeroBitsBeforeFirstOne(bytes) >= bits
          expect(hasLeadingZeroBits(bytes, bits)).toBe(expected)
          expect(leadingZeroBits(bytes, bits)).toBe(expected)
        },
      ),
    )
  })

  it('accepts a challenge until it expires, and no altered one', () => {
    const key = challengeKey(createSecrets([randomBytes(32)]))
    const issuedAt = new Date('2026-12-02T10:00:00Z')
    const { challenge } = issueChallenge(key, 1, issuedAt)
    // One zero bit: a counter among the first few works.
    const counter = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'].find(
      (candidate) => checkProof(key, 1, { challenge, counter: candidate }, issuedAt).ok,
    )!
    expect(counter).toBeDefined()
    const later = (seconds: number) => new Date(issuedAt.getTime() + seconds * 1000)
    expect(checkProof(key, 1, { challenge, counter }, later(CHALLENGE_TTL_SECONDS - 1)).ok).toBe(true)
    expect(checkProof(key, 1, { challenge, counter }, later(CHALLENGE_TTL_SECONDS))).toEqual({
      ok: false,
      problem: 'expired',
    })
    expect(checkProof(key, 2, { challenge, counter }, issuedAt)).toEqual({ ok: false, problem: 'invalid' })
    const parts = challenge.split('.')
    const longer = [...parts.slice(0, 3), String(Number(parts[3]) + 3600), parts[4]].join('.')
    expect(checkProof(key, 1, { challenge: longer, counter }, later(CHALLENGE_TTL_SECONDS))).toEqual({
      ok: false,
      problem: 'invalid',
    })
    expect(checkProof(key, 1, { challenge: `${challenge}x`, counter }, issuedAt).ok).toBe(false)
    expect(checkProof(key, 1, { challenge: 'p1.a.b', counter }, issuedAt).ok).toBe(false)
  })
})
