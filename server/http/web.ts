import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { Env } from '../config/env.ts'
import { AppError } from './errors.ts'

export const webDistDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/web')

const escapeAttribute = (value: string) =>
  value.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')

/**
 * Serves the built web apps: the public portal at `/`, the staff console under `/console/`, the chat
 * widget at `/widget/` with its embed script, their assets under `/assets/`. Runtime settings reach
 * the pages as <meta> tags, never inline scripts.
 */
export async function registerWebApps(app: FastifyInstance, env: Env) {
  const settings = {
    'relais-quick-exit': env.RELAIS_QUICK_EXIT_URL,
    'relais-emergency-number': env.RELAIS_EMERGENCY_NUMBER,
  }
  const built = existsSync(path.join(webDistDir, 'index.html'))
  const page = (file: string) => {
    if (!built) return undefined
    let html = readFileSync(path.join(webDistDir, file), 'utf8')
    for (const [name, value] of Object.entries(settings)) {
      html = html.replace(
        `<meta name="${name}" content="" />`,
        `<meta name="${name}" content="${escapeAttribute(value)}" />`,
      )
    }
    return html
  }
  const portal = page('index.html')
  const consolePage = page('console/index.html')
  const surveyPage = page('survey/index.html')
  const widgetPage = page('widget/index.html')
  const embedFile = path.join(webDistDir, 'widget/embed.js')
  const embedScript = built && existsSync(embedFile) ? readFileSync(embedFile, 'utf8') : undefined
  const sendPage = (reply: FastifyReply, html: string | undefined) => {
    if (!html) throw new AppError('service_unavailable', 503)
    return reply.type('text/html; charset=utf-8').send(html)
  }

  if (built) {
    await app.register(fastifyStatic, {
      root: path.join(webDistDir, 'assets'),
      prefix: '/assets/',
      index: false,
      wildcard: true,
      cacheControl: false,
      etag: false,
      lastModified: false,
    })
  }
  app.get('/', { config: { access: { kind: 'public' } }, schema: { hide: true } }, (_request, reply) =>
    sendPage(reply, portal),
  )
  // The portal's other pages: the same app, which shows the page its address names.
  app.get('/report', { schema: { hide: true } }, (_request, reply) => sendPage(reply, portal))
  app.get('/chat', { schema: { hide: true } }, (_request, reply) => sendPage(reply, portal))
  // The chat widget, the one page other sites may frame (see security.ts); /widget/ as for /console/.
  app.get('/widget', { schema: { hide: true } }, (request, reply) =>
    request.url.split('?')[0]?.endsWith('/') ? sendPage(reply, widgetPage) : reply.redirect('/widget/'),
  )
  // The script other sites include: loaded cross-origin by a plain <script>, so its resource policy
  // must let any site load it (the route's onSend runs after the shared headers are set).
  app.get(
    '/widget/embed.js',
    {
      schema: { hide: true },
      onSend: async (_request, reply) => {
        reply.header('cross-origin-resource-policy', 'cross-origin')
      },
    },
    (_request, reply) => {
      if (!embedScript) throw new AppError('service_unavailable', 503)
      return reply.type('text/javascript; charset=utf-8').send(embedScript)
    },
  )
  const faviconFile = path.join(webDistDir, 'favicon.svg')
  const favicon = existsSync(faviconFile) ? readFileSync(faviconFile) : undefined
  app.get('/favicon.svg', { schema: { hide: true } }, (_request, reply) => {
    if (!favicon) throw new AppError('route_not_found', 404)
    return reply.type('image/svg+xml').send(favicon)
  })
  // With ignoreTrailingSlash this route answers /console/ too, which must get the page, not itself again.
  app.get('/console', { schema: { hide: true } }, (request, reply) =>
    request.url.split('?')[0]?.endsWith('/') ? sendPage(reply, consolePage) : reply.redirect('/console/'),
  )
  app.get('/console/*', { schema: { hide: true } }, (_request, reply) => sendPage(reply, consolePage))
  // A provider's one-time survey link: its token is a secret, so these requests are not logged.
  app.get('/survey/*', { schema: { hide: true }, logLevel: 'warn' }, (_request, reply) =>
    sendPage(reply, surveyPage),
  )
}
