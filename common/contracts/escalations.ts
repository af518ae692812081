import { z } from 'zod'
import { provinceCodes } from '../geography.ts'
import { agencyKinds, agencySchema } from './directory.ts'

/**
 * Escalations by protocol: the protocol document (versioned data per province or territory, shipped
 * as files and overridable by an admin), what an evaluation answers, and the escalation records with
 * their steps. Shared by the server and the console.
 */

export const escalationKinds = ['child_protection', 'law_enforcement_tip', 'emergency_dispatch'] as const
export type EscalationKind = (typeof escalationKinds)[number]

/**
 * What a step records: `confirm` nothing but an optional note (facts gathered, age confirmed),
 * `share` the list of what is shared, `contact` the agency reached and when, `reference` the report
 * reference the agency gave.
 */
export const stepActions = ['confirm', 'share', 'contact', 'reference'] as const
export type StepAction = (typeof stepActions)[number]

const bilingual = z.strictObject({
  en: z.string().trim().min(1).max(500),
  fr: z.string().trim().min(1).max(500),
})
const stepId = z.string().regex(/^[a-z][a-z0-9_]{1,40}$/)

export const protocolStep = z.strictObject({
  id: stepId,
  action: z.enum(stepActions),
  label: bilingual,
  help: bilingual.optional(),
})
export type ProtocolStep = z.infer<typeof protocolStep>

/** Whether an adult's information may leave without their consent, and the imminent-danger exception. */
export const consentRule = z.strictObject({
  adults: z.enum(['required', 'not_required']),
  imminentDangerException: z.boolean(),
})
export type ConsentRule = z.infer<typeof consentRule>

const kindBase = {
  /** Directory organisation kinds that may receive this escalation, by preference. */
  agencyKinds: z.array(z.enum(agencyKinds)).min(1).max(4),
  steps: z.array(protocolStep).min(1).max(20),
  supervisorReview: z.boolean(),
}

export const protocolDocument = z
  .strictObject({
    id: z.string().regex(/^[a-z]{2}-[a-z]{2}$/),
    version: z.number().int().min(1).max(100000),
    effectiveFrom: z.iso.date(),
    jurisdiction: z.strictObject({
      country: z.literal('CA'),
      province: z.enum(provinceCodes as [string, ...string[]]),
    }),
    name: bilingual,
    sources: z
      .array(z.strictObject({ title: z.string().min(1).max(300), url: z.url() }))
      .max(20)
      .default([]),
    escalations: z.strictObject({
      child_protection: z.strictObject({
        /** A report is required for anyone younger than this (in whole years). */
        reportRequiredUnder: z.number().int().min(1).max(25),
        /** A report may be made, not required, for anyone younger than this and not younger than the above. */
        reportMayUnder: z.number().int().min(1).max(25).optional(),
        ...kindBase,
      }),
      law_enforcement_tip: z.strictObject({ consent: consentRule, ...kindBase }),
      emergency_dispatch: z.strictObject({ consent: consentRule, ...kindBase }),
    }),
  })
  .superRefine((document, context) => {
    const expectedId = `${document.jurisdiction.country}-${document.jurisdiction.province}`.toLowerCase()
    if (document.id !== expectedId)
      context.addIssue({ code: 'custom', path: ['id'], message: 'jurisdiction_mismatch' })
    const child = document.escalations.child_protection
    if (child.reportMayUnder !== undefined && child.reportMayUnder < child.reportRequiredUnder)
      context.addIssue({
        code: 'custom',
        path: ['escalations', 'child_protection', 'reportMayUnder'],
        message: 'range_inverted',
      })
    // Each kind's steps must let the record say what it needs: whom, and for a report its reference.
    const needs: Record<EscalationKind, StepAction[]> = {
      child_protection: ['contact', 'reference'],
      law_enforcement_tip: ['share', 'contact'],
      emergency_dispatch: ['contact'],
    }
    for (const kind of escalationKinds) {
      const steps = document.escalations[kind].steps
      const seen = new Set<string>()
      steps.forEach((step, index) => {
        if (seen.has(step.id))
          context.addIssue({
            code: 'custom',
            path: ['escalations', kind, 'steps', index, 'id'],
            message: 'duplicate_step',
          })
        seen.add(step.id)
      })
      for (const action of needs[kind]) {
        const count = steps.filter((step) => step.action === action).length
        if (count !== 1)
          context.addIssue({
            code: 'custom',
            path: ['escalations', kind, 'steps'],
            message: count === 0 ? 'missing_step_action' : 'duplicate_step_action',
            params: { action },
          })
      }
    }
  })
