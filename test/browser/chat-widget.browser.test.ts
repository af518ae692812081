import { createServer as createHttpServer, type Server } from 'node:http'
import net, { type AddressInfo } from 'node:net'
import type { Browser, BrowserContext, FrameLocator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  accessibilityViolations,
  launchBrowser,
  newContext,
  startNeutralSite,
  startWebServer,
  type WebServer,
} from '../support/browser.ts'
import { buildStaff, sessionFor } from '../support/factories.ts'

/**
 * The visitor's chat, driven in Chromium, with the advocate's side played through the staff API.
 * The browser reaches Relais through a TCP proxy the tests can cut, as a network would be.
 */

/** A TCP relay to the server that can drop every connection and refuse new ones, then come back. */
class CuttableProxy {
  readonly #server: net.Server
  readonly #sockets = new Set<net.Socket>()
  #cut = false
  #deaf = false
  url = ''

  constructor(readonly targetPort: number) {
    this.#server = net.createServer((client) => {
      if (this.#cut) {
        client.destroy()
        return
      }
      const upstream = net.connect(targetPort, '127.0.0.1')
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket)
        socket.on('close', () => this.#sockets.delete(socket))
        socket.on('error', () => {
          client.destroy()
          upstream.destroy()
        })
      }
      client.on('data', (chunk) => upstream.write(chunk))
      // While deaf, what the server answers is lost on the way: it has what was sent, the browser
      // hears nothing back.
      upstream.on('data', (chunk) => {
        if (!this.#deaf) client.write(chunk)
      })
      client.on('close', () => upstream.destroy())
      upstream.on('close', () => client.destroy())
    })
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve))
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`
  }

  /** Drops every connection at once and refuses new ones until `restore`. */
  cut(): void {
    this.#cut = true
    for (const socket of this.#sockets) socket.destroy()
  }

  /** Keeps the connections but loses everything the server sends on them. */
  deafen(): void {
    this.#deaf = true
  }

  restore(): void {
    this.#cut = false
    this.#deaf = false
  }

  get connections(): number {
    return this.#sockets.size
  }

  close(): Promise<void> {
    this.cut()
    return new Promise((resolve) => this.#server.close(() => resolve()))
  }
}

let server: WebServer
let neutral: Awaited<ReturnType<typeof startNeutralSite>>
let proxy: CuttableProxy
let browser: Browser
let relais: string
let exitUrl: string
let hostSite: Server
let hostUrl: string

beforeAll(async () => {
  neutral = await startNeutralSite()
  exitUrl = `${neutral.url}/exit`
  server = await startWebServer({
    RELAIS_QUICK_EXIT_URL: exitUrl,
    RELAIS_EMERGENCY_NUMBER: '112',
    RELAIS_OFFER_SECONDS: '300',
  })
  proxy = new CuttableProxy(Number(new URL(server.url).port))
  await proxy.listen()
  relais = proxy.url
  // A site of another origin (and site: localhost, not 127.0.0.1) that embeds the widget.
  hostSite = createHttpServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    // A site that frames the widget itself, without the embed script.
    if (request.url === '/bare') {
      return response.end(
        `<!doctype html><html lang="en"><title>Bare</title><h1>Bare</h1>` +
          `<iframe title="Chat" src="${relais}/widget/" width="400" height="600"></iframe></html>`,
      )
    }
    response.end(
      `<!doctype html><html lang="en"><head><title>Community centre</title>` +
        `<script src="${relais}/widget/embed.js" defer></script></head>` +
        `<body><h1>Community centre ${request.url}</h1><p>Opening hours and activities.</p></body></html>`,
    )
  })
  await new Promise<void>((resolve) => hostSite.listen(0, '127.0.0.1', resolve))
  hostUrl = `http://localhost:${(hostSite.address() as AddressInfo).port}`
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await new Promise<void>((resolve) => (hostSite ? hostSite.close(() => resolve()) : resolve()))
  await proxy?.close()
  await server?.close()
  await neutral?.close()
})

