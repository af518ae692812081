import { z } from 'zod'

/** Limits of the public web form, enforced by the API and shown by the portal page. */
export const webFormLimits = {
  messageMaxLength: 5000,
  nameMaxLength: 120,
  phoneMaxLength: 32,
  emailMaxLength: 254,
  safeTimesMaxLength: 200,
  safeWordMaxLength: 100,
  challengeMaxLength: 300,
} as const

/** What the person came for: a concern about someone, help for themselves, or information. */
export const webFormKinds = ['concern', 'help', 'information'] as const
export type WebFormKind = (typeof webFormKinds)[number]

/** How the person agrees to be reached, if at all. */
export const contactMethods = ['phone', 'sms', 'email', 'none'] as const
export type ContactMethod = (typeof contactMethods)[number]

/** The languages the line answers the form in. */
export const webFormLanguages = ['en', 'fr'] as const

/** A free-text answer that may be left out: an empty one counts as not given. */
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((value) => (value ? value : undefined))

export const webFormChallenge = z
  .object({
    challenge: z.string().describe('Opaque, signed by the server; hash it followed by the counter'),
    bits: z.number().int().describe('Leading zero bits SHA-256(challenge + counter) must have'),
    expiresAt: z.string().describe('When the challenge stops being accepted (ISO 8601)'),
  })
  .describe('A proof-of-work challenge')
export type WebFormChallenge = z.infer<typeof webFormChallenge>

export const webFormSubmission = z.strictObject({
  kind: z.enum(webFormKinds).describe('Report a concern, ask for help for oneself, or ask for information'),
  message: z.string().trim().min(1).max(webFormLimits.messageMaxLength).describe('What the person writes'),
  language: z
    .enum(webFormLanguages)
    .optional()
    .describe("The line's language for the answer (default: the request's language)"),
  preferredLanguage: z
    .string()
    .refine((value) => /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$/.test(value), { message: 'invalid' })
    .optional()
    .describe('A language the person would rather use (BCP 47), which may call for an interpreter'),
  inDanger: z.boolean().default(false).describe('"I am in danger now": read first'),
  anonymous: z
    .boolean()
    .default(true)
    .describe('Anonymous by default: contact details and safe-contact preferences are then not kept'),
  contact: z
    .strictObject({
      name: optionalText(webFormLimits.nameMaxLength),
      phone: optionalText(webFormLimits.phoneMaxLength).refine(
        (value) => value === undefined || /^[0-9+()\-.\s]{6,}$/.test(value),
        { message: 'invalid' },
      ),
      email: optionalText(webFormLimits.emailMaxLength)
        .refine((value) => value === undefined || z.email().safeParse(value).success, {
          message: 'invalid',
        })
        .transform((value) => value?.toLowerCase()),
    })
    .optional()
    .describe('How to reach the person, each detail optional'),
  safeContact: z
    .strictObject({
      method: z.enum(contactMethods).describe('How it is safe to reach them'),
      safeTimes: optionalText(webFormLimits.safeTimesMaxLength).describe('When it is safe'),
      leaveMessage: z.boolean().optional().describe('Whether a message may be left'),
      safeWord: optionalText(webFormLimits.safeWordMaxLength).describe(
        'A word or phrase the advocate says so the person knows it is the line',
      ),
    })
    .optional(),
  website: z
    .string()
    .max(1000)
    .optional()
    .describe('Leave empty: a field people never see, filled only by robots'),
  proof: z
    .strictObject({
      challenge: z.string().min(1).max(webFormLimits.challengeMaxLength),
      counter: z
        .string()
        .refine((value) => /^[0-9]{1,16}$/.test(value), { message: 'invalid' })
        .describe('Decimal digits'),
    })
    .describe('The proof of work: a counter for a challenge from /api/intake/form/challenge'),
})
export type WebFormRequest = z.input<typeof webFormSubmission>
export type WebFormInput = z.output<typeof webFormSubmission>

export const webFormReceipt = z
  .object({ reference: z.string().describe('A short code the person may keep and quote when they call') })
  .describe('The submission was received')
export type WebFormReceipt = z.infer<typeof webFormReceipt>
