import { auditPage, auditQuery } from '../../common/contracts/audit.ts'
import { apiErrorSchema } from '../../common/contracts/errors.ts'
import type { AppDeps, ZodApp } from '../http/app.ts'
import { appendAuditEvent, findAuditEvents, sealAuditEvents } from './audit.store.ts'

const DAY = 86_400_000

export function registerAuditRoutes(app: ZodApp, { database }: AppDeps) {
  app.get(
    '/api/admin/audit',
    {
      config: { access: { kind: 'staff', permission: 'audit.read' } },
      schema: {
        tags: ['admin'],
        summary: 'Browse the audit log, newest first (this read is itself audited)',
        querystring: auditQuery,
        response: { 200: auditPage, 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema },
      },
    },
    async (request) => {
      const query = request.query
      const rows = await database.db.transaction().execute(async (trx) => {
        await appendAuditEvent(trx, request.auditContext, {
          action: 'audit.read',
          details: { filter: { actor: query.actor, action: query.action, from: query.from, to: query.to } },
        })
        // A sealer at work elsewhere may hold events committed before this read: wait for it.
        await sealAuditEvents(trx, { wait: true })
        return findAuditEvents(trx, {
          actorId: query.actor,
          action: query.action,
          from: query.from ? new Date(`${query.from}T00:00:00Z`) : undefined,
          to: query.to ? new Date(new Date(`${query.to}T00:00:00Z`).getTime() + DAY) : undefined,
          beforeSeq: query.before,
          limit: query.limit,
        })
      })
      return {
        events: rows.map((row) => ({
          seq: row.seq,
          occurredAt: row.occurred_at.toISOString(),
          actorId: row.actor_id,
          actorLabel: row.actor_label,
          action: row.action,
          entityType: row.entity_type,
          entityId: row.entity_id,
          address: row.address,
          requestId: row.request_id,
          details: row.details,
        })),
        nextBefore: rows.length === query.limit ? (rows.at(-1)?.seq ?? null) : null,
      }
    },
  )
}
