import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { currentTotp, TOTP_PERIOD_SECONDS } from '../../server/identity/credentials.ts'
import {
  accessibilityViolations,
  launchBrowser,
  newContext,
  startWebServer,
  type WebServer,
} from '../support/browser.ts'
import { buildStaff, type StaffFixture } from '../support/factories.ts'

let server: WebServer
let browser: Browser

beforeAll(async () => {
  server = await startWebServer()
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

async function openConsole(locale = 'en-CA') {
  const context = await newContext(browser, locale)
  const page = await context.newPage()
  await page.goto(`${server.url}/console/`)
  return { context, page }
}

async function submitPassword(
  page: Page,
  staff: StaffFixture,
  labels = { email: 'Email address', password: 'Password', submit: 'Sign in' },
) {
  await page.getByLabel(labels.email).fill(staff.email)
  await page.getByLabel(labels.password).fill(staff.password)
  await page.getByRole('button', { name: labels.submit }).click()
}

const heading = (page: Page) => page.getByRole('heading', { level: 1 })

describe('staff sign-in', () => {
  it('enrols TOTP at first sign-in from a QR code, then asks for a code at the next sign-in', async () => {
    const staff = await buildStaff(server, { role: 'advocate', enrolled: false })
    const { context, page } = await openConsole()
    await expect.poll(() => heading(page).textContent()).toBe('Staff sign-in')
    expect(await accessibilityViolations(page)).toEqual([])

    await submitPassword(page, staff)
    await expect.poll(() => heading(page).textContent()).toBe('Set up two-step verification')
    const qr = page.getByRole('img', { name: 'QR code to scan with an authenticator app' })
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml/)
    // The key shown on screen is the one the authenticator app would scan.
    const shownSecret = (await page.locator('.secret').textContent()) ?? ''
    expect(shownSecret).toBe(staff.totpSecret)
    expect(await accessibilityViolations(page)).toEqual([])
    await page.getByLabel('Six-digit code').fill(currentTotp(shownSecret))
    await page.getByRole('button', { name: 'Verify' }).click()
    await expect.poll(() => heading(page).textContent()).toMatch(/^Welcome, Test advocate/)
    expect(await accessibilityViolations(page)).toEqual([])

    // The session cookie is HttpOnly and strict; the page's script cannot read it.
    const [cookie] = await context.cookies()
    expect(cookie).toMatchObject({ name: 'relais_session', httpOnly: true, sameSite: 'Strict' })
    expect(await page.evaluate(() => document.cookie)).toBe('')

    await page.getByRole('button', { name: 'Sign out', exact: true }).click()
    await expect.poll(() => heading(page).textContent()).toBe('Staff sign-in')
    await submitPassword(page, staff)
    await expect.poll(() => heading(page).textContent()).toBe('Two-step verification')
    await page.getByLabel('Six-digit code').fill('000000')
    await page.getByRole('button', { name: 'Verify' }).click()
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe('This code is not correct or has already been used.')
    expect(await page.getByLabel('Six-digit code').getAttribute('aria-invalid')).toBe('true')
    // The enrolment code's time step is spent; the next step's code is within the allowed drift.
    await page
      .getByLabel('Six-digit code')
      .fill(currentTotp(staff.totpSecret, Date.now() + TOTP_PERIOD_SECONDS * 1000))
    await page.getByRole('button', { name: 'Verify' }).click()
    await expect.poll(() => heading(page).textContent()).toMatch(/^Welcome, Test advocate/)
    await context.close()
  })

  it('shows the server’s error for a wrong password, in the interface language', async () => {
    const staff = await buildStaff(server)
    const { context, page } = await openConsole('fr-CA')
    await expect.poll(() => heading(page).textContent()).toBe('Connexion du personnel')
    await submitPassword(
      page,
      { ...staff, password: 'not the password at all' },
      {
        email: 'Adresse courriel',
        password: 'Mot de passe',
        submit: 'Se connecter',
      },
    )
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe('L’adresse courriel ou le mot de passe est incorrect.')
    await context.close()
  })
})

describe('language', () => {
  it('follows the browser, switches on every screen, and stays accessible in French', async () => {
    const staff = await buildStaff(server, { role: 'supervisor' })
    const { context, page } = await openConsole('fr-CA')
    await expect.poll(() => heading(page).textContent()).toBe('Connexion du personnel')
    expect(await page.locator('html').getAttribute('lang')).toBe('fr')
    expect(await accessibilityViolations(page)).toEqual([])

    await page.getByRole('button', { name: 'English' }).click()
    await expect.poll(() => heading(page).textContent()).toBe('Staff sign-in')
    expect(await page.locator('html').getAttribute('lang')).toBe('en')
    await page.getByRole('button', { name: 'Français' }).click()

    await submitPassword(page, staff, {
      email: 'Adresse courriel',
      password: 'Mot de passe',
      submit: 'Se connecter',
    })
    await expect.poll(() => heading(page).textContent()).toBe('Vérification en deux étapes')
    await page.getByLabel('Code à six chiffres').fill(currentTotp(staff.totpSecret))
    await page.getByRole('button', { name: 'Vérifier' }).click()
    await expect.poll(() => heading(page).textContent()).toMatch(/^Bienvenue, Test supervisor/)
    expect(await page.getByText('(Superviseur·e)', { exact: false }).count()).toBe(1)
    expect(await accessibilityViolations(page)).toEqual([])
    await context.close()
  })
})

describe('administration', () => {
  it('an admin creates, disables and re-enables an account, resets MFA, and filters the audit log', async () => {
    const admin = await buildStaff(server, { role: 'admin' })
    const enrolled = await buildStaff(server, { role: 'analyst' })
    const { context, page } = await openConsole()
    await submitPassword(page, admin)
    await page.getByLabel('Six-digit code').fill(currentTotp(admin.totpSecret))
    await page.getByRole('button', { name: 'Verify' }).click()
    await expect.poll(() => heading(page).textContent()).toMatch(/^Welcome/)

    await page.getByRole('link', { name: 'Staff accounts' }).click()
    await expect.poll(() => heading(page).textContent()).toBe('Staff accounts')
    expect(new URL(page.url()).pathname).toBe('/console/users')
    const email = `new.advocate.${Date.now()}@example.org`
    await page.getByLabel('Email address').fill(email)
    await page.getByLabel('Name', { exact: true }).fill('Nadia Tremblay')
    await page.getByLabel('Role').selectOption('advocate')
    await page.getByLabel('Temporary password').fill('short')
    await page.getByRole('button', { name: 'Create account' }).click()
    await expect
      .poll(() => page.getByText('Temporary password must have at least 12 characters.').count())
      .toBe(1)
    await page.getByLabel('Temporary password').fill('a long enough temporary password')
    await page.getByRole('button', { name: 'Create account' }).click()
    await expect.poll(() => page.getByText(`Account created for ${email}.`).count()).toBe(1)
    expect(await accessibilityViolations(page)).toEqual([])

    const row = page.getByRole('row').filter({ hasText: email })
    await row.getByRole('button', { name: 'Disable: Nadia Tremblay' }).click()
    await expect.poll(() => row.getByRole('cell').nth(3).textContent()).toBe('Disabled')
    await row.getByRole('button', { name: 'Re-enable: Nadia Tremblay' }).click()
    await expect.poll(() => row.getByRole('cell').nth(3).textContent()).toBe('Active')
    const analystRow = page.getByRole('row').filter({ hasText: enrolled.email })
    await analystRow.getByRole('button', { name: /^Reset two-step verification/ }).click()
    await expect.poll(() => analystRow.getByRole('cell').nth(2).textContent()).toBe('Not yet set up')

    await page.getByRole('link', { name: 'Audit log' }).click()
    await expect.poll(() => heading(page).textContent()).toBe('Audit log')
    await page.getByLabel(/^Action/).fill('user.')
    await page
      .getByLabel('Person')
      .selectOption({ label: `Test admin ${admin.email.split('.')[1]} (${admin.email})` })
    await page.getByRole('button', { name: 'Apply filters' }).click()
    const actionCells = page.locator('tbody tr td:nth-child(4)')
    await expect
      .poll(async () => (await actionCells.allTextContents()).sort())
      .toEqual(['user.created', 'user.disabled', 'user.enabled', 'user.mfa_reset'])
    expect(await accessibilityViolations(page)).toEqual([])

    await page.getByLabel('From').fill('2030-01-02')
    await page.getByLabel('To').fill('2030-01-01')
    await page.getByRole('button', { name: 'Apply filters' }).click()
    await expect.poll(() => page.getByText('To must not be before the start of the range.').count()).toBe(1)
    expect(await page.getByLabel('To').getAttribute('aria-invalid')).toBe('true')
    expect(await actionCells.count()).toBe(0)
    await context.close()
  })
})