export type ProtocolDocument = z.infer<typeof protocolDocument>

/** How an escalation's consent was answered; anything but `given` is no consent. */
export const consentValues = ['given', 'refused', 'not_asked'] as const
export type Consent = (typeof consentValues)[number]

export const verdicts = ['required', 'possibly_required', 'allowed', 'refused', 'not_applicable'] as const
export type Verdict = (typeof verdicts)[number]

export const reasonCodes = [
  'under_required_age',
  'under_discretionary_age',
  'age_band_straddles',
  'age_unknown',
  'no_people_recorded',
  'all_adults',
  'jurisdiction_unknown',
  'subject_is_minor',
  'consent_given',
  'consent_not_required',
  'imminent_danger',
  'consent_missing',
  'imminent_danger_no_exception',
] as const
export type ReasonCode = (typeof reasonCodes)[number]

/** Facts shared with an agency, named (never their values) in the escalation record. */
export const shareableFields = [
  'age',
  'gender',
  'languages',
  'location',
  'names',
  'contact_details',
  'situation',
  'safety_concerns',
  'exploiter_details',
  'immigration_status',
] as const
export type ShareableField = (typeof shareableFields)[number]

export const escalationStatuses = ['in_progress', 'completed', 'cancelled'] as const
export const reviewStatuses = ['not_required', 'pending', 'approved', 'returned'] as const
export const outcomes = [
  'reported',
  'assistance_dispatched',
  'no_action_taken',
  'unreachable',
  'other',
] as const
export type Outcome = (typeof outcomes)[number]

const uuid = z.uuid()
const note = z.string().trim().min(1).max(2000)

// `id` is the case, as on every /api/cases/:id route.
export const escalationCaseParams = z.strictObject({ id: uuid })
export const escalationParams = z.strictObject({ id: uuid, escalationId: uuid })

const flag = z.enum(['true', 'false']).transform((value) => value === 'true')

export const evaluationQuery = z.strictObject({
  consent: z.enum(consentValues).default('not_asked'),
  imminentDanger: flag.default(false),
  lang: z.enum(['en', 'fr']).optional(),
})

export const agenciesQuery = z.strictObject({
  kind: z.enum(escalationKinds),
  lang: z.enum(['en', 'fr']).optional(),
})

export const startEscalationRequest = z.strictObject({
  kind: z.enum(escalationKinds),
  /** The people it concerns; by default those the evaluation names for this kind. */
  personIds: z.array(uuid).max(50).optional(),
  consent: z.enum(consentValues),
  imminentDanger: z.boolean().default(false),
  imminentDangerNote: note.optional(),
})

export const completeStepRequest = z.strictObject({
  stepId,
  note: note.optional(),
  sharedFields: z.array(z.enum(shareableFields)).min(1).max(shareableFields.length).optional(),
  agencyId: z.string().min(1).max(200).optional(),
  contactedAt: z.iso.datetime({ offset: true }).optional(),
  reportReference: z.string().trim().min(1).max(100).optional(),
})
export type CompleteStepRequest = z.infer<typeof completeStepRequest>

