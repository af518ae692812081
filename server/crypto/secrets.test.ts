import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createSecrets } from './secrets.ts'

describe('field encryption', () => {
  const key = randomBytes(32)

  it('round-trips and never repeats a ciphertext', () => {
    const secrets = createSecrets([key])
    const a = secrets.seal('+1 514 555 0199')
    const b = secrets.seal('+1 514 555 0199')
    expect(a).not.toEqual(b)
    expect(a).not.toContain('555')
    expect(secrets.open(a)).toBe('+1 514 555 0199')
  })

  it('detects tampering', () => {
    const secrets = createSecrets([key])
    const sealed = secrets.seal('secret')
    const parts = sealed.split('.')
    const body = Buffer.from(parts[3]!, 'base64url')
    body[0] = body[0]! ^ 1
    parts[3] = body.toString('base64url')
    expect(() => secrets.open(parts.join('.'))).toThrow()
  })

  it('opens values sealed with a retired key after rotation', () => {
    const old = createSecrets([key])
    const sealed = old.seal('before rotation')
    const rotated = createSecrets([randomBytes(32), key])
    expect(rotated.open(sealed)).toBe('before rotation')
    expect(rotated.seal('after').split('.')[1]).not.toBe(sealed.split('.')[1])
    expect(() => createSecrets([randomBytes(32)]).open(sealed)).toThrow(/known key/)
  })

  it('gives a stable blind index per key', () => {
    const secrets = createSecrets([key])
    expect(secrets.blindIndex('x')).toBe(secrets.blindIndex('x'))
    expect(secrets.blindIndex('x')).not.toBe(createSecrets([randomBytes(32)]).blindIndex('x'))
  })
})
