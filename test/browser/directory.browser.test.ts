import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { saveBundle } from '../../server/directory/directory.service.ts'
import { currentTotp } from '../../server/identity/credentials.ts'
import {
  accessibilityViolations,
  launchBrowser,
  newContext,
  startWebServer,
  type WebServer,
} from '../support/browser.ts'
import { providerBundle, taxonomyBundle } from '../support/directory.ts'
import { buildStaff, type StaffFixture } from '../support/factories.ts'

let server: WebServer
let browser: Browser
const audit = { actorId: null, actorLabel: 'test', address: null, requestId: null }
const shelter = providerBundle({
  confidential: { organization: true },
  name: { en: 'Safe Harbour House', fr: 'Maison Havre sûr' },
  serviceName: { en: 'Confidential shelter', fr: 'Refuge confidentiel' },
  serviceTypes: ['housing-emergency'],
})
const clinic = providerBundle({
  name: { en: 'Eastside Legal Clinic', fr: 'Clinique juridique de l’Est' },
  serviceName: { en: 'Legal aid for survivors', fr: 'Aide juridique pour survivantes' },
  serviceTypes: ['legal-aid'],
  populations: ['migrant-workers'],
})
const housing = providerBundle({
  name: { en: 'Open Door Housing', fr: 'Logement Porte ouverte' },
  serviceName: { en: 'Transitional housing', fr: 'Hébergement de transition' },
  serviceTypes: ['housing-transitional'],
})

beforeAll(async () => {
  server = await startWebServer()
  await saveBundle(server.database, taxonomyBundle(), audit, { mode: 'summary' })
  for (const bundle of [shelter, clinic, housing]) await saveBundle(server.database, bundle, audit)
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

async function signIn(page: Page, staff: StaffFixture) {
  await page.goto(`${server.url}/console/`)
  await page.getByLabel('Email address').fill(staff.email)
  await page.getByLabel('Password').fill(staff.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByLabel('Six-digit code').fill(currentTotp(staff.totpSecret))
  await page.getByRole('button', { name: 'Verify' }).click()
  await page.getByRole('heading', { level: 1, name: /^Welcome/ }).waitFor()
}

const resultNames = (page: Page) => page.locator('.result-card h2').allTextContents()

describe('directory in the console', () => {
  it('an advocate filters the search, sees the confidential badge, and opens an entry', async () => {
    const advocate = await buildStaff(server, { role: 'advocate' })
    const context = await newContext(browser)
    const page = await context.newPage()
    await signIn(page, advocate)
    await page.getByRole('link', { name: 'Directory', exact: true }).click()
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('3 services found')
    const confidential = page.locator('.result-card').filter({ hasText: 'Confidential shelter' })
    expect(await confidential.locator('.badge.confidential').textContent()).toBe('Confidential')
    expect(await accessibilityViolations(page)).toEqual([])

    // Counts beside the language of service and beside each toggle.
    const french = page.getByLabel('Language of service').locator('option', { hasText: 'French' })
    expect(await french.textContent()).toBe('French (3)')
    await page.getByRole('checkbox', { name: 'Accepting new referrals (3)' }).waitFor()
    await page.getByRole('checkbox', { name: 'Accepts people who use substances (3)' }).waitFor()
    await page.getByRole('checkbox', { name: 'Open 24/7 (0)' }).waitFor()
    // In one municipality only, not around it.
    await page.getByLabel('Province or territory').selectOption('QC')
    await page.getByLabel('Near (municipality)').fill('Laval')
    await page.getByLabel('Distance').selectOption({ label: 'This municipality only' })
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('No service found')
    await page.getByLabel('Near (municipality)').fill('Montreal')
    await page.getByLabel('Near (municipality)').blur()
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('3 services found')

    await page.getByRole('checkbox', { name: /^Legal aid/ }).check()
    await expect.poll(() => resultNames(page)).toEqual(['Legal aid for survivors'])
    await page.getByRole('link', { name: 'Details of Legal aid for survivors' }).click()
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toBe('Eastside Legal Clinic')
    expect(new URL(page.url()).pathname).toBe(`/console/directory/organizations/${clinic.ids.organization}`)
    // An advocate reads; only directory managers edit.
    expect(await page.getByRole('button', { name: 'Edit' }).count()).toBe(0)
    expect(await accessibilityViolations(page)).toEqual([])
    await context.close()
  })

  it('a directory manager edits a service in French, and the search finds the new text', async () => {
    const manager = await buildStaff(server, { role: 'directory_manager' })
    const context = await newContext(browser)
    const page = await context.newPage()
    await signIn(page, manager)
    await page.goto(`${server.url}/console/directory/organizations/${housing.ids.organization}`)
    await page.getByRole('heading', { level: 1, name: 'Open Door Housing' }).waitFor()
    await page.getByRole('button', { name: 'Français' }).click()
    await page.getByRole('heading', { level: 1, name: 'Logement Porte ouverte' }).waitFor()
    await page
      .locator('section.panel')
      .filter({ hasText: 'Hébergement de transition' })
      .getByRole('button', { name: 'Modifier' })
      .click()
    await page.getByLabel('Nom (français)').fill('Hébergement de transition pour survivantes')
    await page
      .getByLabel('Description (français)')
      .fill('Logements meublés, accompagnement vers l’autonomie.')
    await page.getByRole('checkbox', { name: 'Femmes' }).check()
    await page.getByLabel('Ouvert quel que soit le statut d’immigration').selectOption({ label: 'Oui' })
    await page.getByLabel('Vérifier tous les (jours)').fill('60')
    expect(await accessibilityViolations(page)).toEqual([])
    await page.getByRole('button', { name: 'Enregistrer' }).click()
    await expect.poll(() => page.getByText('Enregistré.').count()).toBe(1)
    const row = await server.database.db
      .selectFrom('directory_service')
      .select(['name_en', 'name_fr', 'description_fr', 'status_independent', 'verification_interval_days'])
      .where('id', '=', housing.ids.service)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({
      name_en: 'Transitional housing',
      name_fr: 'Hébergement de transition pour survivantes',
      description_fr: 'Logements meublés, accompagnement vers l’autonomie.',
      status_independent: true,
      verification_interval_days: 60,
    })
    await page.getByRole('link', { name: 'Retour à la recherche' }).click()
    await page.getByLabel('Recherche', { exact: true }).fill('survivantes autonomie')
    await page.getByRole('button', { name: 'Chercher' }).click()
    await expect.poll(() => resultNames(page)).toEqual(['Hébergement de transition pour survivantes'])
    await context.close()
  })
})

describe('directory on the portal', () => {
  it('the public search in French never shows a confidential entry', async () => {
    const context = await newContext(browser, 'fr-CA')
    const page = await context.newPage()
    await page.goto(server.url)
    await expect.poll(() => page.locator('.result-count').textContent()).toMatch(/^2 services trouvés$/)
    await page.getByLabel('Recherche', { exact: true }).fill('hébergement refuge')
    await page.getByRole('button', { name: 'Chercher' }).click()
    await expect.poll(() => page.locator('.result-count').textContent()).toMatch(/service/)
    const text = (await page.locator('main').textContent()) ?? ''
    for (const secret of ['Refuge confidentiel', 'Maison Havre sûr', 'Safe Harbour', 'Confidentiel'])
      expect(text).not.toContain(secret)
    const facets = await page.locator('.facet').allInnerTexts()
    expect(facets.join(' ')).not.toContain('Hébergement d’urgence et refuge')
    expect(await accessibilityViolations(page)).toEqual([])
    expect(await context.cookies()).toEqual([])
    await context.close()
  })
})
