import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CaseDetail } from '../../common/contracts/cases.ts'
import { buildSignal } from '../../server/cases/cases.factories.ts'
import {
  accessibilityViolations,
  launchBrowser,
  openConsoleAs,
  startWebServer,
  type WebServer,
} from '../support/browser.ts'
import { buildStaff, sessionFor } from '../support/factories.ts'

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

/** A console tab signed in as a new staff member of this role. */
const consoleAs = (role: 'advocate' | 'supervisor' | 'admin', locale: string, path: string) =>
  openConsoleAs(server, browser, role, locale, path)
const heading = (page: Page) => page.getByRole('heading', { level: 1 })
const clean = async (page: Page) => expect(await accessibilityViolations(page)).toEqual([])

/** An advocate and the case they opened from a conversation they answered. */
async function advocateWithCase() {
  const advocate = await buildStaff(server, { role: 'advocate' })
  const session = await sessionFor(server, advocate)
  const signalId = await buildSignal(server.database, { advocateId: advocate.id, status: 'ended' })
  const response = await server.app.inject({
    method: 'POST',
    url: '/api/cases',
    headers: session.headers,
    payload: { signalId },
  })
  expect(response.statusCode, response.body).toBe(201)
  return { advocate, kase: response.json() as CaseDetail }
}

async function displayName(staffId: string) {
  const row = await server.database.db
    .selectFrom('staff_user')
    .select('display_name')
    .where('id', '=', staffId)
    .executeTakeFirstOrThrow()
  return row.display_name
}

const assignedTo = async (caseId: string) =>
  (
    await server.database.db
      .selectFrom('case_file')
      .select('assigned_to')
      .where('id', '=', caseId)
      .executeTakeFirstOrThrow()
  ).assigned_to

describe('case oversight in the console', () => {
  it('en français : une superviseure réassigne un dossier à un autre intervenant, qui l’atteint ensuite', async () => {
    const { advocate, kase } = await advocateWithCase()
    const colleague = await buildStaff(server, { role: 'advocate', locale: 'fr' })
    const colleagueName = await displayName(colleague.id)
    const { page } = await consoleAs('supervisor', 'fr-CA', `/cases/${kase.id}`)
    await expect.poll(() => heading(page).textContent()).toBe(`Dossier ${kase.number}`)
    expect(await page.locator('.case-meta').textContent()).toMatch(
      `Confié à ${await displayName(advocate.id)}`,
    )
    const form = page.getByRole('form', { name: 'Réassigner le dossier' })
    const select = form.getByLabel('Réassigner à')
    await expect.poll(() => select.locator('option').count()).toBeGreaterThan(1)
    expect(await select.inputValue()).toBe(advocate.id)
    expect(await form.getByRole('button', { name: 'Réassigner' }).isDisabled()).toBe(true)
    await clean(page)

    await select.selectOption({ label: `${colleagueName} (Intervenant·e)` })
    await form.getByRole('button', { name: 'Réassigner' }).click()
    await expect.poll(() => page.locator('.case-meta').textContent()).toMatch(`Confié à ${colleagueName}`)
    expect(await form.getByText(/^Dossier réassigné à/).count()).toBe(1)
    expect(await assignedTo(kase.id)).toBe(colleague.id)
    await clean(page)
    await page.screenshot({ path: '/tmp/case-reassign-fr.png', fullPage: true })

    // The colleague reaches the case from then on.
    const reached = await server.app.inject({
      method: 'GET',
      url: `/api/cases/${kase.id}`,
      headers: (await sessionFor(server, colleague)).headers,
    })
    expect(reached.statusCode).toBe(200)
  })

  it('an admin opens a case by its number with a written reason, warned it is audited; a supervisor sees the opening, in English and French', async () => {
    const { kase } = await advocateWithCase()
    const { page, staff: admin } = await consoleAs('admin', 'en-CA', '/cases')
    await expect.poll(() => heading(page).textContent()).toBe('Cases')
    const glass = page.getByRole('region', { name: 'Open a case by number (break the glass)' })
    expect(await glass.textContent()).toMatch(/This access is audited.*supervisors see every opening/)
    await clean(page)

    // Too short a reason: refused, naming the field, and nothing opens.
    await glass.getByLabel('Case number').fill(kase.number.toLowerCase())
    await glass.getByLabel('Reason').fill('Access request')
    await glass.getByRole('button', { name: 'Open the case' }).click()
    await expect
      .poll(() => glass.getByRole('alert').textContent())
      .toMatch(/Reason must have at least 20 characters/)
    expect(new URL(page.url()).pathname).toBe('/console/cases')
    await clean(page)

    const reason = 'Access request by the person, file PRIV-2026-031, approved by the director'
    await glass.getByLabel('Reason').fill(reason)
    await glass.getByRole('button', { name: 'Open the case' }).click()
    await expect.poll(() => heading(page).textContent()).toBe(`Case ${kase.number}`)
    expect(new URL(page.url()).pathname).toBe(`/console/cases/${kase.id}`)
    expect(await page.locator('p.alert').textContent()).toMatch(
      `You are reading this case by break-the-glass: “${reason}”`,
    )
    // An admin reads, and changes nothing.
    expect(await page.getByRole('form', { name: 'Reassign the case' }).count()).toBe(0)
    await clean(page)
    const opening = await server.database.db
      .selectFrom('audit_event')
      .select(['details'])
      .where('action', '=', 'case.break_glass')
      .where('entity_id', '=', kase.id)
      .where('actor_id', '=', admin.id)
      .executeTakeFirst()
    expect(opening?.details).toMatchObject({ reason })

    for (const [locale, labels] of [
      ['en-CA', { list: 'Cases opened by break-the-glass', admin: 'Administrator' }],
      ['fr-CA', { list: 'Dossiers ouverts par accès d’urgence', admin: 'Administrateur·rice' }],
    ] as const) {
      const { page: desk } = await consoleAs('supervisor', locale, '/cases')
      const log = desk.getByRole('region', { name: labels.list })
      const row = log.getByRole('row').filter({ has: desk.getByRole('link', { name: kase.number }) })
      await expect.poll(() => row.count()).toBe(1)
      expect(await row.textContent()).toContain(reason)
      expect(await row.textContent()).toContain(await displayName(admin.id))
      expect(await log.getByRole('columnheader', { name: labels.admin }).count()).toBe(1)
      await clean(desk)
      await desk.screenshot({ path: `/tmp/case-break-glass-log-${locale}.png`, fullPage: true })
      await row.getByRole('link', { name: kase.number }).click()
      await expect.poll(() => heading(desk).textContent()).toMatch(kase.number)
    }

    // The admin's form in French, with its warning.
    const { page: fr } = await consoleAs('admin', 'fr-CA', '/cases')
    const glassFr = fr.getByRole('region', { name: 'Ouvrir un dossier par son numéro (accès d’urgence)' })
    await expect.poll(() => glassFr.count()).toBe(1)
    expect(await glassFr.textContent()).toMatch(/Cet accès est journalisé/)
    expect(await glassFr.getByLabel('Motif').count()).toBe(1)
    await clean(fr)
  })
})