const words = {
  en: {
    locale: 'en-CA',
    choose: /^English/,
    questions: 'Before you start',
    preferred: 'Language you would prefer, with an interpreter (optional)',
    cree: 'ᓀᐦᐃᔭᐍᐏᐣ (Nēhiyawēwin) — Cree',
    safe: 'Not sure',
    safeAnswer: 'unsure',
    start: 'Start the chat',
    waiting: 'Waiting for an advocate',
    connected: 'An advocate has joined',
    ended: 'The conversation has ended',
    message: 'Your message',
    end: 'End the chat',
    restart: 'Start a new conversation',
    sending: 'Sending…',
    reconnecting: 'Connection lost. Reconnecting…',
    quickExit: 'Quick exit',
    trace: "Your browser's history will show that you visited this page (",
    hello: 'Hello, I need help',
    reply: 'I am here. Are you safe to talk?',
  },
  fr: {
    locale: 'fr-CA',
    choose: /^Français/,
    questions: 'Avant de commencer',
    preferred: 'Langue que vous préféreriez, avec une ou un interprète (facultatif)',
    cree: 'ᓀᐦᐃᔭᐍᐏᐣ (Nēhiyawēwin) — Cri',
    safe: 'Oui',
    safeAnswer: 'yes',
    start: 'Commencer le clavardage',
    waiting: 'En attente d’une intervenante ou d’un intervenant',
    connected: 'Une intervenante ou un intervenant s’est joint à vous',
    ended: 'La conversation est terminée',
    message: 'Votre message',
    end: 'Terminer le clavardage',
    restart: 'Commencer une nouvelle conversation',
    sending: 'Envoi…',
    reconnecting: 'Connexion perdue. Reconnexion…',
    quickExit: 'Sortie rapide',
    trace: 'L’historique de votre navigateur indiquera que vous avez visité cette page (',
    hello: 'Bonjour, j’ai besoin d’aide',
    reply: 'Je suis là. Êtes-vous en sécurité pour parler ?',
  },
} as const

