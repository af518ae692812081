import { existsSync } from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { saveBundle } from '../../server/directory/directory.service.ts'
import { webDistDir } from '../../server/http/web.ts'
import { currentTotp } from '../../server/identity/credentials.ts'
import { linkIn, startTestSmtpServer, type TestSmtpServer } from '../../server/survey/smtp-test-server.ts'
import {
  accessibilityViolations,
  launchBrowser,
  newContext,
  startWebServer,
  type WebServer,
} from '../support/browser.ts'
import { providerBundle, taxonomyBundle } from '../support/directory.ts'
import { buildStaff } from '../support/factories.ts'

const system = { actorId: null, actorLabel: 'test', address: null, requestId: null }

let smtp: TestSmtpServer
let server: WebServer
let browser: Browser
const provider = providerBundle()

beforeAll(async () => {
  // A build made before the survey page existed lacks it.
  if (!existsSync(path.join(webDistDir, 'survey', 'index.html'))) {
    const { build } = await import('vite')
    await build({ configFile: path.resolve(import.meta.dirname, '../../vite.config.ts'), logLevel: 'warn' })
  }
  smtp = await startTestSmtpServer()
  server = await startWebServer({
    RELAIS_SMTP_URL: smtp.url,
    RELAIS_MAIL_FROM: 'Relais <relais@hotline.example.org>',
    RELAIS_PUBLIC_URL: 'https://relais.example.org',
  })
  await saveBundle(server.database, taxonomyBundle(), system, { mode: 'summary' })
  await saveBundle(server.database, provider, system)
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
  await smtp?.close()
})

const heading = (page: Page) => page.getByRole('heading', { level: 1 })

