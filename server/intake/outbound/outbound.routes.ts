import { z } from 'zod'
import { apiErrorSchema } from '../../../common/contracts/errors.ts'
import { appendAuditEvent } from '../../audit/audit.store.ts'
import type { AppDeps, ZodApp } from '../../http/app.ts'
import { notFound } from '../../http/errors.ts'
import { channels } from '../intake.tables.ts'
import { listDeadLetters, retryDeadLetter } from './dead-letters.ts'

/** A dead-lettered outbound message: ids, channel, the provider's error code, times; no content. */
export const deadLetterSchema = z.object({
  id: z.uuid(),
  messageId: z.uuid(),
  signalId: z.uuid(),
  channel: z.enum(channels),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: z.iso.datetime(),
  deadAt: z.iso.datetime(),
})
export const deadLetterList = z.object({ deadLetters: z.array(deadLetterSchema) })
export const deadLetterParams = z.strictObject({ id: z.uuid() })
export const retriedDeadLetter = z.object({ id: z.uuid(), queued: z.literal(true) })

const errors = { 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema, 404: apiErrorSchema }
const supervise = { access: { kind: 'staff' as const, permission: 'intake.supervise' as const } }

/** The supervisor board's dead-letter list, and the retry of one message from it; both audited. */
export function registerOutboundRoutes(app: ZodApp, { database }: Pick<AppDeps, 'database'>) {
  app.get(
    '/api/intake/dead-letters',
    {
      config: supervise,
      schema: {
        tags: ['intake'],
        summary: 'Outbound messages no provider accepted, newest first (at most 200)',
        response: { 200: deadLetterList, ...errors },
      },
    },
    async (request) => {
      const rows = await listDeadLetters(database)
      await database.db.transaction().execute((trx) =>
        appendAuditEvent(trx, request.auditContext, {
          action: 'intake.dead_letters.read',
          details: { count: rows.length },
        }),
      )
      return {
        deadLetters: rows.map((row) => ({
          ...row,
          createdAt: row.createdAt.toISOString(),
          deadAt: row.deadAt.toISOString(),
        })),
      }
    },
  )

  app.post(
    '/api/intake/dead-letters/:id/retry',
    {
      config: supervise,
      schema: {
        tags: ['intake'],
        summary: 'Send a dead-lettered message again, with a fresh count of attempts',
        params: deadLetterParams,
        response: { 200: retriedDeadLetter, ...errors },
      },
    },
    async (request) => {
      if (!(await retryDeadLetter(database, request.params.id, request.auditContext))) {
        throw notFound('dead_letter')
      }
      return { id: request.params.id, queued: true as const }
    },
  )
}
