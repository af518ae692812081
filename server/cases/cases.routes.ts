import type { FastifyRequest } from 'fastify'
import { z } from 'zod'
import {
  assigneeList,
  attachSignalRequest,
  breakGlassByNumberRequest,
  breakGlassLog,
  breakGlassRequest,
  caseChildParams,
  caseDetail,
  caseExport,
  caseIdParams,
  caseList,
  caseSearchQuery,
  closeRequest,
  createCaseRequest,
  exploiterCreate,
  exploiterPatch,
  hintQuery,
  locationPatch,
  needCreate,
  needPatch,
  noteCreate,
  personCreate,
  personPatch,
  reassignRequest,
  safetyPatch,
  situationPatch,
} from '../../common/contracts/cases.ts'
import { apiErrorSchema } from '../../common/contracts/errors.ts'
import { principalOf } from '../http/access.ts'
import type { AppDeps, ZodApp } from '../http/app.ts'
import { presentAssignee, presentBreakGlass, presentCase, presentSummary } from './cases.presenter.ts'
import { type Actor, type CasesService, createCasesService } from './cases.service.ts'

const errors = {
  400: apiErrorSchema,
  401: apiErrorSchema,
  403: apiErrorSchema,
  404: apiErrorSchema,
  409: apiErrorSchema,
}
const read = { access: { kind: 'staff', permission: 'case.read' } } as const
const manage = { access: { kind: 'staff', permission: 'case.manage' } } as const
const supervise = { access: { kind: 'staff', permission: 'case.supervise' } } as const
const exporting = { access: { kind: 'staff', permission: 'case.export' } } as const
const breakGlass = { access: { kind: 'staff', permission: 'case.break_glass' } } as const
const created = z.object({ id: z.string(), case: caseDetail })

function actorOf(request: FastifyRequest): Actor {
  const principal = principalOf(request)
  return { viewer: { staffId: principal.userId, role: principal.role }, audit: request.auditContext }
}

/**
 * The cases API. Handlers are linear: the contract validates, the access hook has checked the
 * permission, one service call does the work (visibility in SQL, audit in its transaction), the
 * presenter shapes the answer. Writes answer with the case as it now is, itself an audited read.
 */
