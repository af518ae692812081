import path from 'node:path'
import { z } from 'zod'

/** Boolean environment flag: accepts true/false, 1/0, yes/no. */
const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes')

/** True for a time zone name the runtime knows (IANA: America/Toronto, UTC, ...). */
function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name })
    return true
  } catch {
    return false
  }
}

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  RELAIS_DATA_DIR: z.string().min(1).default('data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  RELAIS_DEMO: flag.optional(),
  RELAIS_ENCRYPTION_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/, 'must be 32 bytes in base64 (44 characters)')
    .optional(),
  RELAIS_ENCRYPTION_KEYS_RETIRED: z
    .string()
    .regex(
      /^[A-Za-z0-9+/]{43}=(,[A-Za-z0-9+/]{43}=)*$/,
      'must be a comma-separated list of 32-byte base64 keys',
    )
    .optional(),
  RELAIS_SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  RELAIS_SESSION_MAX_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 7)
    .default(12),
  RELAIS_TRUST_PROXY: flag.default(false),
  RELAIS_COOKIE_SECURE: flag.optional(),
  RELAIS_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(50 * 1024 * 1024)
    .default(256 * 1024),
  RELAIS_QUICK_EXIT_URL: z.url({ protocol: /^https?$/ }).default('https://www.google.com/search?q=weather'),
  RELAIS_EMERGENCY_NUMBER: z
    .string()
    .regex(/^[0-9+\-\s]{2,20}$/, 'must be a telephone number such as 911 or 112')
    .default('911'),
  RELAIS_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, 'must be an smtp:// or smtps:// URL')
    .optional(),
  RELAIS_MAIL_FROM: z
    .string()
    .regex(
      /^(?:[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/,
      'must be an address such as Relais <relais@example.org>',
    )
    .optional(),
  RELAIS_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** The hotline's own time zone: a report's days, months and fiscal years begin at its midnight. */
  RELAIS_TIME_ZONE: z
    .string()
    .refine(isTimeZone, 'must be an IANA time zone such as America/Toronto')
    .default('America/Toronto'),
  /** Public statistics: the smallest count published (smaller ones are withheld as x). */
  RELAIS_PUBLIC_THRESHOLD: z.coerce.number().int().min(2).max(100).default(3),
  RELAIS_PUBLIC_ROUNDING: z.enum(['none', 'base5']).default('none'),
  RELAIS_VERIFY_ORGANIZATION_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  RELAIS_VERIFY_SERVICE_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  RELAIS_VERIFY_LOCATION_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  TWILIO_AUTH_TOKEN: z.string().min(16, 'must be the Twilio account auth token').optional(),
  WHATSAPP_VERIFY_TOKEN: z.string().min(8, 'must be at least 8 characters').optional(),
  WHATSAPP_APP_SECRET: z.string().min(16, 'must be the Meta app secret').optional(),
  TWILIO_ACCOUNT_SID: z
    .string()
    .regex(/^AC[0-9a-fA-F]{32}$/, 'must be the Twilio account SID (AC followed by 32 hex digits)')
    .optional(),
  TWILIO_SMS_FROM: z
    .string()
    .regex(
      /^(\+[1-9][0-9]{6,14}|MG[0-9a-fA-F]{32})$/,
      'must be an E.164 number such as +15145550100 or a messaging service SID (MG…)',
    )
    .optional(),
  TWILIO_API_BASE: z.url({ protocol: /^https?$/ }).default('https://api.twilio.com'),
  TWILIO_VOICE_FROM: z
    .string()
    .regex(/^\+[1-9][0-9]{6,14}$/, 'must be the line’s Twilio number in E.164, such as +15145550100')
    .optional(),
  RELAIS_INTERPRETER_NUMBER: z
    .string()
    .regex(/^\+[1-9][0-9]{6,14}$/, 'must be the interpretation service’s number in E.164')
    .optional(),
  RELAIS_VOICE_RECORDING: flag.default(false),
  RELAIS_VOICE_RECORDING_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  RELAIS_RETENTION_NON_TRAFFICKING_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  RELAIS_RETENTION_CLOSED_CASE_YEARS: z.coerce.number().int().min(1).max(100).default(7),
  WHATSAPP_ACCESS_TOKEN: z.string().min(16, 'must be the WhatsApp Cloud API access token').optional(),
  WHATSAPP_PHONE_NUMBER_ID: z
    .string()
    .regex(/^[0-9]{1,30}$/, 'must be the WhatsApp phone number id (digits)')
    .optional(),
  WHATSAPP_API_BASE: z.url({ protocol: /^https?$/ }).default('https://graph.facebook.com'),
  RELAIS_OUTBOUND_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(6),
  RELAIS_MEDIA_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(50 * 1024 * 1024)
    .default(5 * 1024 * 1024),
  RELAIS_INTAKE_SENDER_PER_MINUTE: z.coerce.number().int().min(1).max(10000).default(20),
  RELAIS_INTAKE_LANGUAGE: z.enum(['en', 'fr']).default('en'),
  RELAIS_SMTP_LISTEN_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  RELAIS_SMTP_LISTEN_HOST: z.string().min(1).default('127.0.0.1'),
  RELAIS_SMTP_TLS_KEY: z.string().min(1).optional(),
  RELAIS_SMTP_TLS_CERT: z.string().min(1).optional(),
  RELAIS_INTAKE_MAILBOX: z
    .string()
    .regex(
      /^[^\s@,<>"]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(\s*,\s*([^\s@,<>"]+)?@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)*$/,
      'must be the line’s address, optionally followed by more addresses or @domains, comma-separated',
    )
    .optional(),
  RELAIS_EMAIL_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(50 * 1024 * 1024)
    .default(10 * 1024 * 1024),
  RELAIS_EMAIL_MAX_ATTACHMENTS: z.coerce.number().int().min(0).max(100).default(10),
  RELAIS_EMAIL_ATTACHMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(50 * 1024 * 1024)
    .default(5 * 1024 * 1024),
  RELAIS_EMAIL_ATTACHMENT_TYPES: z
    .string()
    .regex(
      /^[a-z0-9.+-]+\/([a-z0-9.+-]+|\*)(\s*,\s*[a-z0-9.+-]+\/([a-z0-9.+-]+|\*))*$/,
      'must be media types such as image/jpeg,application/pdf or image/*, comma-separated',
    )
    .default(
      'image/jpeg,image/png,image/gif,image/webp,image/heic,application/pdf,text/plain,audio/mpeg,audio/mp4,audio/ogg,video/mp4',
    ),
  RELAIS_OFFER_SECONDS: z.coerce.number().int().min(5).max(600).default(30),
  RELAIS_INTERPRETER_FALLBACK_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  RELAIS_CAPACITY: z
    .string()
    .regex(
      /^(voice|messaging|email|form)=[0-9]{1,2}(,(voice|messaging|email|form)=[0-9]{1,2})*$/,
      'must look like voice=1,messaging=3,email=5,form=5',
    )
    .default('voice=1,messaging=3,email=5,form=5'),
  RELAIS_SERVICE_LEVEL_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  RELAIS_REFERRAL_FOLLOW_UP_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  RELAIS_FORM_POW_BITS: z.coerce.number().int().min(1).max(28).default(16),
  RELAIS_FORM_PER_ADDRESS: z.coerce.number().int().min(1).max(10000).default(10),
  RELAIS_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
})

