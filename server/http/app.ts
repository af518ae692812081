import { randomUUID } from 'node:crypto'
import cookie from '@fastify/cookie'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import websocket from '@fastify/websocket'
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify'
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Env } from '../config/env.ts'
import type { Secrets } from '../crypto/secrets.ts'
import { type Database, isDatabaseReachable } from '../db/database.ts'
import {
  createIdentityService,
  type IdentityService,
  identityConfigFor,
} from '../identity/identity.service.ts'
import { modules } from '../modules.ts'
import { registerAccessControl } from './access.ts'
import { AppError, invalidField, sendError, toErrorResponse } from './errors.ts'
import type { Translator } from './i18n.ts'
import { registerSecurityHeaders } from './security.ts'
import { registerWebApps } from './web.ts'

export type App = FastifyInstance
export type ZodApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>

/** What every module's routes may use. */
export interface AppDeps {
  env: Env
  database: Database
  secrets: Secrets
  translator: Translator
  identity: IdentityService
}

declare module 'fastify' {
  interface FastifyRequest {
    locale: string
  }
}

/** Paths whose values must never reach a log line. */
const redactPaths = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.email',
  '*.code',
  '*.secret',
  'err.fields',
]

export interface BuildAppOptions {
  env: Env
  database: Database
  secrets: Secrets
  translator: Translator
  /** A pino destination for tests that read the logs; defaults to stdout. */
  logStream?: NodeJS.WritableStream
}

/** Where the first string (or key) holding U+0000 sits in a parsed body or query, if any. */
function nulPath(value: unknown, at: string[] = []): string[] | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? at : undefined
  if (value === null || typeof value !== 'object') return undefined
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\u0000')) return [...at, key.replaceAll('\u0000', '')]
    const found = nulPath(item, [...at, key])
    if (found) return found
  }
  return undefined
}

export async function buildApp(options: BuildAppOptions): Promise<App> {
  const { env, database, secrets, translator } = options
  const app = Fastify({
    logger: {
      level: env.RELAIS_LOG_LEVEL,
      redact: { paths: redactPaths, censor: '[redacted]' },
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
    genReqId: () => randomUUID(),
    trustProxy: env.RELAIS_TRUST_PROXY,
    bodyLimit: env.RELAIS_BODY_LIMIT_BYTES,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true },
  })
  // The API speaks JSON only: a text/plain body is refused (415), never half-read.
  app.removeContentTypeParser('text/plain')
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)

  app.decorateRequest('locale', 'en')
  app.addHook('onRequest', async (request) => {
    const query = request.query as Record<string, unknown> | undefined
    request.locale = translator.localeFor(
      request.headers['accept-language'],
      typeof query?.lang === 'string' ? query.lang : undefined,
    )
  })

  app.setErrorHandler((error, request, reply) => {
    const response = toErrorResponse(error, request, (key, values) =>
      translator.t(request.locale, key, values),
    )
    return sendError(reply, response)
  })
  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      toErrorResponse(new AppError('route_not_found', 404), request, (key, values) =>
        translator.t(request.locale, key, values),
      ),
    ),
  )

  // PostgreSQL text cannot hold U+0000: refuse it at the edge as a bad field, not a database error.
  app.addHook('preValidation', async (request) => {
    const inBody = nulPath(request.body)
    if (inBody) throw invalidField(inBody.join('.') || '(root)', 'invalid')
    const inQuery = nulPath(request.query)
    if (inQuery) throw invalidField(['query', ...inQuery].join('.'), 'invalid')
  })

  registerSecurityHeaders(app)
  await app.register(cookie)
  // Before access control: a refused upgrade (401, 403) must still have its socket closed, which the
  // plugin does only for requests its own hook has marked.
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } })

  const identity = createIdentityService({
    database,
    secrets,
    config: identityConfigFor(env),
  })
  registerAccessControl(app, identity)

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Relais API',
        description:
          'Staff and public API of Relais. Errors share one shape: { code, message, fields?, requestId }.',
        version: '0.1.0',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'relais_session' },
          csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' },
        },
      },
    },
    transform: jsonSchemaTransform,
  })
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: false })

  const deps: AppDeps = { env, database, secrets, translator, identity }
  const api = app.withTypeProvider<ZodTypeProvider>()

  api.get(
    '/healthz',
    {
      config: { access: { kind: 'public' } },
      schema: { hide: true, response: { 200: z.object({ status: z.literal('ok') }) } },
    },
    async () => ({ status: 'ok' as const }),
  )
  api.get(
    '/readyz',
    { config: { access: { kind: 'public' } }, schema: { hide: true } },
    async (request, reply) => {
      if (await isDatabaseReachable(database)) return { status: 'ready', database: database.kind }
      return sendError(
        reply,
        toErrorResponse(new AppError('service_unavailable', 503), request, (key, values) =>
          translator.t(request.locale, key, values),
        ),
      )
    },
  )
  api.get(
    '/api/docs/openapi.json',
    { config: { access: { kind: 'public' } }, schema: { hide: true } },
    async () => app.swagger(),
  )

  for (const module of modules) {
    await app.register(async (scope) =>
      module.registerRoutes(scope.withTypeProvider<ZodTypeProvider>(), deps),
    )
  }
  await registerWebApps(app, env)
  return app
}
