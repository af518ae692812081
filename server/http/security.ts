import type { FastifyInstance } from 'fastify'

const basePolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

// The API explorer's bundled UI sets style attributes; it needs inline styles, nothing more.
const docsPolicy = basePolicy.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")

/** Paths that may be embedded in other sites' pages (the chat widget, when it exists). */
const framablePrefixes: string[] = ['/widget/']

/**
 * Headers on every response: a strict CSP with no inline scripts, no referrer, no sniffing, no
 * framing, and no caching anywhere, so Back and the disk cache cannot bring a page or answer back.
 */
export function registerSecurityHeaders(app: FastifyInstance) {
  app.addHook('onSend', async (request, reply) => {
    const path = request.url.split('?')[0] ?? ''
    const framable = framablePrefixes.some((prefix) => path.startsWith(prefix))
    let policy = path.startsWith('/api/docs') ? docsPolicy : basePolicy
    if (framable) policy = policy.replace("frame-ancestors 'none'", 'frame-ancestors *')
    reply.header('content-security-policy', policy)
    reply.header('referrer-policy', 'no-referrer')
    reply.header('x-content-type-options', 'nosniff')
    reply.header('cross-origin-opener-policy', 'same-origin')
    reply.header('cross-origin-resource-policy', 'same-origin')
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=(), interest-cohort=()')
    if (!framable) reply.header('x-frame-options', 'DENY')
    reply.header('cache-control', 'no-store')
    reply.header('x-request-id', request.id)
  })
}
