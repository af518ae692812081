import { z } from 'zod'
import { caseLimits, needKinds } from './cases.ts'
import { referralStatuses as directoryReferralStatuses } from './directory.ts'

/**
 * Referrals: from a need of a case to a directory service, with the person's consent to what may be
 * shared, a warm-handoff note, an optional email to the provider carrying only what consent allows,
 * the outcome with the date of each change, and a follow-up date. Shared by the server and the console.
 */

export const referralLimits = {
  aliasMaxLength: 100,
  noteMaxLength: caseLimits.textMaxLength,
  followUpsPageMax: 100,
} as const

/** Where a referral stands; `pending` until the provider answers. */
export const referralOutcomes = [
  'pending',
  'accepted',
  'declined',
  'no_capacity',
  'completed',
  'unknown',
] as const
export type ReferralOutcome = (typeof referralOutcomes)[number]
/** Outcomes that still call for a follow-up: the provider has not answered, or has not yet helped. */
export const openReferralOutcomes = ['pending', 'accepted'] as const satisfies readonly ReferralOutcome[]

/**
 * What the person may agree to share with the provider, each a key of the case (or of the referral):
 * - `alias`: the first name or alias the person gave for this referral;
 * - `ageBand`: their age band (never the exact age);
 * - `gender`, `languages`, `residency`: as recorded for them in the case;
 * - `needs`: the need referred, and their other needs recorded in the case;
 * - `safeContact`: whether a call, a voicemail, a text or an email is safe, and when (never the code word);
 * - `location`: the province or territory and municipality of the case;
 * - `handoffNote`: the advocate's warm-handoff note.
 */
export const shareableReferralFields = [
  'alias',
  'ageBand',
  'gender',
  'languages',
  'residency',
  'needs',
  'safeContact',
  'location',
  'handoffNote',
] as const
export type ShareableReferralField = (typeof shareableReferralFields)[number]

export const referralEmailStatuses = ['not_requested', 'pending', 'sent', 'failed'] as const
export type ReferralEmailStatus = (typeof referralEmailStatuses)[number]

const iso = z.string().describe('ISO 8601')
const instant = z.iso.datetime({ offset: true })
const text = (max: number) => z.string().trim().min(1).max(max)

// ---------------------------------------------------------------------------------------------------
// Requests

export const referralCaseParams = z.strictObject({ id: z.uuid() })
export const referralParams = z.strictObject({ id: z.uuid(), referralId: z.uuid() })

export const referralConsent = z.strictObject({
  given: z.boolean().describe('Whether the person agreed to share anything with the provider'),
  at: instant.optional().describe('When consent was given or refused (default: now); not in the future'),
  fields: z
    .array(z.enum(shareableReferralFields))
    .max(shareableReferralFields.length)
    .default([])
    .describe('What may be shared; empty when consent is not given'),
})

export const createReferralRequest = z.strictObject({
  needId: z.uuid().describe('The need of the case this referral answers'),
  serviceId: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .describe('A directory service, active (not closed, inactive or defunct)'),
  personId: z.uuid().nullable().optional().describe('The person referred (default: the need’s person)'),
  consent: referralConsent,
  alias: text(referralLimits.aliasMaxLength)
    .optional()
    .describe('The first name or alias the person gave for this referral; kept encrypted'),
  handoffNote: text(referralLimits.noteMaxLength)
    .optional()
    .describe('The warm-handoff note: what was arranged with the provider; kept encrypted'),
  followUpDueAt: instant
    .optional()
    .describe('When to follow up (default: RELAIS_REFERRAL_FOLLOW_UP_DAYS on)'),
  sendEmail: z
    .boolean()
    .default(false)
    .describe('Email the provider what consent allows (needs consent and a directory email address)'),
  emailLanguage: z
    .enum(['en', 'fr'])
    .optional()
    .describe('The language the email starts in (default: French in Quebec, English elsewhere)'),
})
export type CreateReferralRequest = z.output<typeof createReferralRequest>

export const referralOutcomeRequest = z.strictObject({
  status: z.enum(referralOutcomes),
  occurredAt: instant.optional().describe('When it happened (default: now); not in the future'),
  note: text(referralLimits.noteMaxLength).optional().describe('Kept encrypted'),
  followUpDueAt: instant
    .nullable()
    .optional()
    .describe(
      'The next follow-up (default: RELAIS_REFERRAL_FOLLOW_UP_DAYS on while pending or accepted, none after)',
    ),
})
export type ReferralOutcomeRequest = z.output<typeof referralOutcomeRequest>

export const referralEmailRequest = z.strictObject({
  language: z.enum(['en', 'fr']).optional().describe('The language the email starts in'),
})

/**
 * The referral's details sent to the person themselves: the service's name, address, phone, hours and
 * languages, nothing about the case. Refused (409 `contact_unsafe`) when a person the referral is for
 * said an email is not safe for them, unless `override` gives the reason (audited).
 */
