// Takes the screenshots shown in README.md: starts Relais with demo data on a throwaway embedded
// database, signs in as the demo admin in headless Chromium, and saves PNGs in docs/screenshots/.
// Run with `npx tsx scripts/screenshots.ts` after `npm run build`.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { loadEnv } from '../server/config/env.ts'
import { currentTotp, demoTotpSecret } from '../server/identity/credentials.ts'
import { DEMO_SEED, startRelais } from '../server/runtime.ts'
import { launchBrowser } from '../test/support/browser.ts'

const out = path.resolve(import.meta.dirname, '../docs/screenshots')
const dataDir = mkdtempSync(path.join(tmpdir(), 'relais-shots-'))
const running = await startRelais(
  loadEnv({ RELAIS_DATA_DIR: dataDir, PORT: '0', RELAIS_LOG_LEVEL: 'warn' }),
  { demo: true },
)
/** A demo account's password, from the lines printed at start. */
function passwordOf(role: string): string {
  const line = running.demoReport.find((entry) => entry.includes(`${role}@demo`))
  const password = line?.trim().split(/\s+/)[2]
  if (!password) throw new Error(`demo ${role} credentials not found`)
  return password
}

const browser = await launchBrowser()
try {
  const shoot = async (
    locale: string,
    url: string,
    file: string,
    act?: (page: import('playwright-core').Page) => Promise<void>,
  ) => {
    const context = await browser.newContext({ locale, viewport: { width: 1200, height: 760 } })
    const page = await context.newPage()
    await page.goto(`${running.address}${url}`)
    await act?.(page)
    await page.waitForLoadState('networkidle')
    await page.screenshot({ path: path.join(out, file) })
    await context.close()
  }
  await shoot('en-CA', '/', 'portal-en.png')
  await shoot('fr-CA', '/', 'portal-fr.png')
  await shoot('en-CA', '/report', 'portal-report-en.png')
  await shoot('fr-CA', '/report', 'portal-report-fr.png')
  await shoot('fr-CA', '/chat', 'portal-chat-fr.png', async (page) => {
    await page.getByRole('button', { name: /^Français/ }).click()
    await page.getByRole('button', { name: 'Commencer le clavardage' }).click()
    await page.getByLabel('Votre message').waitFor()
  })
  await shoot('en-CA', '/widget/', 'widget-en.png', async (page) => {
    await page.setViewportSize({ width: 400, height: 640 })
    await page.getByRole('button', { name: /^English/ }).click()
    await page.getByLabel('Language you would prefer, with an interpreter (optional)').waitFor()
  })
  await shoot('fr-CA', '/console/', 'console-sign-in-fr.png')
  const usedCodes = new Map<string, string>()
  const signInAsDemo = async (
    page: import('playwright-core').Page,
    role: 'admin' | 'advocate' | 'supervisor',
    secret: string,
  ) => {
    await page.getByLabel('Email address').fill(`${role}@demo.relais.test`)
    await page.getByLabel('Password').fill(secret)
    await page.getByRole('button', { name: 'Sign in' }).click()
    // A code is accepted once: a second sign-in of the same account waits for the next one.
    const totpSecret = demoTotpSecret(`${DEMO_SEED}:${role}`)
    while (currentTotp(totpSecret) === usedCodes.get(role)) await page.waitForTimeout(500)
    const code = currentTotp(totpSecret)
    usedCodes.set(role, code)
    await page.getByLabel('Six-digit code').fill(code)
    await page.getByRole('button', { name: 'Verify' }).click()
  }
  await shoot('en-CA', '/console/', 'console-directory-en.png', async (page) => {
    await signInAsDemo(page, 'advocate', passwordOf('advocate'))
    await page.getByRole('link', { name: 'Directory', exact: true }).click()
    await page.getByLabel('Search', { exact: true }).fill('shelter')
    await page.getByLabel('Province or territory').selectOption('ON')
    await page.getByLabel('Near (municipality)').fill('Toronto')
    await page.getByRole('button', { name: 'Search', exact: true }).click()
    await page.locator('.agencies').waitFor()
  })
  await shoot('en-CA', '/console/', 'console-board-en.png', async (page) => {
    await signInAsDemo(page, 'supervisor', passwordOf('supervisor'))
    await page.getByRole('link', { name: 'Live board' }).click()
    await page.getByRole('heading', { name: 'Queues' }).waitFor()
    await page
      .getByRole('row', { name: /Messaging/ })
      .first()
      .waitFor()
  })
  await shoot('en-CA', '/console/', 'console-case-en.png', async (page) => {
    await signInAsDemo(page, 'supervisor', passwordOf('supervisor'))
    await page.getByRole('link', { name: 'Cases', exact: true }).click()
    await page.getByRole('table', { name: 'Cases found' }).getByRole('link').first().click()
    await page.getByRole('heading', { name: 'Safety', exact: true }).waitFor()
    // The shot shows the top of the case (its escalations, then safety), wherever the page was scrolled.
    await page.evaluate(() => window.scrollTo(0, 0))
  })
  await shoot('en-CA', '/console/', 'console-users-en.png', async (page) => {
    await signInAsDemo(page, 'admin', passwordOf('admin'))
    await page.getByRole('link', { name: 'Staff accounts' }).click()
    await page.getByRole('table').waitFor()
  })
} finally {
  await browser.close()
  await running.stop()
  rmSync(dataDir, { recursive: true, force: true })
}
console.log(`Screenshots written to ${out}`)
