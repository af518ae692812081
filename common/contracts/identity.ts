import { z } from 'zod'
import { limits } from '../limits.ts'
import { roles } from '../permissions.ts'

export const roleSchema = z.enum(roles).describe('Staff role')
export const localeSchema = z.enum(['en', 'fr']).describe('Interface language')

export const emailSchema = z.email().max(limits.emailMaxLength).describe('Work email address')
export const passwordSchema = z
  .string()
  .min(limits.passwordMinLength)
  .max(limits.passwordMaxLength)
  .describe(`Password, at least ${limits.passwordMinLength} characters`)
export const totpCodeSchema = z
  .string()
  .regex(/^\d{6}$/)
  .describe('Six-digit code from the authenticator app')

export const signInRequest = z.strictObject({
  email: z.string().min(1).max(limits.emailMaxLength).describe('Work email address'),
  password: z.string().min(1).max(limits.passwordMaxLength).describe('Password'),
})
export const signInResponse = z.object({
  next: z.enum(['enrol', 'verify']).describe('Which second-factor step comes next'),
  csrfToken: z.string().describe('Send back as the X-CSRF-Token header on every state-changing request'),
})

export const codeRequest = z.strictObject({ code: totpCodeSchema })

export const enrolmentResponse = z.object({
  secret: z.string().describe('The TOTP secret in base32, for manual entry'),
  uri: z.string().describe('otpauth:// URI'),
  qrSvg: z.string().describe('QR code of the URI, as an SVG document drawn by the server'),
})

export const userSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  displayName: z.string(),
  role: roleSchema,
  locale: z.string(),
  mfaEnrolled: z.boolean(),
  disabled: z.boolean(),
  createdAt: z.iso.datetime(),
  abilities: z
    .object({ disable: z.boolean(), enable: z.boolean(), resetMfa: z.boolean() })
    .describe('What the caller may do to this user'),
})
export type User = z.infer<typeof userSchema>

export const sessionResponse = z.object({
  stage: z.enum(['mfa', 'active']),
  next: z.enum(['enrol', 'verify']).nullable().describe('Pending second-factor step, if any'),
  csrfToken: z.string(),
  user: z.object({
    id: z.uuid(),
    email: z.string(),
    displayName: z.string(),
    role: roleSchema,
    locale: z.string(),
  }),
  permissions: z.array(z.string()).describe('Everything this user may do, as "entity.action"'),
})
export type SessionInfo = z.infer<typeof sessionResponse>

export const createUserRequest = z.strictObject({
  email: emailSchema,
  displayName: z.string().trim().min(1).max(limits.displayNameMaxLength).describe('Name shown to colleagues'),
  role: roleSchema,
  password: passwordSchema,
  locale: localeSchema.default('en'),
})

export const userIdParams = z.strictObject({ id: z.uuid().describe('User id') })

export const preferencesRequest = z.strictObject({ locale: localeSchema })

export const okResponse = z.object({ ok: z.literal(true) })