export type Env = z.infer<typeof envSchema> & { dataDir: string }

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
  }
}

/** Parses and validates the process environment; throws EnvError naming every bad variable. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const relevant = Object.fromEntries(
    Object.keys(envSchema.shape).map((key) => [key, source[key] === '' ? undefined : source[key]]),
  )
  const parsed = envSchema.safeParse(relevant)
  if (!parsed.success) {
    throw new EnvError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`))
  }
  const env = parsed.data
  if (env.RELAIS_SMTP_URL && !env.RELAIS_MAIL_FROM)
    throw new EnvError(['RELAIS_MAIL_FROM: required when RELAIS_SMTP_URL is set'])
  if (env.RELAIS_SMTP_LISTEN_PORT !== undefined && !env.RELAIS_INTAKE_MAILBOX)
    throw new EnvError(['RELAIS_INTAKE_MAILBOX: required when RELAIS_SMTP_LISTEN_PORT is set'])
  if (!env.RELAIS_SMTP_TLS_KEY !== !env.RELAIS_SMTP_TLS_CERT)
    throw new EnvError(['RELAIS_SMTP_TLS_CERT: RELAIS_SMTP_TLS_KEY and RELAIS_SMTP_TLS_CERT go together'])
  if (env.NODE_ENV === 'production') {
    const problems: string[] = []
    if (env.RELAIS_DEMO) problems.push('RELAIS_DEMO: demo accounts are refused when NODE_ENV=production')
    if (!env.RELAIS_ENCRYPTION_KEY) problems.push('RELAIS_ENCRYPTION_KEY: required when NODE_ENV=production')
    if (problems.length > 0) throw new EnvError(problems)
  }
  return { ...env, dataDir: path.resolve(env.RELAIS_DATA_DIR) }
}