export const referralPersonEmailRequest = z.strictObject({
  to: z
    .email()
    .max(254)
    .describe('The address the person gave for this email; kept encrypted, never shown in the audit log'),
  language: z
    .enum(['en', 'fr'])
    .optional()
    .describe('The email’s language (default: the person’s, English or French, else the caller’s)'),
  override: z
    .strictObject({ reason: text(1000).min(10) })
    .optional()
    .describe('To send although the person said an email is not safe: why (audited)'),
})
export type ReferralPersonEmailRequest = z.output<typeof referralPersonEmailRequest>

export const searchDefaultsQuery = z.strictObject({
  needId: z.uuid().optional().describe('The need to search for: its kind and its person'),
  lang: z.enum(['en', 'fr']).optional(),
})

export const followUpsQuery = z.strictObject({
  dueBy: instant.optional().describe('Follow-ups due by this time (default: now)'),
  limit: z.coerce.number().int().min(1).max(referralLimits.followUpsPageMax).default(50),
  offset: z.coerce.number().int().min(0).max(10_000).default(0),
  lang: z.enum(['en', 'fr']).optional(),
})
export type FollowUpsQuery = z.output<typeof followUpsQuery>

// ---------------------------------------------------------------------------------------------------
// Responses

const staffRef = z.object({ id: z.string(), displayName: z.string() })

export const referralEvent = z.object({
  status: z.enum(referralOutcomes),
  occurredAt: iso,
  recordedAt: iso,
  note: z.string().nullable(),
  recordedBy: staffRef.nullable(),
})

export const referralView = z.object({
  id: z.string(),
  caseId: z.string(),
  /** Null once the need was removed from the case; its kind stays. */
  needId: z.string().nullable(),
  needKind: z.enum(needKinds),
  personId: z.string().nullable(),
  service: z.object({
    id: z.string(),
    organizationId: z.string(),
    name: z.string().describe('As the directory named it when the referral was made'),
    organizationName: z.string(),
    confidential: z.boolean(),
    referralStatus: z
      .enum(directoryReferralStatuses)
      .nullable()
      .describe('Whether the service was accepting referrals when this one was made'),
  }),
  consent: z.object({
    given: z.boolean(),
    at: iso,
    fields: z.array(z.enum(shareableReferralFields)),
  }),
  alias: z.string().nullable(),
  handoffNote: z.string().nullable(),
  status: z.enum(referralOutcomes),
  statusChangedAt: iso,
  /** Oldest first: the referral's creation (pending), then each outcome recorded. */
  history: z.array(referralEvent),
  followUpDueAt: iso.nullable(),
  email: z.object({
    status: z.enum(referralEmailStatuses),
    to: z.string().nullable(),
    language: z.enum(['en', 'fr']).nullable(),
    attemptedAt: iso.nullable(),
    sentAt: iso.nullable(),
    error: z.string().nullable().describe('The mail server’s answer when it refused or could not be reached'),
  }),
  personEmail: z
    .object({
      status: z.enum(referralEmailStatuses),
      to: z.string().nullable(),
      language: z.enum(['en', 'fr']).nullable(),
      by: staffRef.nullable(),
      attemptedAt: iso.nullable(),
      sentAt: iso.nullable(),
      error: z.string().nullable(),
    })
    .describe('The latest email of the service’s details to the person themselves'),
  createdBy: staffRef.nullable(),
  createdAt: iso,
  updatedAt: iso,
})
export type ReferralView = z.infer<typeof referralView>

export const referralList = z.object({ referrals: z.array(referralView) })

/**
 * Filters for `GET /api/directory/search`, as its query string takes them (lists comma-separated),
 * so `new URLSearchParams(filters)` is the search. Only what the case knows is filled in.
 */
export const directorySearchFilters = z.object({
  serviceType: z.string().optional().describe('The need’s kind (a service type code)'),
  population: z.string().optional().describe('Populations from the people’s identities'),
  language: z.string().optional().describe('The people’s languages (ISO 639)'),
  province: z.string().optional(),
  municipality: z.string().optional().describe('When the directory’s gazetteer does not know the place'),
  nearMunicipality: z.string().optional().describe('When it does: services around it'),
  age: z.string().optional().describe('The person’s age in years, when known exactly'),
})
export type DirectorySearchFilters = z.infer<typeof directorySearchFilters>

export const searchDefaults = z.object({
  filters: directorySearchFilters,
  /** What the filters were drawn from. */
  basis: z.object({ needId: z.string().nullable(), personIds: z.array(z.string()) }),
})
export type SearchDefaults = z.infer<typeof searchDefaults>

export const followUpItem = z.object({
  referralId: z.string(),
  caseId: z.string(),
  caseNumber: z.string(),
  needKind: z.enum(needKinds),
  serviceName: z.string(),
  organizationName: z.string(),
  status: z.enum(referralOutcomes),
  followUpDueAt: iso,
  createdAt: iso,
  assignedTo: staffRef.nullable(),
})
export const followUpList = z.object({
  followUps: z.array(followUpItem),
  total: z.number().describe('Referrals due among the cases the caller may see'),
})
export type FollowUpList = z.infer<typeof followUpList>
