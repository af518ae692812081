import { z } from 'zod'
import { provinceCodes } from '../geography.ts'

/** Limits of the status survey, enforced by the API and shown by the forms. */
export const surveyLimits = {
  titleMaxLength: 200,
  messageMaxLength: 5000,
  validityDaysMin: 1,
  validityDaysMax: 90,
  hoursMaxLength: 500,
  phoneMaxLength: 30,
  noteMaxLength: 2000,
  reviewNoteMaxLength: 1000,
  servicesMax: 100,
} as const

/** What a provider says of one of its services. */
export const serviceAnswers = [
  'open',
  'reduced_hours',
  'remote_only',
  'not_accepting',
  'temporarily_closed',
] as const
export type ServiceAnswer = (typeof serviceAnswers)[number]

const bilingualMessage = z.strictObject({
  en: z.string().trim().min(1).max(surveyLimits.messageMaxLength).describe('Message in English'),
  fr: z.string().trim().min(1).max(surveyLimits.messageMaxLength).describe('Message in French'),
})

export const createCampaignRequest = z.strictObject({
  title: z
    .string()
    .trim()
    .min(1)
    .max(surveyLimits.titleMaxLength)
    .describe('Title, also the subject of the email'),
  message: bilingualMessage.describe('The text of the email, in both official languages'),
  validityDays: z
    .number()
    .int()
    .min(surveyLimits.validityDaysMin)
    .max(surveyLimits.validityDaysMax)
    .describe('How many days each link stays valid after it is sent'),
  province: z
    .enum(provinceCodes as [string, ...string[]])
    .optional()
    .describe('Only providers in this province or territory (default: all of Canada)'),
  includeAgencies: z
    .boolean()
    .default(false)
    .describe('Also survey law enforcement, child protection and emergency dispatch'),
})
export type CreateCampaignRequest = z.input<typeof createCampaignRequest>

export const campaignIdParams = z.strictObject({ id: z.uuid() })
export const responseIdParams = z.strictObject({ id: z.uuid() })
export const tokenParams = z.strictObject({ token: z.string().max(200).describe('The token of the link') })

const phonePattern = /^[0-9+()\-.\s]+(?:\s*(?:x|ext\.?|poste)\s*\d{1,6})?$/i
const phone = z
  .string()
  .trim()
  .min(3)
  .max(surveyLimits.phoneMaxLength)
  .refine((value) => phonePattern.test(value), { message: 'invalid' })

export const surveyAnswerSchema = z.strictObject({
  unchanged: z.boolean().describe('True when everything shown is still correct'),
  services: z
    .array(
      z.strictObject({
        serviceId: z.string().min(1).max(100),
        status: z.enum(serviceAnswers),
        hours: z
          .string()
          .trim()
          .max(surveyLimits.hoursMaxLength)
          .optional()
          .describe('New opening hours, in words'),
      }),
    )
    .max(surveyLimits.servicesMax)
    .default([]),
  phone: phone.optional().describe('New main telephone number'),
})
export type SurveyAnswer = z.output<typeof surveyAnswerSchema>

export const submitResponseRequest = surveyAnswerSchema.extend({
  note: z
    .string()
    .trim()
    .max(surveyLimits.noteMaxLength)
    .optional()
    .describe('Anything else to tell the hotline'),
})
export type SubmitResponseRequest = z.input<typeof submitResponseRequest>
export type SubmitResponseInput = z.output<typeof submitResponseRequest>

export const reviewRequest = z.strictObject({
  note: z.string().trim().max(surveyLimits.reviewNoteMaxLength).optional(),
})
export const rejectRequest = z.strictObject({
  note: z
    .string()
    .trim()
    .min(1)
    .max(surveyLimits.reviewNoteMaxLength)
    .describe('Why the answer is not applied'),
})

const bilingual = z.object({ en: z.string().nullable(), fr: z.string().nullable() })
const schedule = z.object({
  byday: z.string().nullable(),
  opensAt: z.string().nullable(),
  closesAt: z.string().nullable(),
  description: z.string().nullable(),
})