export function registerCaseRoutes(
  app: ZodApp,
  deps: AppDeps,
  cases: CasesService = createCasesService(deps),
) {
  const detail = async (actor: Actor, caseId: string) =>
    presentCase(await cases.read(actor, caseId), actor.viewer)

  app.get(
    '/api/cases',
    {
      config: read,
      schema: {
        tags: ['cases'],
        summary: 'Find cases among those the caller may see: by number, text, status, place',
        querystring: caseSearchQuery,
        response: { 200: caseList, ...errors },
      },
    },
    async (request) => {
      const { rows, total, staff } = await cases.search(actorOf(request), request.query)
      return { cases: rows.map((row) => presentSummary(row, staff)), total }
    },
  )

  app.post(
    '/api/cases',
    {
      config: manage,
      schema: {
        tags: ['cases'],
        summary: 'Open a case from a signal the caller handles; the caller is assigned',
        body: createCaseRequest,
        response: { 201: caseDetail, ...errors },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request)
      const caseId = await cases.createCase(actor, request.body.signalId)
      return reply.code(201).send(await detail(actor, caseId))
    },
  )

  app.get(
    '/api/cases/hints',
    {
      config: manage,
      schema: {
        tags: ['cases'],
        summary: 'Repeat-contact hint: the caller’s cases holding other signals of the same contact',
        querystring: hintQuery,
        response: { 200: caseList, ...errors },
      },
    },
    async (request) => {
      const { rows, staff } = await cases.hints(actorOf(request), request.query.signalId)
      return { cases: rows.map((row) => presentSummary(row, staff)), total: rows.length }
    },
  )

  app.get(
    '/api/cases/break-glass',
    {
      config: supervise,
      schema: {
        tags: ['cases'],
        summary: 'Break-the-glass openings by administrators, with their reasons, newest first',
        response: { 200: breakGlassLog, ...errors },
      },
    },
    async (request) => ({
      entries: (await cases.breakGlassLog(actorOf(request))).map(presentBreakGlass),
    }),
  )

  app.post(
    '/api/cases/break-glass',
    {
      config: breakGlass,
      schema: {
        tags: ['cases'],
        summary:
          'Administrators: open a case by its number with a written reason (audited, shown to supervisors)',
        body: breakGlassByNumberRequest,
        response: { 200: caseDetail, ...errors },
      },
    },
    async (request) => {
      const actor = actorOf(request)
      const caseId = await cases.breakGlassByNumber(actor, request.body.number, request.body.reason)
      return detail(actor, caseId)
    },
  )

  app.get(
    '/api/cases/assignees',
    {
      config: supervise,
      schema: {
        tags: ['cases'],
        summary: 'Whom a case may be reassigned to: active advocates and supervisors',
        response: { 200: assigneeList, ...errors },
      },
    },
    async () => ({ assignees: (await cases.assignees()).map(presentAssignee) }),
  )

  app.get(
    '/api/cases/:id',
    {
      config: read,
      schema: {
        tags: ['cases'],
        summary: 'A case with all its sections, signals, people, needs and notes (audited)',
        params: caseIdParams,
        response: { 200: caseDetail, ...errors },
      },
    },
    async (request) => detail(actorOf(request), request.params.id),
  )

  app.post(
    '/api/cases/:id/signals',
    {
      config: manage,
      schema: {
        tags: ['cases'],
        summary: 'Add a signal the caller handles to the case',
        params: caseIdParams,
        body: attachSignalRequest,
        response: { 200: caseDetail, ...errors },
      },
    },
    async (request) => {
      const actor = actorOf(request)
      await cases.attachSignal(actor, request.params.id, request.body.signalId)
      return detail(actor, request.params.id)
    },
  )

  const section = <S extends z.ZodType>(
    path: string,
    summary: string,
    body: S,
    save: (actor: Actor, caseId: string, patch: z.output<S>) => Promise<void>,
  ) =>
    app.patch(
      `/api/cases/:id/${path}`,
      {
        config: manage,
        schema: {
          tags: ['cases'],
          summary,
          params: caseIdParams,
          body,
          response: { 200: caseDetail, ...errors },
        },
      },
      async (request) => {
        const actor = actorOf(request)
        await save(actor, request.params.id, request.body as z.output<S>)
        return detail(actor, request.params.id)
      },
    )

  section('safety', 'Is the person safe right now, and the safety plan', safetyPatch, cases.updateSafety)
  section(
    'situation',
    'Trafficking types and status, methods of control and recruitment, industry',
    situationPatch,
    cases.updateSituation,
  )
  section(
    'location',
    'Where it happens: province or territory, municipality',
    locationPatch,
    cases.updateLocation,
  )

  const child = <S extends z.ZodType>(
    path: string,
    summary: string,
    body: S,
    add: (actor: Actor, caseId: string, input: z.output<S>) => Promise<string>,
  ) =>
    app.post(
      `/api/cases/:id/${path}`,
      {
        config: manage,
        schema: {
          tags: ['cases'],
          summary,
          params: caseIdParams,
          body,
          response: { 201: created, ...errors },
        },
      },
      async (request, reply) => {
        const actor = actorOf(request)
        const id = await add(actor, request.params.id, request.body as z.output<S>)
        return reply.code(201).send({ id, case: await detail(actor, request.params.id) })
      },
    )

  const childPatch = <S extends z.ZodType>(
    path: string,
    summary: string,
    body: S,
    save: (actor: Actor, caseId: string, childId: string, patch: z.output<S>) => Promise<void>,
  ) =>
    app.patch(
      `/api/cases/:id/${path}/:childId`,
      {
        config: manage,
        schema: {
          tags: ['cases'],
          summary,
          params: caseChildParams,
          body,
          response: { 200: caseDetail, ...errors },
        },
      },
      async (request) => {
        const actor = actorOf(request)
        await save(actor, request.params.id, request.params.childId, request.body as z.output<S>)
        return detail(actor, request.params.id)
      },
    )

  child('people', 'Add a person: whatever is known of them, possibly nothing', personCreate, cases.addPerson)
  childPatch('people', 'Change what is recorded of a person', personPatch, cases.updatePerson)
  child('exploiters', 'Add an exploiter (or a group of them)', exploiterCreate, cases.addExploiter)
  childPatch('exploiters', 'Change what is recorded of an exploiter', exploiterPatch, cases.updateExploiter)
  child('needs', 'Record a need, with its status', needCreate, cases.addNeed)
  childPatch('needs', 'Change a need’s status or person', needPatch, cases.updateNeed)
  child('notes', 'Append a note (encrypted, never edited)', noteCreate, (actor, caseId, input) =>
    cases.addNote(actor, caseId, input.body),
  )

  app.delete(
    '/api/cases/:id/needs/:childId',
    {
      config: manage,
      schema: {
        tags: ['cases'],
        summary: 'Remove a need recorded by mistake',
        params: caseChildParams,
        response: { 200: caseDetail, ...errors },
      },
    },
    async (request) => {
      const actor = actorOf(request)
      await cases.removeNeed(actor, request.params.id, request.params.childId)
      return detail(actor, request.params.id)
    },
  )

  app.post(
    '/api/cases/:id/close',
    {
      config: manage,
      schema: {
        tags: ['cases'],
        summary: 'Close the case, unless something still required blocks it (409 naming it)',
        params: caseIdParams,
        body: closeRequest,
        response: { 200: caseDetail, ...errors },
      },
    },
    async (request) => {
      const actor = actorOf(request)
      await cases.close(actor, request.params.id, request.body.reason || undefined)
      return detail(actor, request.params.id)
    },
  )

  app.post(
    '/api/cases/:id/reopen',
    {
      config: manage,
      schema: {
        tags: ['cases'],
        summary: 'Reopen a closed case',
        params: caseIdParams,
        response: { 200: caseDetail, ...errors },
      },
    },
    async (request) => {
      const actor = actorOf(request)
      await cases.reopen(actor, request.params.id)
      return detail(actor, request.params.id)
    },
  )

  app.post(
    '/api/cases/:id/assignment',
    {
      config: supervise,
      schema: {
        tags: ['cases'],
        summary: 'Reassign the case to an advocate or supervisor',
        params: caseIdParams,
        body: reassignRequest,
        response: { 200: caseDetail, ...errors },
      },
    },
    async (request) => {
      const actor = actorOf(request)
      await cases.reassign(actor, request.params.id, request.body.staffId)
      return detail(actor, request.params.id)
    },
  )

  app.post(
    '/api/cases/:id/break-glass',
    {
      config: breakGlass,
      schema: {
        tags: ['cases'],
        summary: 'Administrators: open a case with a written reason (audited, shown to supervisors)',
        params: caseIdParams,
        body: breakGlassRequest,
        response: { 200: caseDetail, ...errors },
      },
    },
    async (request) => {
      const actor = actorOf(request)
      await cases.breakGlass(actor, request.params.id, request.body.reason)
      return detail(actor, request.params.id)
    },
  )

  app.get(
    '/api/cases/:id/export',
    {
      config: exporting,
      schema: {
        tags: ['cases'],
        summary: 'The case as HTCDS 2.0 JSON, for an access request or a transfer with consent (audited)',
        params: caseIdParams,
        response: { 200: caseExport, ...errors },
      },
    },
    async (request, reply) => {
      const document = await cases.exportCase(actorOf(request), request.params.id)
      const number = (document.case as { rel_CaseNumber: string }).rel_CaseNumber
      return reply.header('content-disposition', `attachment; filename="${number}.json"`).send(document)
    },
  )
}
