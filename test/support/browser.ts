import { existsSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import axe from 'axe-core'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import { webDistDir } from '../../server/http/web.ts'
import { buildTestApp, type TestApp } from './app.ts'
import { buildStaff, sessionFor } from './factories.ts'

export const chromiumPath = process.env.RELAIS_CHROMIUM ?? '/usr/bin/chromium'

/** Builds the web apps when no build exists (the test command builds them before the tests). */
async function ensureWebBuild() {
  if (existsSync(path.join(webDistDir, 'index.html'))) return
  const { build } = await import('vite')
  // As `vite build` does from the test command: a production build, not the test run's NODE_ENV
  // (React's development build renders twice and would double every request the pages make).
  const nodeEnv = process.env.NODE_ENV
  process.env.NODE_ENV = 'production'
  try {
    await build({ configFile: path.resolve(import.meta.dirname, '../../vite.config.ts'), logLevel: 'warn' })
  } finally {
    process.env.NODE_ENV = nodeEnv
  }
}

/** Headless Debian Chromium, with no background traffic to outside hosts. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))
  })
}

/**
 * A stand-in for the neutral site the quick exit leaves for, on loopback: the tests never reach
 * another host.
 */
export async function startNeutralSite() {
  const server = createServer((request, response) => {
    if (request.url === '/no-content') return response.writeHead(204).end()
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    response.end(
      `<!doctype html><html lang="en"><title>Weather</title><h1>Weather ${request.url}</h1></html>`,
    )
  })
  const url = await listen(server)
  return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

export interface WebServer extends TestApp {
  url: string
}

/** The whole application listening on a loopback port, on a fresh PostgreSQL database. */
export async function startWebServer(overrides: Record<string, string> = {}): Promise<WebServer> {
  await ensureWebBuild()
  const t = await buildTestApp(overrides)
  const address = await t.app.listen({ port: 0, host: '127.0.0.1' })
  return { ...t, url: address }
}

/** A fresh browser context (no cookies, no storage) in the given locale. */
export function newContext(browser: Browser, locale = 'en-CA'): Promise<BrowserContext> {
  return browser.newContext({ locale, viewport: { width: 1200, height: 800 } })
}

/** Runs axe-core (WCAG 2.1 A and AA rules) on the page; returns the violations, summarised. */
export async function accessibilityViolations(page: Page) {
  // Evaluated through the DevTools protocol: the page's CSP forbids inline scripts, rightly.
  await page.evaluate(axe.source)
  const result = await page.evaluate(() =>
    (window as unknown as { axe: typeof axe }).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    }),
  )
  return result.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    nodes: violation.nodes.map((node) => node.target.join(' ')),
  }))
}

/** A console tab at `path`, signed in as a new staff member of this role (session written to the store). */
export async function openConsoleAs(
  server: WebServer,
  browser: Browser,
  role: 'advocate' | 'supervisor' | 'analyst' | 'admin',
  locale: string,
  path: string,
) {
  const staff = await buildStaff(server, { role, locale: locale.slice(0, 2) })
  const session = await sessionFor(server, staff)
  const context = await newContext(browser, locale)
  const { hostname } = new URL(server.url)
  await context.addCookies([
    {
      name: 'relais_session',
      value: session.cookie.split('=')[1] as string,
      domain: hostname,
      path: '/',
      httpOnly: true,
      sameSite: 'Strict',
    },
  ])
  const page = await context.newPage()
  await page.goto(`${server.url}/console${path}`)
  return { staff, context, page }
}
