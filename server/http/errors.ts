import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import type { ApiErrorCode, FieldError } from '../../common/contracts/errors.ts'

/**
 * A failure the caller can act on. The `code` is stable (clients branch on it); the message is
 * translated at the edge from `common/locales/<lang>/errors.json`.
 */
export class AppError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    readonly status: number,
    readonly options: {
      values?: Record<string, unknown>
      fields?: FieldError[]
      retryAfterSeconds?: number
    } = {},
  ) {
    super(code)
  }
}

export const unauthenticated = () => new AppError('unauthenticated', 401)
export const forbidden = () => new AppError('forbidden', 403)
export const notFound = (entity: string) => new AppError('not_found', 404, { values: { entity } })
export const conflict = (fields?: FieldError[]) => new AppError('conflict', 409, { fields })
export const invalidField = (path: string, code: string, values?: Record<string, unknown>) =>
  new AppError('validation_failed', 400, { fields: [{ path, code, message: '', values }] })

type Translate = (key: string, values?: Record<string, unknown>) => string

/** Maps anything thrown in a request to the API error shape; unknown failures become a masked 500. */
export function toErrorResponse(error: unknown, request: FastifyRequest, translate: Translate) {
  const fail = (status: number, code: ApiErrorCode, extra: Partial<AppError['options']> = {}) => {
    const fields = extra.fields?.map((field) => ({
      path: field.path,
      code: field.code,
      message: translate(`errors:field.${field.code}`, { field: field.path, ...field.values }),
      ...(field.values && Object.keys(field.values).length > 0 ? { values: field.values } : {}),
    }))
    return {
      status,
      retryAfterSeconds: extra.retryAfterSeconds,
      body: {
        code,
        message: translate(`errors:${code}`, extra.values),
        ...(fields && fields.length > 0 ? { fields } : {}),
        requestId: request.id,
      },
    }
  }

  if (error instanceof AppError) return fail(error.status, error.code, error.options)
  if (hasZodFastifySchemaValidationErrors(error)) {
    const context = (error as FastifyError).validationContext
    return fail(400, 'validation_failed', {
      fields: error.validation.flatMap((issue) => fieldErrors(issue, context)),
    })
  }
  const fastifyError = error as Partial<FastifyError>
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return fail(400, 'malformed_json')
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return fail(413, 'payload_too_large')
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return fail(415, 'unsupported_media_type')
  }
  const status = fastifyError.statusCode
  if (error instanceof SyntaxError && status === 400) return fail(400, 'malformed_json')
  if (typeof status === 'number' && status >= 400 && status < 500) return fail(status, 'bad_request')
  request.log.error({ err: error }, 'unexpected error')
  return fail(500, 'internal_error')
}

function fieldErrors(
  issue: { keyword: string; instancePath: string; message?: string; params: Record<string, unknown> },
  context: string | undefined,
): FieldError[] {
  const base = issue.instancePath.replace(/^\//, '').replaceAll('/', '.')
  const at = (path: string) =>
    // Fastify names the query "querystring"; the API documents and clients expect "query.<field>".
    [context === 'body' ? undefined : context === 'querystring' ? 'query' : context, path]
      .filter(Boolean)
      .join('.') || '(root)'
  if (issue.keyword === 'unrecognized_keys') {
    const keys = (issue.params.keys as string[] | undefined) ?? []
    return keys.map((key) => ({
      path: at(base ? `${base}.${key}` : key),
      code: 'unknown_field',
      message: '',
    }))
  }
  const required = issue.keyword === 'invalid_type' && /received undefined/.test(issue.message ?? '')
  // A refinement names its field code in its message (e.g. 'range_inverted').
  const custom =
    issue.keyword === 'custom' && customFieldCodes.has(issue.message ?? '') ? issue.message : undefined
  const code = required
    ? 'required'
    : (custom ?? (knownIssueCodes.has(issue.keyword) ? issue.keyword : 'invalid'))
  const values: Record<string, unknown> = {}
  for (const key of ['minimum', 'maximum', 'expected', 'format', 'origin'] as const) {
    const value = issue.params[key]
    if (typeof value === 'string' || typeof value === 'number') values[key] = value
    if (typeof value === 'bigint') values[key] = Number(value)
  }
  if (Array.isArray(issue.params.values)) values.allowed = issue.params.values.join(', ')
  return [{ path: at(base), code, message: '', values }]
}

const knownIssueCodes = new Set(['invalid_type', 'too_small', 'too_big', 'invalid_format', 'invalid_value'])
const customFieldCodes = new Set([
  'range_inverted',
  'taken',
  'required',
  'lat_lng_together',
  'required_with_municipality',
  'unknown_place',
])

export function sendError(reply: FastifyReply, response: ReturnType<typeof toErrorResponse>) {
  if (response.retryAfterSeconds !== undefined)
    reply.header('retry-after', String(response.retryAfterSeconds))
  return reply.code(response.status).type('application/json; charset=utf-8').send(response.body)
}
