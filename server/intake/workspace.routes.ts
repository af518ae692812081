import type { FastifyRequest } from 'fastify'
import type { WebSocket } from 'ws'
import { z } from 'zod'
import { chatLanguageCodes } from '../../common/languages.ts'
import { limits } from '../../common/limits.ts'
import { can } from '../../common/permissions.ts'
import { appendAuditEvent } from '../audit/audit.store.ts'
import { createCasesService } from '../cases/cases.service.ts'
import { caseAtWrapUp } from '../cases/signal-wrap-up.ts'
import { principalOf } from '../http/access.ts'
import type { AppDeps, ZodApp } from '../http/app.ts'
import { notFound } from '../http/errors.ts'
import type { Principal } from '../identity/identity.service.ts'
import { readBoard } from './board.ts'
import {
  acceptOffer,
  type ConversationDeps,
  completeWrapUp,
  declineOffer,
  endConversation,
  sendReply,
  setPresence,
  transferConversation,
} from './conversation.service.ts'
import type { IntakeBus, IntakeEvent } from './events.ts'
import { callerTypes, classifications, presenceStates, signalProvinces } from './intake.tables.ts'
import { readStaffMessages } from './transcript.ts'
import { readWorkspace } from './workspace.store.ts'

/**
 * The advocate's workspace and the supervisor's board: REST for every action (CSRF-checked like the
 * rest of the API), and one WebSocket per console tab that pushes what changed: new offers, the
 * advocate's own conversations and their messages, and for supervisors the board. Nothing is polled.
 */

const idParams = z.object({ id: z.uuid() })
const handle = { access: { kind: 'staff', permission: 'intake.handle' } } as const
const supervise = { access: { kind: 'staff', permission: 'intake.supervise' } } as const
const language = z.enum(chatLanguageCodes)

const presenceBody = z
  .object({
    state: z.enum(presenceStates),
    languages: z.array(language).min(1).max(20),
    skills: z.array(z.string().regex(/^[a-z_]{2,40}$/)).max(20),
  })
  .strict()

/** A WebSocket is a cross-site request like any other: only the console's own origin may open one. */
function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin
  if (!origin) return false
  try {
    return new URL(origin).host === request.host
  } catch {
    return false
  }
}