describe('status survey', () => {
  it('a manager sends it, the provider answers in French from the email, the manager approves', async () => {
    const staff = await buildStaff(server, { role: 'directory_manager' })
    const managerContext = await newContext(browser, 'en-CA')
    const consolePage = await managerContext.newPage()
    await consolePage.goto(`${server.url}/console/`)
    await consolePage.getByLabel('Email address').fill(staff.email)
    await consolePage.getByLabel('Password').fill(staff.password)
    await consolePage.getByRole('button', { name: 'Sign in' }).click()
    await consolePage.getByLabel('Six-digit code').fill(currentTotp(staff.totpSecret))
    await consolePage.getByRole('button', { name: 'Verify' }).click()
    await expect.poll(() => heading(consolePage).textContent()).toMatch(/^Welcome/)

    await consolePage.getByRole('link', { name: 'Status surveys' }).click()
    await expect.poll(() => heading(consolePage).textContent()).toBe('Status surveys')
    expect(await accessibilityViolations(consolePage)).toEqual([])
    await consolePage.getByLabel('Title (email subject)').fill('COVID-19 status check')
    await consolePage.getByLabel('Message in English').fill('Have your hours changed?')
    await consolePage.getByLabel('Message in French').fill('Vos heures ont-elles changé?')
    await consolePage.getByRole('button', { name: 'Create the campaign' }).click()
    await expect.poll(() => heading(consolePage).textContent()).toBe('COVID-19 status check')
    await consolePage.getByRole('button', { name: 'Send', exact: true }).click()
    await expect.poll(() => consolePage.locator('.notice').textContent()).toBe('1 email sent, 0 failed.')
    const row = consolePage.getByRole('row', { name: /Harbour Support Centre/ })
    expect(await row.getByRole('cell', { name: 'Sent', exact: true }).count()).toBe(1)
    expect(await accessibilityViolations(consolePage)).toEqual([])

    // The provider follows the link of the email, in a browser set to French.
    expect(smtp.messages).toHaveLength(1)
    const link = new URL(linkIn(smtp.messages[0]!))
    expect(link.origin).toBe('https://relais.example.org')
    const providerContext = await newContext(browser, 'fr-CA')
    const survey = await providerContext.newPage()
    await survey.goto(`${server.url}${link.pathname}`)
    await expect
      .poll(() => heading(survey).textContent())
      .toBe('Le répertoire est-il toujours exact pour Centre de soutien Le Havre?')
    expect(await survey.locator('html').getAttribute('lang')).toBe('fr')
    expect(await survey.getByText('Vos heures ont-elles changé?').count()).toBe(1)
    expect(await accessibilityViolations(survey)).toEqual([])

    await survey.getByLabel('Quelque chose a changé').check()
    await survey
      .getByRole('group', { name: 'Comment fonctionne « Hébergement d’urgence » actuellement?' })
      .getByLabel('N’accepte pas de nouvelles orientations')
      .check()
    await survey
      .getByLabel('Nouvelles heures d’ouverture pour « Hébergement d’urgence » (facultatif)')
      .fill('Du lundi au jeudi, de 10 h à 14 h')
    const phone = survey.getByLabel('Nouveau numéro de téléphone principal (facultatif)')
    await phone.fill('appelez-nous')
    await survey.getByRole('button', { name: 'Envoyer ma réponse' }).click()
    // The server's error, worded with the field's label and tied to it.
    await expect.poll(() => phone.getAttribute('aria-invalid')).toBe('true')
    const describedBy = (await phone.getAttribute('aria-describedby')) ?? ''
    const problem = survey.locator(`[id="${describedBy.split(' ').pop()}"]`)
    expect(await problem.textContent()).toMatch(/^Le champ Nouveau numéro de téléphone principal/)
    expect(await accessibilityViolations(survey)).toEqual([])
    await phone.fill('514-555-0199')
    await survey.getByRole('button', { name: 'Envoyer ma réponse' }).click()
    await expect.poll(() => heading(survey).textContent()).toBe('Merci')
    // Nothing kept in the provider's browser.
    expect(await providerContext.cookies()).toEqual([])
    expect(await survey.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0)
    await providerContext.close()

    // The manager reviews the answer beside the entry as it is, and approves it.
    await consolePage.getByRole('button', { name: 'Back to the campaigns' }).click()
    await consolePage.getByRole('button', { name: 'Open the campaign COVID-19 status check' }).click()
    const review = consolePage.getByRole('article', { name: /^Harbour Support Centre, answered/ })
    await expect.poll(() => review.count()).toBe(1)
    const current = review.getByRole('region', { name: 'Now in the directory' })
    const proposed = review.getByRole('region', { name: 'Proposed by the provider' })
    expect(await current.getByText('Accepting', { exact: true }).count()).toBe(1)
    expect(await proposed.getByText('Not accepting new referrals').count()).toBe(1)
    expect(await proposed.getByText('514-555-0199').count()).toBe(1)
    expect(await accessibilityViolations(consolePage)).toEqual([])
    await review
      .getByRole('button', { name: 'Approve and apply the answer of Harbour Support Centre' })
      .click()
    await expect
      .poll(() => consolePage.locator('.notice').textContent())
      .toBe('Approved for Harbour Support Centre.')
    await expect.poll(() => review.getByText('Approved', { exact: true }).count()).toBe(1)
    expect(await accessibilityViolations(consolePage)).toEqual([])
    await managerContext.close()

    const service = await server.database.db
      .selectFrom('directory_service')
      .select(['referral_status', 'doc'])
      .where('id', '=', provider.ids.service)
      .executeTakeFirstOrThrow()
    expect(service.referral_status).toBe('not_accepting')
    expect(service.doc.schedules).toEqual([
      { id: expect.any(String), description: 'Du lundi au jeudi, de 10 h à 14 h' },
    ])
    const verification = await server.database.db
      .selectFrom('directory_verification')
      .selectAll()
      .where('entity_id', '=', provider.ids.organization)
      .executeTakeFirstOrThrow()
    expect(verification).toMatchObject({ outcome: 'changed', verified_by: staff.id })
  })
})
