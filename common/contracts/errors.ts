import { z } from 'zod'

export const apiErrorCodes = [
  'validation_failed',
  'malformed_json',
  'bad_request',
  'unauthenticated',
  'forbidden',
  'not_found',
  'route_not_found',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'csrf_invalid',
  'rate_limited',
  'invalid_credentials',
  'invalid_mfa_code',
  'mfa_stage_required',
  'session_expired',
  'internal_error',
  'service_unavailable',
  'survey_link_unknown',
  'survey_link_expired',
  'survey_link_used',
  'mail_not_configured',
  'offer_gone',
  'signal_state',
  'case_closed',
  'case_close_blocked',
  'contact_unsafe',
  'referral_mail_unavailable',
] as const
export type ApiErrorCode = (typeof apiErrorCodes)[number]

export interface FieldError {
  path: string
  code: string
  message: string
  values?: Record<string, unknown>
}

/** The one shape of every error the API returns. */
export const apiErrorSchema = z
  .object({
    code: z.enum(apiErrorCodes).describe('Stable, machine-readable error code'),
    message: z.string().describe("Human-readable message in the caller's language"),
    fields: z
      .array(
        z.object({
          path: z.string().describe('The field, dotted (e.g. "email", "query.from")'),
          code: z.string().describe('What is wrong with it (required, too_small, unknown_field, ...)'),
          message: z.string(),
          values: z
            .record(z.string(), z.union([z.string(), z.number()]))
            .optional()
            .describe(
              'The limits behind the message (minimum, maximum, allowed, ...), for clients that word it themselves',
            ),
        }),
      )
      .optional(),
    requestId: z.string().describe('Quote this id when reporting a problem'),
  })
  .describe('Error')
