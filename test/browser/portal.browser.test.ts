import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  accessibilityViolations,
  launchBrowser,
  newContext,
  startNeutralSite,
  startWebServer,
  type WebServer,
} from '../support/browser.ts'

let server: WebServer
let neutral: Awaited<ReturnType<typeof startNeutralSite>>
let browser: Browser
let exitUrl: string

beforeAll(async () => {
  neutral = await startNeutralSite()
  exitUrl = `${neutral.url}/exit`
  server = await startWebServer({ RELAIS_QUICK_EXIT_URL: exitUrl })
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
  await neutral?.close()
})

describe('portal home', () => {
  it.each([
    ['en-CA', 'en', 'You are not alone'],
    ['fr-CA', 'fr', 'Vous n’êtes pas seul·e'],
  ])(
    'opens in the browser’s language (%s) and has no accessibility violations',
    async (locale, lang, heading) => {
      const context = await newContext(browser, locale)
      const page = await context.newPage()
      const response = await page.goto(server.url)
      expect(response?.headers()['cache-control']).toBe('no-store')
      expect(await page.locator('html').getAttribute('lang')).toBe(lang)
      await expect.poll(() => page.locator('h1').textContent()).toBe(heading)
      expect(await accessibilityViolations(page)).toEqual([])
      await context.close()
    },
  )

  it('switches language in place, without a new history entry', async () => {
    const context = await newContext(browser, 'en-CA')
    const page = await context.newPage()
    await page.goto(server.url)
    const before = await page.evaluate(() => history.length)
    await page.getByRole('button', { name: 'Français' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Vous n’êtes pas seul·e')
    expect(await page.locator('html').getAttribute('lang')).toBe('fr')
    expect(await page.title()).toContain('traite de personnes')
    expect(await accessibilityViolations(page)).toEqual([])
    expect(await page.evaluate(() => history.length)).toBe(before)
    await context.close()
  })

  it('sets no cookie, stores nothing and asks no other host for anything', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    const requested: string[] = []
    page.on('request', (request) => requested.push(request.url()))
    await page.goto(server.url)
    await page.getByRole('button', { name: 'Français' }).click()
    await page.waitForLoadState('networkidle')
    const origin = new URL(server.url).origin
    expect(requested.length).toBeGreaterThan(1)
    expect(requested.filter((url) => new URL(url).origin !== origin)).toEqual([])
    expect(await context.cookies()).toEqual([])
    const storage = await page.evaluate(async () => ({
      local: localStorage.length,
      session: sessionStorage.length,
      databases: (await indexedDB.databases()).length,
      cookie: document.cookie,
    }))
    expect(storage).toEqual({ local: 0, session: 0, databases: 0, cookie: '' })
    await context.close()
  })
})

describe('quick exit', () => {
  async function openPortalAfterAnotherPage() {
    const context = await newContext(browser)
    const page = await context.newPage()
    await page.goto(`${neutral.url}/before`)
    const entriesBefore = await page.evaluate(() => history.length)
    await page.goto(server.url)
    await page.locator('h1').waitFor()
    return { context, page, entriesBefore }
  }

  /** The portal's entry was replaced: Back goes to the page before it, Forward to the neutral site. */
  async function expectPortalGoneFromHistory(page: import('playwright-core').Page, entriesBefore: number) {
    await page.waitForURL(exitUrl)
    expect(await page.evaluate(() => history.length)).toBe(entriesBefore + 1)
    await page.goBack()
    expect(page.url()).toBe(`${neutral.url}/before`)
    await page.goForward()
    expect(page.url()).toBe(exitUrl)
  }

  it('is the first thing the keyboard reaches, and leaves for the neutral site replacing the page', async () => {
    const { context, page, entriesBefore } = await openPortalAfterAnotherPage()
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Quick exit')
    await page.keyboard.press('Enter')
    await expectPortalGoneFromHistory(page, entriesBefore)
    expect(await context.cookies()).toEqual([])
    await context.close()
  })

  it('blanks the page itself, even when the neutral site sends nothing to show', async () => {
    const { context, page } = await openPortalAfterAnotherPage()
    // A 204 answer leaves the browser on the current document, so what quick exit did to it shows.
    await page.evaluate((url) => {
      document.querySelector<HTMLMetaElement>('meta[name="relais-quick-exit"]')!.content = url
    }, `${neutral.url}/no-content`)
    await page.getByRole('button', { name: 'Quick exit' }).click()
    await page.waitForLoadState('networkidle')
    expect(page.url()).toBe(`${server.url}/`)
    const shown = await page.evaluate(() => ({
      children: document.body.children.length,
      title: document.title,
    }))
    expect(shown).toEqual({ children: 0, title: '' })
    await context.close()
  })

  it('also leaves when Shift is pressed three times', async () => {
    const { context, page, entriesBefore } = await openPortalAfterAnotherPage()
    await page.keyboard.press('Shift')
    await page.keyboard.press('Shift')
    expect(page.url()).toBe(`${server.url}/`)
    await page.keyboard.press('Shift')
    await expectPortalGoneFromHistory(page, entriesBefore)
    await context.close()
  })
})
