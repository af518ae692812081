import { timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { can, type Permission, permissions, roles } from '../../common/permissions.ts'
import type { AuditContext } from '../audit/audit.store.ts'
import type { IdentityService, Principal } from '../identity/identity.service.ts'
import { AppError, forbidden, unauthenticated } from './errors.ts'

/**
 * Who may call a route. Every API route must declare one: a route without it is refused at start-up,
 * so nothing is reachable by omission (deny by default).
 * - public: anyone, no session (health, sign-in, the portal's own endpoints)
 * - mfa: a session that has passed the password but not yet the second factor
 * - staff: a fully signed-in session, holding `permission` when one is named
 */
export type Access = { kind: 'public' } | { kind: 'mfa' } | { kind: 'staff'; permission?: Permission }

export const SESSION_COOKIE = 'relais_session'

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access
  }
  interface FastifyRequest {
    principal: Principal | null
    auditContext: AuditContext
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

export function registerAccessControl(app: FastifyInstance, identity: IdentityService) {
  app.decorateRequest('principal', null)
  app.decorateRequest('auditContext', null as unknown as AuditContext)

  app.addHook('onRoute', (route) => {
    const guarded = route.url.startsWith('/api/') && !route.url.startsWith('/api/docs')
    if (guarded && !route.config?.access) {
      throw new Error(`Route ${route.method} ${route.url} declares no access rule`)
    }
    const permission = route.config?.access?.kind === 'staff' ? route.config.access.permission : undefined
    const entity = permission?.split('.')[0] ?? ''
    if (permission && (!Object.hasOwn(permissions, entity) || !roles.some((role) => can(role, permission)))) {
      throw new Error(
        `Route ${route.method} ${route.url} names permission ${permission}, which no role holds`,
      )
    }
  })

  // Runs before the body is parsed, so an unauthenticated or forbidden caller learns nothing from
  // validation: 401, then 403, then 400.
  app.addHook('onRequest', async (request: FastifyRequest) => {
    request.auditContext = {
      actorId: null,
      actorLabel: 'anonymous',
      address: request.ip,
      requestId: request.id,
    }
    const access = request.routeOptions.config.access
    if (!access || access.kind === 'public') return

    const token = request.cookies[SESSION_COOKIE]
    const principal = token ? await identity.authenticate(token) : null
    if (!principal) throw unauthenticated()
    if (access.kind === 'mfa' ? principal.stage !== 'mfa' : principal.stage !== 'active') {
      throw access.kind === 'mfa' ? new AppError('mfa_stage_required', 409) : unauthenticated()
    }
    request.principal = principal
    request.auditContext = { ...request.auditContext, actorId: principal.userId, actorLabel: principal.email }

    if (!SAFE_METHODS.has(request.method)) {
      const header = request.headers['x-csrf-token']
      if (typeof header !== 'string' || !sameToken(header, principal.csrfToken)) {
        throw new AppError('csrf_invalid', 403)
      }
    }
    if (access.kind === 'staff' && access.permission && !can(principal.role, access.permission)) {
      throw forbidden()
    }
  })
}

/** The signed-in staff member of a guarded route (the access hook guarantees one). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthenticated()
  return request.principal
}