export const outcomeRequest = z.strictObject({ outcome: z.enum(outcomes), note: note.optional() })
export const cancelRequest = z.strictObject({ reason: note })
export const reviewRequest = z.strictObject({
  decision: z.enum(['approved', 'returned']),
  note: note.optional(),
})
export const addProtocolRequest = z.strictObject({ document: z.record(z.string(), z.unknown()) })

const reason = z.object({
  code: z.enum(reasonCodes),
  personId: z.string().nullable(),
  values: z.record(z.string(), z.union([z.string(), z.number()])),
  message: z.string().describe("The reason in the caller's language"),
})

export const protocolSummary = z.object({
  id: z.string(),
  version: z.number().int(),
  effectiveFrom: z.string(),
  name: z.string(),
  source: z.enum(['shipped', 'admin']),
})

const stepView = z.object({
  id: z.string(),
  action: z.enum(stepActions),
  label: z.string(),
  help: z.string().nullable(),
})

export const kindEvaluation = z.object({
  kind: z.enum(escalationKinds),
  verdict: z.enum(verdicts),
  reasons: z.array(reason),
  personIds: z.array(z.string()).describe('The people the escalation would concern'),
  steps: z.array(stepView).describe("The protocol's steps, in order"),
  supervisorReview: z.boolean(),
})

export const closeBlocker = z.object({
  kind: z.enum(escalationKinds),
  code: z.enum(['child_protection_report_required', 'child_protection_age_to_confirm']),
  personIds: z.array(z.string()),
})
export type CloseBlocker = z.infer<typeof closeBlocker>

export const evaluationResponse = z.object({
  protocol: protocolSummary.nullable(),
  kinds: z.array(kindEvaluation),
  closeBlockers: z.array(closeBlocker).describe('What must be recorded before the case may close'),
})

export const escalationView = z.object({
  id: z.string(),
  caseId: z.string(),
  kind: z.enum(escalationKinds),
  protocol: z.object({ id: z.string(), version: z.number().int() }),
  status: z.enum(escalationStatuses),
  personIds: z.array(z.string()),
  consent: z.enum(consentValues),
  imminentDanger: z.boolean(),
  imminentDangerNote: z.string().nullable(),
  startedBy: z.string(),
  startedAt: z.string(),
  agency: z
    .object({ id: z.string(), name: z.string(), kind: z.enum(agencyKinds), phone: z.string().nullable() })
    .nullable()
    .describe('To whom, as the directory named it when the agency was contacted'),
  contactedAt: z.string().nullable(),
  sharedFields: z.array(z.enum(shareableFields)),
  reportReference: z.string().nullable(),
  outcome: z.enum(outcomes).nullable(),
  outcomeNote: z.string().nullable(),
  completedBy: z.string().nullable(),
  completedAt: z.string().nullable(),
  cancelReason: z.string().nullable(),
  review: z.object({
    status: z.enum(reviewStatuses),
    by: z.string().nullable(),
    at: z.string().nullable(),
    note: z.string().nullable(),
  }),
  steps: z.array(
    stepView.extend({
      done: z.boolean(),
      completedBy: z.string().nullable(),
      completedAt: z.string().nullable(),
      note: z.string().nullable(),
    }),
  ),
  nextStepId: z.string().nullable(),
})
export type EscalationView = z.infer<typeof escalationView>

export const escalationList = z.object({ escalations: z.array(escalationView) })
export const pendingReviews = z.object({
  reviews: z.array(
    z.object({
      escalationId: z.string(),
      caseId: z.string(),
      kind: z.enum(escalationKinds),
      protocol: z.object({ id: z.string(), version: z.number().int() }),
      agencyName: z.string().nullable(),
      completedBy: z.string().nullable(),
      completedAt: z.string().nullable(),
    }),
  ),
})
export const caseAgencies = z.object({
  province: z.string().nullable(),
  municipality: z.string().nullable(),
  agencies: z.array(agencySchema),
})
export const protocolList = z.object({ protocols: z.array(protocolSummary) })
