import { createHash, randomBytes } from 'node:crypto'
import argon2 from 'argon2'
import { Secret, TOTP } from 'otpauth'
import QRCode from 'qrcode'

/** argon2id with the library's defaults (64 MiB, 3 passes), which meet OWASP's recommendation. */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id })
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password)
  } catch {
    return false
  }
}

// Verified against when the account does not exist, so timing does not reveal which emails exist.
let decoyHash: Promise<string> | undefined
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword(randomBytes(16).toString('hex'))
  return decoyHash
}

export const TOTP_PERIOD_SECONDS = 30

function totpFor(secretBase32: string, label: string) {
  return new TOTP({
    issuer: 'Relais',
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: TOTP_PERIOD_SECONDS,
    secret: Secret.fromBase32(secretBase32),
  })
}

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32
}

/** A TOTP secret derived from a seed: only for demo accounts, whose secrets are printed anyway. */
export function demoTotpSecret(seed: string): string {
  return new Secret({ buffer: createHash('sha256').update(seed).digest().subarray(0, 20).buffer }).base32
}

/**
 * Checks a code against the secret, allowing one step of clock drift either way. Returns the time
 * step the code belongs to (so it can be marked used), or null.
 */
export function matchTotp(secretBase32: string, code: string, now = Date.now()): number | null {
  const delta = totpFor(secretBase32, 'check').validate({ token: code, timestamp: now, window: 1 })
  if (delta === null) return null
  return Math.floor(now / 1000 / TOTP_PERIOD_SECONDS) + delta
}

export function currentTotp(secretBase32: string, now = Date.now()): string {
  return totpFor(secretBase32, 'code').generate({ timestamp: now })
}

/** The otpauth:// URI and its QR code as SVG, drawn here: the secret never leaves the server otherwise. */
export async function enrolmentArtifacts(secretBase32: string, email: string) {
  const uri = totpFor(secretBase32, email).toString()
  const qrSvg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
  return { uri, qrSvg }
}

export function newToken(): string {
  return randomBytes(32).toString('base64url')
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex')
}
