import { z } from 'zod'
import { limits } from '../limits.ts'

export const auditQuery = z
  .strictObject({
    actor: z.uuid().optional().describe('Only events by this staff member'),
    action: z
      .string()
      .regex(/^[a-z_.]{1,60}$/)
      .optional()
      .describe('Action, or an action prefix such as "sign_in"'),
    from: z.iso.date().optional().describe('From this day (inclusive, UTC)'),
    to: z.iso.date().optional().describe('Up to this day (inclusive, UTC)'),
    before: z.coerce
      .number()
      .int()
      .positive()
      .optional()
      .describe('Page: events before this sequence number'),
    limit: z.coerce.number().int().min(1).max(limits.auditPageSize).default(50),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['to'], message: 'range_inverted' })

export const auditEventSchema = z.object({
  seq: z.number().int(),
  occurredAt: z.iso.datetime(),
  actorId: z.string().nullable(),
  actorLabel: z.string(),
  action: z.string(),
  entityType: z.string().nullable(),
  entityId: z.string().nullable(),
  address: z.string().nullable(),
  requestId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
})

export const auditPage = z.object({
  events: z.array(auditEventSchema),
  nextBefore: z.number().int().nullable().describe('Pass as "before" for the next page'),
})