export function registerWorkspaceRoutes(
  app: ZodApp,
  deps: AppDeps,
  bus: IntakeBus,
  conversation: ConversationDeps,
) {
  const { database, secrets, env } = deps
  const cases = createCasesService(deps)

  app.get('/api/intake/workspace', { config: handle, schema: { tags: ['intake'] } }, async (request) =>
    readWorkspace(database, principalOf(request).userId),
  )

  app.put(
    '/api/intake/presence',
    { config: handle, schema: { tags: ['intake'], body: presenceBody } },
    async (request, reply) => {
      await setPresence(conversation, principalOf(request).userId, request.body)
      return reply.code(204).send()
    },
  )

  app.post(
    '/api/intake/offers/:id/accept',
    { config: handle, schema: { tags: ['intake'], params: idParams } },
    async (request) =>
      acceptOffer(
        conversation,
        { ...request.auditContext, actorId: principalOf(request).userId },
        request.params.id,
      ),
  )

  app.post(
    '/api/intake/offers/:id/decline',
    { config: handle, schema: { tags: ['intake'], params: idParams } },
    async (request, reply) => {
      await declineOffer(conversation, principalOf(request).userId, request.params.id)
      return reply.code(204).send()
    },
  )

  app.get(
    '/api/intake/signals/:id',
    { config: handle, schema: { tags: ['intake'], params: idParams } },
    async (request) => {
      const principal = principalOf(request)
      const signal = await database.db
        .selectFrom('intake_signal')
        .selectAll()
        .where('id', '=', request.params.id)
        .executeTakeFirst()
      // Advocates read the conversations offered to or handled by them; supervisors any.
      if (!signal || (signal.advocate_id !== principal.userId && !can(principal.role, 'intake.supervise'))) {
        throw notFound('signal')
      }
      const earlier =
        signal.contact_id && can(principal.role, 'intake.history')
          ? await database.db
              .selectFrom('intake_signal')
              .select(['id', 'channel', 'received_at', 'classification'])
              .where('contact_id', '=', signal.contact_id)
              .where('id', '!=', signal.id)
              .orderBy('received_at', 'desc')
              .limit(20)
              .execute()
          : null
      const messages = await readStaffMessages(database, secrets, signal.id)
      // A web form's answers: how (and whether) the person may be contacted, opened for this read only.
      const forms = await database.db
        .selectFrom('intake_form_submission')
        .select(['reference', 'kind', 'anonymous', 'contact_sealed', 'safe_contact_sealed', 'submitted_at'])
        .where('signal_id', '=', signal.id)
        .orderBy('submitted_at')
        .execute()
      await database.db.transaction().execute((trx) =>
        appendAuditEvent(trx, request.auditContext, {
          action: 'intake.signal.read',
          entityType: 'intake_signal',
          entityId: signal.id,
        }),
      )
      return {
        id: signal.id,
        channel: signal.channel,
        status: signal.status,
        queue: signal.queue,
        language: signal.language,
        preferredLanguage: signal.preferred_language,
        interpreterNeeded: signal.interpreter_needed,
        inDanger: signal.in_danger,
        safeToChat: signal.safe_to_chat,
        receivedAt: signal.received_at.toISOString(),
        answeredAt: signal.answered_at?.toISOString() ?? null,
        endedAt: signal.ended_at?.toISOString() ?? null,
        classification: signal.classification,
        repeatContact:
          signal.contact_id !== null && earlier !== null
            ? {
                earlierSignals: earlier.length,
                signals: earlier.map((row) => ({
                  id: row.id,
                  channel: row.channel,
                  receivedAt: row.received_at.toISOString(),
                  classification: row.classification,
                })),
              }
            : null,
        messages,
        forms: forms.map((form) => ({
          reference: form.reference,
          kind: form.kind,
          anonymous: form.anonymous,
          contact: form.contact_sealed ? (JSON.parse(secrets.open(form.contact_sealed)) as unknown) : null,
          safeContact: form.safe_contact_sealed
            ? (JSON.parse(secrets.open(form.safe_contact_sealed)) as unknown)
            : null,
          submittedAt: form.submitted_at.toISOString(),
        })),
      }
    },
  )

  app.post(
    '/api/intake/signals/:id/messages',
    {
      config: handle,
      schema: {
        tags: ['intake'],
        params: idParams,
        body: z
          .object({
            body: z.string().trim().min(1).max(limits.chatMessageMaxLength),
            // To reply although the person's case says this channel is not safe for them (audited).
            override: z
              .object({ reason: z.string().trim().min(10).max(1000) })
              .strict()
              .optional(),
          })
          .strict(),
      },
    },
    async (request, reply) => {
      const { override } = request.body
      const message = await sendReply(
        conversation,
        principalOf(request).userId,
        request.params.id,
        request.body.body,
        new Date(),
        override ? { reason: override.reason, audit: request.auditContext } : undefined,
      )
      return reply.code(201).send(message)
    },
  )

  app.post(
    '/api/intake/signals/:id/transfer',
    {
      config: handle,
      schema: {
        tags: ['intake'],
        params: idParams,
        body: z
          .object({
            toAdvocateId: z.uuid().nullable().default(null),
            toLanguage: language.nullable().default(null),
            note: z.string().trim().max(1000).nullable().default(null),
          })
          .strict()
          .refine((body) => body.toAdvocateId !== null || body.toLanguage !== null, {
            path: ['toAdvocateId'],
            message: 'required',
          }),
      },
    },
    async (request, reply) => {
      await transferConversation(
        conversation,
        { ...request.auditContext, actorId: principalOf(request).userId },
        request.params.id,
        { ...request.body, note: request.body.note || null },
      )
      return reply.code(204).send()
    },
  )

  app.post(
    '/api/intake/signals/:id/end',
    { config: handle, schema: { tags: ['intake'], params: idParams } },
    async (request, reply) => {
      await endConversation(
        conversation,
        { ...request.auditContext, actorId: principalOf(request).userId },
        request.params.id,
      )
      return reply.code(204).send()
    },
  )

  app.post(
    '/api/intake/signals/:id/wrap-up',
    {
      config: handle,
      schema: {
        tags: ['intake'],
        params: idParams,
        body: z
          .object({
            classification: z.enum(classifications),
            note: z.string().trim().max(2000).nullable().default(null),
            // What the person said of where they are and who they are to the situation, if anything.
            province: z.enum(signalProvinces).nullable().default(null),
            callerType: z.enum(callerTypes).nullable().default(null),
            // The case the conversation belongs to: an existing one the caller may see, or a new one.
            caseId: z.uuid().optional(),
            openCase: z.boolean().optional(),
          })
          .strict(),
      },
    },
    async (request, reply) => {
      const principal = principalOf(request)
      const linked = await caseAtWrapUp(
        { database, cases },
        { viewer: { staffId: principal.userId, role: principal.role }, audit: request.auditContext },
        request.params.id,
        request.body,
      )
      await completeWrapUp(
        conversation,
        { ...request.auditContext, actorId: principal.userId },
        request.params.id,
        {
          classification: request.body.classification,
          note: request.body.note || null,
          province: request.body.province,
          callerType: request.body.callerType,
        },
      )
      return linked ? reply.code(200).send({ case: linked }) : reply.code(204).send()
    },
  )

  app.get('/api/intake/board', { config: supervise, schema: { tags: ['intake'] } }, async () =>
    readBoard(database, env.RELAIS_SERVICE_LEVEL_SECONDS),
  )

  app.post(
    '/api/intake/signals/:id/reassign',
    {
      config: supervise,
      schema: {
        tags: ['intake'],
        params: idParams,
        body: z
          .object({ toAdvocateId: z.uuid(), note: z.string().trim().max(1000).nullable().default(null) })
          .strict(),
      },
    },
    async (request, reply) => {
      await transferConversation(
        conversation,
        { ...request.auditContext, actorId: principalOf(request).userId },
        request.params.id,
        {
          toAdvocateId: request.body.toAdvocateId,
          toLanguage: null,
          note: request.body.note || null,
          bySupervisor: true,
        },
      )
      return reply.code(204).send()
    },
  )

  app.get(
    '/api/intake/socket',
    { config: handle, schema: { hide: true }, websocket: true },
    (socket: WebSocket, request) => {
      if (!sameOrigin(request)) {
        socket.close(4403, 'origin')
        return
      }
      const principal = principalOf(request)
      openConsoleSocket(socket, principal, deps, bus)
    },
  )
}

