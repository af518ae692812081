import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  accessibilityViolations,
  launchBrowser,
  newContext,
  startWebServer,
  type WebServer,
} from '../support/browser.ts'

let server: WebServer
let browser: Browser

beforeAll(async () => {
  // A lighter proof of work than in production, so the tests do not wait on it.
  server = await startWebServer({ RELAIS_FORM_POW_BITS: '10', RELAIS_EMERGENCY_NUMBER: '112' })
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

const words = {
  en: {
    locale: 'en-CA',
    nav: 'Report a concern or ask for help',
    heading: 'Report a concern or ask for help',
    kind: 'Ask for help for myself',
    message: 'Your message',
    danger: 'I am in danger now',
    anonymous: 'Stay anonymous',
    phone: 'Telephone number',
    sms: 'A text message (SMS)',
    safeWord: 'A safe word or phrase',
    number: '514 555 0177',
    leaveMessage: 'No',
    send: 'Send',
    done: 'Thank you. Your message was received.',
    reference: 'Your reference:',
    required: 'Your message is required.',
    kindRequired: 'Choose one of the answers.',
    another: 'Write another message',
  },
  fr: {
    locale: 'fr-CA',
    nav: 'Signaler une situation ou demander de l’aide',
    heading: 'Signaler une situation ou demander de l’aide',
    kind: 'Demander de l’aide pour moi',
    message: 'Votre message',
    danger: 'Je suis en danger maintenant',
    anonymous: 'Rester anonyme',
    phone: 'Numéro de téléphone',
    sms: 'Un texto (SMS)',
    safeWord: 'Un mot ou une phrase de sécurité',
    number: '438 555 0178',
    leaveMessage: 'Non',
    send: 'Envoyer',
    done: 'Merci. Votre message a bien été reçu.',
    reference: 'Votre référence :',
    required: 'Le champ Votre message est obligatoire.',
    kindRequired: 'Choisissez une des réponses.',
    another: 'Écrire un autre message',
  },
} as const

/** Everything the browser keeps for the site: nothing is expected. */
async function traces(context: BrowserContext, page: Page) {
  return {
    cookies: await context.cookies(),
    ...(await page.evaluate(async () => ({
      local: localStorage.length,
      session: sessionStorage.length,
      databases: (await indexedDB.databases()).length,
      cookie: document.cookie,
    }))),
  }
}

describe('web form', () => {
  it.each(['en', 'fr'] as const)(
    'is reached from the portal and sends a report in %s, leaving no trace',
    async (language) => {
      const w = words[language]
      const context = await newContext(browser, w.locale)
      const page = await context.newPage()
      const requested: string[] = []
      page.on('request', (request) => requested.push(request.url()))
      await page.goto(server.url)
      const entries = await page.evaluate(() => history.length)

      await page.getByRole('link', { name: w.nav }).click()
      await expect.poll(() => page.locator('h1').textContent()).toBe(w.heading)
      expect(new URL(page.url()).pathname).toBe('/report')
      expect(await page.evaluate(() => history.length)).toBe(entries)
      expect(await page.locator('.emergency').textContent()).toContain('112')
      expect(await page.getByRole('button', { name: /Quick exit|Sortie rapide/ }).isVisible()).toBe(true)
      expect(await accessibilityViolations(page)).toEqual([])

      const text = `Mon patron garde mon passeport ${language} ${Date.now()}`
      await page.getByLabel(w.kind).check()
      await page.getByRole('textbox', { name: w.message }).fill(text)
      await page.getByLabel(w.danger).check()
      await page.getByLabel(w.anonymous).uncheck()
      await page.getByLabel(w.phone).fill(w.number)
      await page.getByLabel(w.sms).check()
      await page.getByRole('radio', { name: w.leaveMessage, exact: true }).check()
      await page.getByLabel(w.safeWord).fill('tournesol')
      expect(await accessibilityViolations(page)).toEqual([])

      await page.getByRole('button', { name: w.send, exact: true }).click()
      const done = page.getByRole('heading', { name: w.done })
      await done.waitFor()
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('form-done-heading')
      const shown = (await page.locator('.form-reference').textContent()) ?? ''
      expect(shown.startsWith(w.reference)).toBe(true)
      const reference = shown.slice(w.reference.length).trim()
      expect(reference).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/)
      expect(await accessibilityViolations(page)).toEqual([])

      const stored = await server.database.db
        .selectFrom('intake_form_submission')
        .innerJoin('intake_signal', 'intake_signal.id', 'intake_form_submission.signal_id')
        .innerJoin('intake_message', 'intake_message.id', 'intake_form_submission.message_id')
        .select([
          'queue',
          'in_danger',
          'intake_form_submission.kind',
          'anonymous',
          'body_sealed',
          'safe_contact_sealed',
        ])
        .where('reference', '=', reference)
        .executeTakeFirstOrThrow()
      expect(stored).toMatchObject({
        queue: `form.${language}`,
        in_danger: true,
        kind: 'help',
        anonymous: false,
      })
      expect(JSON.parse(server.secrets.open(stored.body_sealed!)).text).toBe(text)
      expect(JSON.parse(server.secrets.open(stored.safe_contact_sealed!))).toEqual({
        method: 'sms',
        safeTimes: null,
        leaveMessage: false,
        safeWord: 'tournesol',
      })

      // Another message starts from an empty form.
      await page.getByRole('button', { name: w.another }).click()
      expect(await page.getByRole('textbox', { name: w.message }).inputValue()).toBe('')
      expect(await page.getByLabel(w.anonymous).isChecked()).toBe(true)

      const origin = new URL(server.url).origin
      expect(requested.filter((url) => new URL(url).origin !== origin)).toEqual([])
      expect(await traces(context, page)).toEqual({
        cookies: [],
        local: 0,
        session: 0,
        databases: 0,
        cookie: '',
      })
      await context.close()
    },
  )

  it.each(['en', 'fr'] as const)(
    'shows what the server refused next to each field, in %s, without accessibility violations',
    async (language) => {
      const w = words[language]
      const context = await newContext(browser, w.locale)
      const page = await context.newPage()
      await page.goto(`${server.url}/report`)
      await page.getByRole('button', { name: w.send, exact: true }).click()
      const message = page.getByRole('textbox', { name: w.message })
      await expect.poll(() => message.getAttribute('aria-invalid')).toBe('true')
      const described = ((await message.getAttribute('aria-describedby')) ?? '').split(' ')
      const errorText = await page.locator(`[id="${described.at(-1)}"]`).textContent()
      expect(errorText).toBe(w.required)
      expect(await page.locator('fieldset.choice-group .field-error').first().textContent()).toBe(
        w.kindRequired,
      )
      // The first field in error has the focus: the kind of concern.
      expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).toBe(
        'radio',
      )
      expect(await accessibilityViolations(page)).toEqual([])
      await context.close()
    },
  )

  it('keeps its honeypot out of sight and out of the keyboard’s reach', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await page.goto(`${server.url}/report`)
    const trap = page.locator('input[name="website"]')
    // Off screen, where no one sees it (Playwright still calls that "visible").
    const box = await trap.boundingBox()
    expect(box === null || box.x + box.width <= 0).toBe(true)
    expect(await trap.getAttribute('tabindex')).toBe('-1')
    const reached: string[] = []
    for (let index = 0; index < 30; index += 1) {
      await page.keyboard.press('Tab')
      reached.push(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name ?? ''))
    }
    expect(reached).not.toContain('website')
    expect(reached).toContain('message')
    await context.close()
  })
})
