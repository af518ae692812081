import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildViewer, testAudit } from '../../server/cases/cases.factories.ts'
import { saveBundle } from '../../server/directory/directory.service.ts'
import { generateReportingData } from '../../server/reporting/reporting.fixtures.ts'
import {
  accessibilityViolations,
  launchBrowser,
  openConsoleAs,
  startWebServer,
  type WebServer,
} from '../support/browser.ts'
import { providerBundle, taxonomyBundle } from '../support/directory.ts'

let server: WebServer
let browser: Browser

beforeAll(async () => {
  server = await startWebServer()
  browser = await launchBrowser()
  const staff = await buildViewer(server.database, 'advocate')
  await saveBundle(server.database, taxonomyBundle(), testAudit, { mode: 'summary' })
  for (const province of ['ON', 'QC'])
    await saveBundle(server.database, providerBundle({ province }), testAudit)
  await generateReportingData(server.database, { seed: 11, staffId: staff.staffId, signals: 300, cases: 60 })
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

describe('the reports area', () => {
  it('shows an analyst the 2021-22 fiscal year in French as charts and tables, and exports the PDF', async () => {
    const { page, context } = await openConsoleAs(server, browser, 'analyst', 'fr-CA', '/reports')
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Rapports')
    // Only reports in the analyst's navigation.
    const nav = await page.getByRole('navigation').getByRole('link').allTextContents()
    expect(nav).toContain('Rapports')
    expect(nav.join(' ')).not.toMatch(/Cas|Répertoire|Journal/)

    await page.getByLabel('Exercice', { exact: true }).selectOption('2021-22')
    await page.getByRole('button', { name: 'Afficher les chiffres' }).click()
    const about = page.getByRole('heading', { name: 'exercice 2021-2022, par rapport à exercice 2020-2021' })
    await about.waitFor()
    expect(await page.getByRole('heading', { level: 2, name: 'Niveaux de service' }).count()).toBe(1)
    expect(await page.getByRole('img', { name: /Graphique : Signaux par canal/ }).count()).toBe(1)
    const byChannel = page.getByRole('table', { name: 'Signaux par canal' })
    expect(await byChannel.getByRole('rowheader', { name: 'Téléphone' }).count()).toBe(1)
    const headers = await byChannel.getByRole('columnheader').allTextContents()
    expect(headers).toEqual(['Canal', 'exercice 2021-2022', 'exercice 2020-2021', 'Variation'])
    // The table's figures are the API's, written as French writes them.
    const api = await page.evaluate(async () => {
      const response = await fetch('/api/reports?period=2021-22&lang=fr', {
        headers: { accept: 'application/json' },
      })
      return response.json()
    })
    const voice = api.sections[0].indicators
      .find((indicator: { id: string }) => indicator.id === 'signals.by_channel')
      .rows.find((row: { key: string[] }) => row.key[0] === 'voice')
    const cells = await byChannel
      .getByRole('row', { name: /Téléphone/ })
      .getByRole('cell')
      .allTextContents()
    expect(cells[0]).toBe(new Intl.NumberFormat('fr-CA').format(voice.value))
    expect(await accessibilityViolations(page)).toEqual([])
    await page.screenshot({ path: '/tmp/reports-fr.png', fullPage: false })
    for (const [title, file] of [
      ['Signaux par mois', 'months'],
      ['Signaux par province ou territoire', 'provinces'],
    ]) {
      await page
        .getByRole('article', { name: title, exact: true })
        .screenshot({ path: `/tmp/reports-fr-${file}.png` })
    }

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Télécharger le PDF' }).click(),
    ])
    expect(download.suggestedFilename()).toBe('relais-report-2021-22-fr.pdf')
    const file = '/tmp/reports-browser-fr.pdf'
    await download.saveAs(file)
    expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-')
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' })
    expect(text).toContain('Signaux par canal')
    expect(text).toContain('exercice 2021-2022')
    await context.close()
  })
})