/** Pushes one console tab what concerns it, coalescing bursts of events into one read. */
function openConsoleSocket(socket: WebSocket, principal: Principal, deps: AppDeps, bus: IntakeBus) {
  const { database, secrets, env } = deps
  const supervisor = can(principal.role, 'intake.supervise')
  // The signals this tab is told the messages of: its advocate's, refreshed with each workspace read.
  const mine = new Set<string>()
  const offered = new Set<string>()
  /** Signals that changed while a workspace read was on its way: it may have missed them. */
  const changedDuringRead = new Set<string>()
  let reading = false
  let workspaceDue = true
  let boardDue = supervisor
  let flushing: Promise<void> | null = null
  const send = (frame: unknown) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame))
  }
  const flush = () => {
    if (flushing) return
    flushing = (async () => {
      while (workspaceDue || boardDue) {
        if (workspaceDue) {
          workspaceDue = false
          changedDuringRead.clear()
          reading = true
          const workspace = await readWorkspace(database, principal.userId).finally(() => {
            reading = false
          })
          mine.clear()
          offered.clear()
          for (const item of workspace.conversations) mine.add(item.id)
          for (const offer of workspace.offers) offered.add(offer.signalId)
          send({ type: 'workspace', workspace })
          // A signal that changed meanwhile and turns out to be this tab's: read again.
          for (const id of changedDuringRead) if (mine.has(id) || offered.has(id)) workspaceDue = true
        }
        if (boardDue) {
          boardDue = false
          send({ type: 'board', board: await readBoard(database, env.RELAIS_SERVICE_LEVEL_SECONDS) })
        }
      }
    })()
      .catch(() => socket.close(1011))
      .finally(() => {
        flushing = null
      })
  }
  // A workspace read is due only for what changes it: an offer to this advocate, a signal it shows,
  // anyone's presence (the colleagues list). A signal that changes while a read is on its way is
  // noted, and read again if the read shows it is this tab's; other signals' changes cost nothing.
  const concernsMe = (event: IntakeEvent): boolean => {
    if (event.type === 'offer.created') return event.advocateId === principal.userId
    if (event.type === 'presence.changed') return true
    if (event.type === 'signal.queued' || event.type === 'signal.changed') {
      if (reading) changedDuringRead.add(event.signalId)
      return mine.has(event.signalId) || offered.has(event.signalId)
    }
    return false
  }
  const unsubscribe = bus.subscribe((event: IntakeEvent) => {
    if (event.type === 'message.created') {
      if (!mine.has(event.signalId)) return
      // The page notices a gap in sequence numbers and reloads the transcript.
      void readStaffMessages(database, secrets, event.signalId, event.seq - 1, event.seq)
        .then((messages) => send({ type: 'messages', signalId: event.signalId, messages }))
        .catch(() => socket.close(1011))
      return
    }
    if (event.type === 'message.delivery') {
      if (mine.has(event.signalId)) send({ type: 'delivery', signalId: event.signalId })
      boardDue = supervisor
    } else if (event.type !== 'outbound.queued') {
      workspaceDue ||= concernsMe(event)
      boardDue = supervisor
    }
    flush()
  })
  flush()
  socket.on('close', unsubscribe)
}
