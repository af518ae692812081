import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'

/**
 * Field encryption at rest: AES-256-GCM, each value with its own random IV, tagged with the id of the
 * key that sealed it so keys can rotate (new values use the current key, old ones still open).
 * Data keys are derived from the master key with HKDF, one per purpose.
 */
export interface Secrets {
  seal(plaintext: string): string
  open(sealed: string): string
  /** Keyed hash for exact look-ups of an encrypted value (a blind index), stable per master key. */
  blindIndex(value: string): string
}

const PREFIX = 'v1'

export function createSecrets(masterKeys: Buffer[]): Secrets {
  if (masterKeys.length === 0) throw new Error('at least one encryption key is required')
  const keys = masterKeys.map((master) => {
    if (master.length !== 32) throw new Error('encryption keys must be 32 bytes')
    return {
      id: createHash('sha256').update(master).digest('hex').slice(0, 8),
      data: Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'relais field encryption', 32)),
      index: Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'relais blind index', 32)),
    }
  })
  const current = keys[0]!
  return {
    seal(plaintext) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', current.data, iv)
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()])
      return [PREFIX, current.id, iv.toString('base64url'), body.toString('base64url')].join('.')
    },
    open(sealed) {
      const [prefix, keyId, iv, body] = sealed.split('.')
      const key = keys.find((candidate) => candidate.id === keyId)
      if (prefix !== PREFIX || !key || !iv || !body) throw new Error('value was not sealed by a known key')
      const bytes = Buffer.from(body, 'base64url')
      const decipher = createDecipheriv('aes-256-gcm', key.data, Buffer.from(iv, 'base64url'))
      decipher.setAuthTag(bytes.subarray(bytes.length - 16))
      return Buffer.concat([
        decipher.update(bytes.subarray(0, bytes.length - 16)),
        decipher.final(),
      ]).toString('utf8')
    },
    blindIndex(value) {
      return createHmac('sha256', current.index).update(value).digest('base64url')
    },
  }
}

/**
 * The master key: RELAIS_ENCRYPTION_KEY when set (required in production), otherwise a key kept in
 * the data folder, created on first start, so a development install works with no setup.
 */
export function loadMasterKey(configured: string | undefined, dataDir: string): Buffer {
  if (configured) return Buffer.from(configured, 'base64')
  const file = path.join(dataDir, 'encryption.key')
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true })
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 })
    chmodSync(file, 0o600)
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')
}