/** An entry as the survey shows it: what the provider is asked to confirm. */
export const surveyEntry = z.object({
  name: bilingual,
  phone: z.string().nullable(),
  services: z.array(
    z.object({
      id: z.string(),
      name: bilingual,
      status: z.enum(['active', 'inactive', 'defunct', 'temporarily closed']),
      referralStatus: z.enum(['accepting', 'waitlist', 'not_accepting']).nullable(),
      schedules: z.array(schedule),
      alert: z.string().nullable(),
    }),
  ),
})
export type SurveyEntry = z.infer<typeof surveyEntry>

export const publicSurvey = z.object({
  title: z.string(),
  message: bilingual,
  language: z.enum(['en', 'fr']).describe('The language the email was sent in'),
  expiresAt: z.iso.datetime(),
  entry: surveyEntry,
})
export type PublicSurvey = z.infer<typeof publicSurvey>

export const submittedResponse = z.object({ ok: z.literal(true) })

export const deliveryStatuses = ['pending', 'sending', 'sent', 'failed'] as const
export const reviewStatuses = ['pending', 'approved', 'rejected'] as const

const counts = z.object({
  recipients: z.number().int(),
  pending: z.number().int(),
  sent: z.number().int(),
  failed: z.number().int(),
  responses: z.number().int(),
  awaitingReview: z.number().int(),
})

export const campaignSummary = z.object({
  id: z.uuid(),
  title: z.string(),
  message: z.object({ en: z.string(), fr: z.string() }),
  validityDays: z.number().int(),
  province: z.string().nullable(),
  includeAgencies: z.boolean(),
  createdAt: z.iso.datetime(),
  counts,
  abilities: z.object({ send: z.boolean() }).describe('What the caller may do with this campaign'),
})
export type CampaignSummary = z.infer<typeof campaignSummary>

export const campaignList = z.object({
  mail: z.object({ configured: z.boolean().describe('False when RELAIS_SMTP_URL is not set') }),
  campaigns: z.array(campaignSummary),
})
export type CampaignList = z.infer<typeof campaignList>

export const recipientSchema = z.object({
  id: z.uuid(),
  organizationId: z.string(),
  organizationName: bilingual,
  email: z.string(),
  language: z.enum(['en', 'fr']),
  status: z.enum(deliveryStatuses),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  sentAt: z.iso.datetime().nullable(),
  expiresAt: z.iso.datetime().nullable(),
  openedAt: z.iso.datetime().nullable(),
  usedAt: z.iso.datetime().nullable(),
})
export type Recipient = z.infer<typeof recipientSchema>

export const responseSchema = z.object({
  id: z.uuid(),
  recipientId: z.uuid(),
  organizationId: z.string(),
  organizationName: bilingual,
  submittedAt: z.iso.datetime(),
  language: z.enum(['en', 'fr']),
  answer: z.object({
    unchanged: z.boolean(),
    services: z.array(
      z.object({ serviceId: z.string(), status: z.enum(serviceAnswers), hours: z.string().nullable() }),
    ),
    phone: z.string().nullable(),
  }),
  note: z.string().nullable(),
  current: surveyEntry.nullable().describe('The entry as the directory holds it now'),
  reviewStatus: z.enum(reviewStatuses),
  outcome: z.enum(['confirmed', 'changed']).nullable(),
  reviewedAt: z.iso.datetime().nullable(),
  reviewNote: z.string().nullable(),
  abilities: z.object({ approve: z.boolean(), reject: z.boolean() }),
})
export type SurveyResponse = z.infer<typeof responseSchema>

export const campaignDetail = campaignSummary.extend({
  recipients: z.array(recipientSchema),
  responses: z.array(responseSchema),
})
export type CampaignDetail = z.infer<typeof campaignDetail>

export const sendResult = z.object({
  sent: z.number().int().describe('Accepted by the mail server in this call'),
  failed: z.number().int().describe('Refused, or the server could not be reached'),
  remaining: z.number().int().describe('Still never tried: call again to continue'),
})
export type SendResult = z.infer<typeof sendResult>

export const reviewResult = z.object({ response: responseSchema })