/** An advocate at their desk, through the staff API on the server itself (not through the proxy). */
async function advocateDesk(languages: string[]) {
  const staff = await buildStaff(server, { role: 'advocate' })
  const session = await sessionFor(server, staff)
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { ...session.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`)
    return response.status === 204 ? null : response.json()
  }
  const presence = (state: 'available' | 'away') =>
    call('PUT', '/api/intake/presence', { state, languages, skills: [] })
  const offers = async () =>
    ((await call('GET', '/api/intake/workspace')) as { offers: { offerId: string; signalId: string }[] })
      .offers
  return {
    presence,
    /** Waits for the one conversation offered, accepts it, and says which it was. */
    async accept(): Promise<string> {
      await expect.poll(async () => (await offers()).length).toBe(1)
      const [offer] = await offers()
      await call('POST', `/api/intake/offers/${offer?.offerId}/accept`)
      return offer!.signalId
    },
    say: (signalId: string, body: string) =>
      call('POST', `/api/intake/signals/${signalId}/messages`, { body }),
  }
}

/** Everything the browser keeps for the page's origin: nothing is expected. */
async function traces(page: Page) {
  return page.evaluate(async () => ({
    local: localStorage.length,
    session: sessionStorage.length,
    databases: (await indexedDB.databases()).length,
    cookie: document.cookie,
  }))
}
const noTraces = { local: 0, session: 0, databases: 0, cookie: '' }

/** Every origin the page asked anything of. */
function recordOrigins(page: Page): Set<string> {
  const origins = new Set<string>()
  page.on('request', (request) => origins.add(new URL(request.url()).origin))
  return origins
}

const storedMessages = (signalId: string) =>
  server.database.db
    .selectFrom('intake_message')
    .select(['seq', 'direction', 'external_id'])
    .where('signal_id', '=', signalId)
    .orderBy('seq')
    .execute()

const signalStatus = async (signalId: string) =>
  (
    await server.database.db
      .selectFrom('intake_signal')
      .select('status')
      .where('id', '=', signalId)
      .executeTakeFirstOrThrow()
  ).status

type Surface = Page | FrameLocator

const bubbles = (surface: Surface) => surface.locator('.chat-message .chat-body').allTextContents()
const stateHeading = (surface: Surface) => surface.locator('#chat-state-heading').textContent()

async function shoot(page: Page, name: string) {
  await page.screenshot({ path: `/tmp/chat-${name}.png` })
}

/** From the language buttons to a conversation waiting for an advocate. */
async function startChat(surface: Surface, lang: 'en' | 'fr') {
  const w = words[lang]
  await surface.getByRole('button', { name: w.choose }).click()
  await surface.getByRole('heading', { name: w.questions }).waitFor()
  await surface.getByRole('button', { name: w.start }).click()
  await surface.getByLabel(w.message).waitFor()
}

describe('the visitor’s chat', () => {
  it.each([
    ['widget', 'en'],
    ['widget', 'fr'],
    ['page', 'en'],
    ['page', 'fr'],
  ] as const)(
    'on the %s, in %s: every step is accessible, and messages go both ways',
    async (surface, lang) => {
      const w = words[lang]
      // The person prefers Cree: an advocate who speaks it is offered the conversation.
      const desk = await advocateDesk(['en', 'fr', 'cr'])
      await desk.presence('away')
      const context = await newContext(browser, w.locale)
      const page = await context.newPage()
      // The widget's frame on a host page is about this size (see embed.ts).
      if (surface === 'widget') await page.setViewportSize({ width: 400, height: 640 })
      const origins = recordOrigins(page)
      const name = `${surface}-${lang}`
      try {
        const response = await page.goto(`${relais}${surface === 'widget' ? '/widget/' : '/chat'}`)
        expect(response?.headers()['cache-control']).toBe('no-store')

        // The choice of language, named in both.
        await page
          .getByRole('heading', {
            name: /Choose your language.*Choisissez votre langue|Choisissez votre langue.*Choose your language/,
          })
          .waitFor()
        expect(await page.getByRole('button', { name: /^English Anglais$/ }).count()).toBe(1)
        expect(await page.getByRole('button', { name: /^Français French$/ }).count()).toBe(1)
        expect(await page.getByRole('button', { name: w.quickExit }).isVisible()).toBe(true)
        expect(await accessibilityViolations(page)).toEqual([])
        await shoot(page, `${name}-1-language`)

        await page.getByRole('button', { name: w.choose }).click()
        await page.getByRole('heading', { name: w.questions }).waitFor()
        expect(await page.locator('html').getAttribute('lang')).toBe(lang)
        // The focus moves to the new step, as on a new page.
        expect(await page.evaluate(() => document.activeElement?.id)).toBe('chat-step-heading')
        const preferred = page.getByLabel(w.preferred)
        // Every language of the list, Indigenous languages first, each in itself and in the interface's.
        expect(await preferred.locator('option').count()).toBe(41)
        expect(await preferred.locator('optgroup').first().locator('option').first().textContent()).toBe(
          w.cree,
        )
        await preferred.selectOption('cr')
        await page.getByRole('radio', { name: w.safe }).check()
        expect(await page.getByText(w.trace).textContent()).toContain(new URL(relais).host)
        expect(await accessibilityViolations(page)).toEqual([])
        await shoot(page, `${name}-2-questions`)

        await page.getByRole('button', { name: w.start }).click()
        await expect.poll(() => stateHeading(page)).toBe(w.waiting)
        expect(await page.getByRole('status').first().textContent()).toContain('112')
        expect(await page.evaluate(() => document.activeElement?.id)).toBe('chat-message')
        await page.keyboard.type(w.hello)
        await page.keyboard.press('Enter')
        await expect.poll(() => bubbles(page)).toEqual([w.hello])
        await expect.poll(() => page.getByText(w.sending).count()).toBe(0)
        expect(await accessibilityViolations(page)).toEqual([])
        await shoot(page, `${name}-3-waiting`)

        await desk.presence('available')
        const signalId = await desk.accept()
        const signal = await server.database.db
          .selectFrom('intake_signal')
          .select(['language', 'preferred_language', 'safe_to_chat', 'channel'])
          .where('id', '=', signalId)
          .executeTakeFirstOrThrow()
        expect(signal).toEqual({
          language: lang,
          preferred_language: 'cr',
          safe_to_chat: w.safeAnswer,
          channel: 'web_chat',
        })
        await expect.poll(() => stateHeading(page)).toBe(w.connected)
        await desk.say(signalId, w.reply)
        await expect.poll(() => bubbles(page)).toEqual([w.hello, w.reply])
        // Read out to screen readers, politely.
        await expect.poll(() => page.locator('[aria-live="polite"]').textContent()).toContain(w.reply)
        expect(await accessibilityViolations(page)).toEqual([])
        await shoot(page, `${name}-4-connected`)

        await page.getByRole('button', { name: w.end }).click()
        await expect.poll(() => stateHeading(page)).toBe(w.ended)
        await expect.poll(() => signalStatus(signalId)).toBe('wrap_up')
        expect(await page.evaluate(() => document.activeElement?.id)).toBe('chat-restart')
        expect(await accessibilityViolations(page)).toEqual([])
        await shoot(page, `${name}-5-ended`)
        expect((await storedMessages(signalId)).map((row) => row.direction)).toEqual(['in', 'out'])

        await page.getByRole('button', { name: w.restart }).click()
        await page.getByRole('button', { name: w.choose }).waitFor()

        expect([...origins]).toEqual([new URL(relais).origin])
        expect(await context.cookies()).toEqual([])
        expect(await traces(page)).toEqual(noTraces)
      } finally {
        await desk.presence('away')
        await context.close()
      }
    },
  )

  it('survives the network dropping mid-conversation: nothing lost, nothing twice', async () => {
    const desk = await advocateDesk(['en'])
    await desk.presence('available')
    const context = await newContext(browser)
    const page = await context.newPage()
    await page.setViewportSize({ width: 400, height: 640 })
    try {
      await page.goto(`${relais}/widget/`)
      await startChat(page, 'en')
      const signalId = await desk.accept()
      await expect.poll(() => stateHeading(page)).toBe(words.en.connected)
      const write = async (text: string) => {
        await page.getByLabel(words.en.message).fill(text)
        await page.keyboard.press('Enter')
      }
      await write('one')
      await desk.say(signalId, 'A1')
      await expect.poll(() => bubbles(page)).toEqual(['one', 'A1'])
      await expect.poll(() => page.getByText(words.en.sending).count()).toBe(0)

      // The network goes: every connection drops, new ones are refused for a while.
      proxy.cut()
      await page.getByText(words.en.reconnecting).waitFor()
      await write('two')
      await write('three')
      await desk.say(signalId, 'A2')
      await desk.say(signalId, 'A3')
      expect(await page.getByText(words.en.sending).count()).toBe(2)
      await shoot(page, 'widget-en-6-reconnecting')
      // Still cut: the page keeps trying, and keeps what was typed.
      expect(await bubbles(page)).toEqual(['one', 'A1', 'two', 'three'])
      expect((await storedMessages(signalId)).length).toBe(4)

      proxy.restore()
      await expect.poll(() => page.getByText(words.en.sending).count()).toBe(0)
      await expect.poll(() => bubbles(page)).toEqual(['one', 'A1', 'A2', 'A3', 'two', 'three'])
      expect(await page.getByText(words.en.reconnecting).count()).toBe(0)
      const stored = await storedMessages(signalId)
      expect(stored.map((row) => row.seq)).toEqual([1, 2, 3, 4, 5, 6])
      expect(stored.map((row) => row.direction)).toEqual(['in', 'out', 'out', 'out', 'in', 'in'])

      // Worse: the server stores a message but its acknowledgement is lost, then the line drops.
      proxy.deafen()
      await write('four')
      await expect.poll(async () => (await storedMessages(signalId)).length).toBe(7)
      expect(await page.getByText(words.en.sending).count()).toBe(1)
      proxy.cut()
      await desk.say(signalId, 'A4')
      proxy.restore()
      await expect.poll(() => page.getByText(words.en.sending).count()).toBe(0)
      await expect.poll(() => bubbles(page)).toEqual(['one', 'A1', 'A2', 'A3', 'two', 'three', 'four', 'A4'])
      const final = await storedMessages(signalId)
      expect(final).toHaveLength(8)
      const fromVisitor = final.filter((row) => row.direction === 'in').map((row) => row.external_id)
      expect(new Set(fromVisitor).size).toBe(4)
      // What the page shows, counted in the DOM: each message once.
      expect(await page.locator('.chat-message').count()).toBe(8)
      await shoot(page, 'widget-en-7-resumed')
    } finally {
      proxy.restore()
      await desk.presence('away')
      await context.close()
    }
  })
})

describe('quick exit from the chat', () => {
  /** A page before, then the chat: what Back should return to once the chat has gone. */
  async function openAfterAnotherPage(path: string) {
    const context = await newContext(browser)
    const page = await context.newPage()
    await page.goto(`${neutral.url}/before`)
    const entriesBefore = await page.evaluate(() => history.length)
    await page.goto(`${relais}${path}`)
    return { context, page, entriesBefore }
  }

  /**
   * The chat's history entry was replaced: Back goes to the page before it, Forward to the neutral
   * site, and the history has as many entries as before the exit. What no page can do is remove the
   * visit from the browser's own list of visited pages: the notice on the chat says so.
   */
  async function expectChatGoneFromHistory(page: Page, entriesBefore: number) {
    await page.waitForURL(exitUrl)
    expect(await page.evaluate(() => history.length)).toBe(entriesBefore + 1)
    await page.goBack()
    expect(page.url()).toBe(`${neutral.url}/before`)
    await page.goForward()
    expect(page.url()).toBe(exitUrl)
  }

  /** A conversation no advocate has answered yet (every desk of the other tests is away). */
  async function waitingConversation(page: Page | FrameLocator) {
    await startChat(page, 'en')
    await expect.poll(() => stateHeading(page)).toBe(words.en.waiting)
    const row = await server.database.db
      .selectFrom('intake_signal')
      .select('id')
      .where('channel', '=', 'web_chat')
      .orderBy('received_at', 'desc')
      .executeTakeFirstOrThrow()
    return row.id
  }

  async function expectNothingKept(context: BrowserContext) {
    expect(await context.cookies()).toEqual([])
    const state = await context.storageState({ indexedDB: true })
    expect(state).toEqual({ cookies: [], origins: [] })
  }

  it('the button on the portal’s chat page tells the server, forgets, and replaces the page', async () => {
    const { context, page, entriesBefore } = await openAfterAnotherPage('/')
    // Reached from the portal's navigation, in place: the portal stays one history entry.
    await page.getByRole('link', { name: 'Chat with an advocate' }).click()
    await page.waitForURL(`${relais}/chat`)
    const signalId = await waitingConversation(page)
    expect(await traces(page)).toEqual(noTraces)
    expect(await page.evaluate(() => history.length)).toBe(entriesBefore + 1)
    await page.getByRole('button', { name: words.en.quickExit }).click()
    await expectChatGoneFromHistory(page, entriesBefore)
    // The person left before anyone answered.
    await expect.poll(() => signalStatus(signalId)).toBe('abandoned')
    await expectNothingKept(context)
    await context.close()
  })

  it('Shift pressed three times in the widget does the same', async () => {
    const { context, page, entriesBefore } = await openAfterAnotherPage('/widget/')
    const signalId = await waitingConversation(page)
    await page.keyboard.press('Shift')
    await page.keyboard.press('Shift')
    expect(page.url()).toBe(`${relais}/widget/`)
    await page.keyboard.press('Shift')
    await expectChatGoneFromHistory(page, entriesBefore)
    await expect.poll(() => signalStatus(signalId)).toBe('abandoned')
    await expectNothingKept(context)
    await context.close()
  })

  it('embedded in another site, the widget opens in a frame and its quick exit takes the host page away', async () => {
    // A plain script any site may load across origins.
    const script = await fetch(`${relais}/widget/embed.js`)
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(script.headers.get('cross-origin-resource-policy')).toBe('cross-origin')
    expect(await script.text()).not.toMatch(/^\s*(import|export)\b/m)
    const context = await newContext(browser)
    const page = await context.newPage()
    const origins = recordOrigins(page)
    await page.goto(`${neutral.url}/before`)
    const entriesBefore = await page.evaluate(() => history.length)
    const embedded = await page.goto(`${hostUrl}/visit`)
    expect(embedded?.ok()).toBe(true)
    const launcher = page.getByRole('button', { name: 'Chat / Clavarder' })
    await launcher.waitFor()
    // Until the person asks, nothing but the script comes from Relais.
    expect(await page.locator('iframe').count()).toBe(0)
    await shoot(page, 'embed-1-launcher')

    await launcher.click()
    expect(await launcher.getAttribute('aria-expanded')).toBe('true')
    const frame = page.frameLocator(
      'iframe[title="Chat with an advocate / Clavarder avec une intervenante ou un intervenant"]',
    )
    await frame.getByRole('button', { name: /^English/ }).waitFor()
    // The frame took the focus; its first stop is the quick exit.
    await page.keyboard.press('Tab')
    expect(await frame.locator(':focus').textContent()).toBe('Quick exit')
    // Opening the frame added nothing to the history.
    expect(await page.evaluate(() => history.length)).toBe(entriesBefore + 1)
    const signalId = await waitingConversation(frame)
    expect(await frame.getByText(words.en.trace).textContent()).toContain(new URL(hostUrl).host)
    await frame.getByLabel(words.en.message).fill('hello from the host page')
    await page.keyboard.press('Enter')
    await expect.poll(() => bubbles(frame)).toEqual(['hello from the host page'])
    await shoot(page, 'embed-2-open')

    // Closed and opened again: the same conversation, the focus back on the launcher in between.
    await page
      .getByRole('button', { name: 'Close the chat window / Fermer la fenêtre de clavardage' })
      .click()
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Chat / Clavarder')
    expect(await page.locator('iframe').isVisible()).toBe(false)
    await launcher.click()
    expect(await bubbles(frame)).toEqual(['hello from the host page'])
    // In a frame of another site, Chromium denies the widget storage altogether; it needs none.
    const inFrame = await page.frames()[1]!.evaluate(async () => {
      const read = async (look: () => unknown) => {
        try {
          return await look()
        } catch {
          return 'denied'
        }
      }
      return [
        await read(() => localStorage.length),
        await read(() => sessionStorage.length),
        await read(async () => (await indexedDB.databases()).length),
        await read(() => document.cookie),
      ]
    })
    for (const kept of inFrame) expect([0, '', 'denied']).toContain(kept)

    await frame.getByRole('button', { name: 'Quick exit' }).click()
    await expectChatGoneFromHistory(page, entriesBefore)
    await expect.poll(() => signalStatus(signalId)).toBe('abandoned')
    await expectNothingKept(context)
    expect([...origins].sort()).toEqual(
      [new URL(relais).origin, new URL(hostUrl).origin, new URL(neutral.url).origin].sort(),
    )
    await context.close()
  })

  it('Shift pressed three times in the frame has the embed script blank the host page itself', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await page.goto(`${hostUrl}/visit`)
    await page.getByRole('button', { name: 'Chat / Clavarder' }).click()
    const frame = page.frameLocator('iframe')
    await frame.getByRole('button', { name: /^English/ }).waitFor()
    // A 204 answer leaves the browser on the host page, so what the embed script did to it shows.
    await page.frames()[1]!.evaluate((url) => {
      document.querySelector<HTMLMetaElement>('meta[name="relais-quick-exit"]')!.content = url
    }, `${neutral.url}/no-content`)
    await frame.getByRole('button', { name: 'Quick exit' }).focus()
    for (let press = 0; press < 3; press += 1) await page.keyboard.press('Shift')
    await expect
      .poll(() =>
        page.evaluate(() => ({
          title: document.title,
          shown: [...document.body.children].filter((child) => getComputedStyle(child).display !== 'none')
            .length,
        })),
      )
      .toEqual({ title: '', shown: 0 })
    expect(page.url()).toBe(`${hostUrl}/visit`)
    await context.close()
  })

  it('framed without the embed script, the widget takes the top page away itself after a click', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await page.goto(`${neutral.url}/before`)
    const entriesBefore = await page.evaluate(() => history.length)
    await page.goto(`${hostUrl}/bare`)
    const frame = page.frameLocator('iframe[title="Chat"]')
    await frame.getByRole('button', { name: 'Quick exit' }).click()
    await expectChatGoneFromHistory(page, entriesBefore)
    await context.close()
  })

  it('Shift pressed three times on the host page, with the panel open, takes it away too', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await page.goto(`${neutral.url}/before`)
    const entriesBefore = await page.evaluate(() => history.length)
    await page.goto(`${hostUrl}/visit`)
    await page.getByRole('button', { name: 'Chat / Clavarder' }).click()
    const frame = page.frameLocator('iframe')
    await frame.getByRole('button', { name: /^English/ }).waitFor()
    await page.locator('h1').click()
    for (let press = 0; press < 3; press += 1) await page.keyboard.press('Shift')
    await expectChatGoneFromHistory(page, entriesBefore)
    await context.close()
  })
})
