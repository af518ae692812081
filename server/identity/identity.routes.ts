import type { FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { apiErrorSchema } from '../../common/contracts/errors.ts'
import {
  codeRequest,
  createUserRequest,
  enrolmentResponse,
  okResponse,
  preferencesRequest,
  sessionResponse,
  signInRequest,
  signInResponse,
  userIdParams,
  userSchema,
} from '../../common/contracts/identity.ts'
import { principalOf, SESSION_COOKIE } from '../http/access.ts'
import type { AppDeps, ZodApp } from '../http/app.ts'
import { notFound } from '../http/errors.ts'
import { presentSession, presentUser } from './identity.presenter.ts'

const errors = {
  400: apiErrorSchema,
  401: apiErrorSchema,
  403: apiErrorSchema,
  409: apiErrorSchema,
  429: apiErrorSchema,
}

export function registerIdentityRoutes(app: ZodApp, { identity, env }: AppDeps) {
  const cookieOptions = (request: FastifyRequest) => ({
    path: '/',
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: env.RELAIS_COOKIE_SECURE ?? request.protocol === 'https',
  })
  const clearCookie = (request: FastifyRequest, reply: FastifyReply) =>
    reply.clearCookie(SESSION_COOKIE, cookieOptions(request))

  app.post(
    '/api/auth/sign-in',
    {
      config: { access: { kind: 'public' } },
      schema: {
        tags: ['identity'],
        summary: 'First factor: email and password',
        body: signInRequest,
        response: { 200: signInResponse, ...errors },
      },
    },
    async (request, reply) => {
      const result = await identity.signIn(
        { ...request.body, userAgent: request.headers['user-agent'] ?? null },
        request.auditContext,
      )
      reply.setCookie(SESSION_COOKIE, result.token, cookieOptions(request))
      return { next: result.next, csrfToken: result.csrfToken }
    },
  )

  app.get(
    '/api/auth/mfa/enrolment',
    {
      config: { access: { kind: 'mfa' } },
      schema: {
        tags: ['identity'],
        summary: 'Start TOTP enrolment',
        response: { 200: enrolmentResponse, ...errors },
      },
    },
    async (request) => identity.startEnrolment(principalOf(request)),
  )

  app.post(
    '/api/auth/mfa/enrol',
    {
      config: { access: { kind: 'mfa' } },
      schema: {
        tags: ['identity'],
        summary: 'Confirm TOTP enrolment with a first code',
        body: codeRequest,
        response: { 200: sessionResponse, ...errors },
      },
    },
    async (request) => {
      const principal = principalOf(request)
      await identity.confirmEnrolment(principal, request.body.code, request.auditContext)
      return presentSession({ ...principal, stage: 'active', mfaEnrolled: true })
    },
  )

  app.post(
    '/api/auth/mfa/verify',
    {
      config: { access: { kind: 'mfa' } },
      schema: {
        tags: ['identity'],
        summary: 'Second factor: a TOTP code',
        body: codeRequest,
        response: { 200: sessionResponse, ...errors },
      },
    },
    async (request) => {
      const principal = principalOf(request)
      await identity.verifyMfa(principal, request.body.code, request.auditContext)
      return presentSession({ ...principal, stage: 'active' })
    },
  )

  app.get(
    '/api/auth/session',
    {
      config: { access: { kind: 'staff' } },
      schema: {
        tags: ['identity'],
        summary: 'The signed-in staff member',
        response: { 200: sessionResponse, ...errors },
      },
    },
    async (request) => presentSession(principalOf(request)),
  )

  app.get(
    '/api/auth/pending',
    {
      config: { access: { kind: 'mfa' } },
      schema: {
        tags: ['identity'],
        summary: 'A session waiting for its second factor',
        response: { 200: sessionResponse, ...errors },
      },
    },
    async (request) => presentSession(principalOf(request)),
  )

  app.patch(
    '/api/auth/preferences',
    {
      config: { access: { kind: 'staff' } },
      schema: { tags: ['identity'], body: preferencesRequest, response: { 200: okResponse, ...errors } },
    },
    async (request) => {
      await identity.setLocale(principalOf(request), request.body.locale)
      return { ok: true as const }
    },
  )

  app.post(
    '/api/auth/sign-out',
    {
      config: { access: { kind: 'staff' } },
      schema: { tags: ['identity'], summary: 'End this session', response: { 200: okResponse, ...errors } },
    },
    async (request, reply) => {
      await identity.signOut(principalOf(request), request.auditContext)
      clearCookie(request, reply)
      return { ok: true as const }
    },
  )

  app.post(
    '/api/auth/sign-out-everywhere',
    {
      config: { access: { kind: 'staff' } },
      schema: {
        tags: ['identity'],
        summary: 'End every session of this account, on every device',
        response: { 200: z.object({ ok: z.literal(true), sessions: z.number().int() }), ...errors },
      },
    },
    async (request, reply) => {
      const sessions = await identity.signOutEverywhere(principalOf(request), request.auditContext)
      clearCookie(request, reply)
      return { ok: true as const, sessions }
    },
  )

  app.get(
    '/api/admin/users',
    {
      config: { access: { kind: 'staff', permission: 'user.read' } },
      schema: {
        tags: ['admin'],
        summary: 'All staff accounts',
        response: { 200: z.object({ users: z.array(userSchema) }), ...errors },
      },
    },
    async (request) => {
      const viewer = principalOf(request)
      const users = await identity.listUsers()
      return { users: users.map((user) => presentUser(user, viewer)) }
    },
  )

  app.post(
    '/api/admin/users',
    {
      config: { access: { kind: 'staff', permission: 'user.manage' } },
      schema: {
        tags: ['admin'],
        summary: 'Create a staff account (it enrols MFA at first sign-in)',
        body: createUserRequest,
        response: { 201: userSchema, ...errors },
      },
    },
    async (request, reply) => {
      const user = await identity.createUser(request.body, request.auditContext)
      return reply.code(201).send(presentUser(user, principalOf(request)))
    },
  )

  const userAction = (
    path: string,
    summary: string,
    act: (id: string, request: FastifyRequest) => Promise<unknown>,
  ) =>
    app.post(
      `/api/admin/users/:id/${path}`,
      {
        config: { access: { kind: 'staff', permission: 'user.manage' } },
        schema: {
          tags: ['admin'],
          summary,
          params: userIdParams,
          response: { 200: userSchema, 404: apiErrorSchema, ...errors },
        },
      },
      async (request) => {
        const user = (await act(request.params.id, request)) as Parameters<typeof presentUser>[0] | undefined
        if (!user) throw notFound('staff_user')
        return presentUser(user, principalOf(request))
      },
    )
  userAction('disable', 'Disable an account and end its sessions', (id, request) =>
    identity.setDisabled(id, true, request.auditContext),
  )
  userAction('enable', 'Re-enable an account', (id, request) =>
    identity.setDisabled(id, false, request.auditContext),
  )
  userAction('reset-mfa', 'Reset MFA: the person enrols again at next sign-in', (id, request) =>
    identity.resetMfa(id, request.auditContext),
  )
}
