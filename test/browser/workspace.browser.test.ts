import { randomUUID } from 'node:crypto'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  accessibilityViolations,
  launchBrowser,
  newContext,
  openConsoleAs,
  startWebServer,
  type WebServer,
} from '../support/browser.ts'
import { SocketClient } from '../support/sockets.ts'

let server: WebServer
let browser: Browser

beforeAll(async () => {
  server = await startWebServer({ RELAIS_OFFER_SECONDS: '120' })
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

/** A console tab signed in as a new staff member of this role. */
const consoleAs = (role: 'advocate' | 'supervisor', locale: string, path: string) =>
  openConsoleAs(server, browser, role, locale, path)

async function visitorChat(language: 'en' | 'fr') {
  const response = await fetch(`${server.url}/api/chat/conversations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ language, safeToChat: 'no' }),
  })
  const { conversationId, token } = (await response.json()) as { conversationId: string; token: string }
  const socket = await SocketClient.open(`${server.url.replace('http', 'ws')}/api/chat/socket`)
  socket.send({ type: 'hello', conversationId, token, lastSeq: 0 })
  await socket.next((frame) => frame.type === 'state')
  return { conversationId, socket }
}

const heading = (page: Page) => page.getByRole('heading', { level: 1 })

describe('the contact centre in the console', () => {
  it('an advocate is offered a chat live, answers it with a canned response, ends and classifies it, while the supervisor board follows', async () => {
    const { page: desk } = await consoleAs('advocate', 'en-CA', '/workspace')
    await expect.poll(() => heading(desk).textContent()).toBe('Workspace')
    await expect.poll(() => desk.getByRole('status').first().textContent()).toBe('Live')
    await desk.getByLabel('Status').selectOption('available')
    await desk.getByRole('button', { name: 'Save presence' }).click()
    await expect.poll(() => desk.getByText('Presence saved: Available.').count()).toBe(1)
    expect(await accessibilityViolations(desk)).toEqual([])

    const { page: board } = await consoleAs('supervisor', 'fr-CA', '/board')
    await expect.poll(() => heading(board).textContent()).toBe('Tableau en direct')
    await expect.poll(() => board.getByRole('cell', { name: 'Disponible' }).count()).toBeGreaterThan(0)

    // A visitor who is not safe to chat right now: offered as in danger, with a timer.
    const visitor = await visitorChat('en')
    const clientId = randomUUID()
    visitor.socket.send({ type: 'message', clientId, body: 'I need help, he took my passport' })
    await visitor.socket.next((frame) => frame.type === 'ack')
    const offer = desk.locator('.offer')
    await expect.poll(() => offer.count()).toBe(1)
    expect(await offer.textContent()).toMatch(/Web chat · English/)
    expect(await offer.textContent()).toMatch(/In danger now/)
    expect(await offer.textContent()).toMatch(/seconds left to accept/)
    expect(await accessibilityViolations(desk)).toEqual([])
    await desk.screenshot({ path: '/tmp/workspace-offer.png', fullPage: true })
    // The board shows the conversation as offered, pushed without a reload.
    await expect.poll(() => board.getByRole('cell', { name: 'Offert' }).count()).toBe(1)

    await offer.getByRole('button', { name: 'Accept' }).click()
    await expect.poll(() => desk.locator('.bubble.in').first().textContent()).toMatch(/he took my passport/)
    expect(await desk.getByText('Said they are NOT safe to chat').count()).toBe(1)
    await expect.poll(() => board.getByRole('cell', { name: 'En cours' }).count()).toBe(1)

    await desk.getByLabel('Canned response').selectOption('safety')
    expect(await desk.getByLabel('Reply').inputValue()).toMatch(/^Your safety comes first/)
    await desk.getByRole('button', { name: 'Send', exact: true }).click()
    const reply = await visitor.socket.next<{ body: string }>(
      (frame) => frame.type === 'message' && frame.from === 'advocate',
    )
    expect(reply.body).toMatch(/^Your safety comes first/)
    // The visitor's answer appears live in the transcript.
    visitor.socket.send({ type: 'message', clientId: randomUUID(), body: 'Not now, later tonight' })
    await expect.poll(() => desk.locator('.bubble.in').last().textContent()).toMatch(/later tonight/)
    expect(await accessibilityViolations(desk)).toEqual([])
    await desk.screenshot({ path: '/tmp/workspace-conversation.png', fullPage: true })

    await desk.getByRole('button', { name: 'End conversation' }).click()
    await expect.poll(() => desk.getByRole('heading', { name: 'Wrap-up' }).count()).toBe(1)
    await desk.getByRole('button', { name: 'Complete wrap-up' }).click()
    expect(await desk.getByRole('alert').textContent()).toBe(
      'Choose a classification before completing the wrap-up.',
    )
    expect(await accessibilityViolations(desk)).toEqual([])
    await desk.getByLabel('Trafficking-related').check()
    // Where the person is and who reached out: optional, not recorded until the advocate chooses.
    const province = desk.getByLabel('Province or territory (where the person is)')
    const caller = desk.getByLabel('Who reached out')
    expect(await province.inputValue()).toBe('')
    expect(await caller.inputValue()).toBe('')
    expect(await province.locator('option:checked').textContent()).toBe('Not recorded')
    await province.selectOption({ label: 'Manitoba' })
    await caller.selectOption({ label: 'Victim (still in the situation)' })
    expect(await accessibilityViolations(desk)).toEqual([])
    await desk.screenshot({ path: '/tmp/workspace-wrap-up.png', fullPage: true })
    await desk.getByRole('button', { name: 'Complete wrap-up' }).click()
    await expect.poll(() => desk.getByText('No conversation in progress.').count()).toBe(1)
    const signal = await server.database.db
      .selectFrom('intake_signal')
      .selectAll()
      .where('id', '=', visitor.conversationId)
      .executeTakeFirstOrThrow()
    expect(signal).toMatchObject({
      status: 'ended',
      classification: 'trafficking',
      in_danger: true,
      province: 'MB',
      caller_type: 'victim',
    })

    await expect.poll(() => board.getByRole('rowheader', { name: 'Clavardage' }).count()).toBeGreaterThan(0)
    expect(await accessibilityViolations(board)).toEqual([])
    await board.screenshot({ path: '/tmp/board-fr.png', fullPage: true })
    visitor.socket.close()
  })

  it('in French, a visitor on the portal’s chat page and an advocate in the console talk, both in real browsers', async () => {
    const { page: desk } = await consoleAs('advocate', 'fr-CA', '/workspace')
    await expect.poll(() => heading(desk).textContent()).toBe('Poste de travail')
    await desk.getByLabel('Statut').selectOption('available')
    await desk.getByRole('button', { name: 'Enregistrer la présence' }).click()
    await expect.poll(() => desk.getByText('Présence enregistrée : Disponible.').count()).toBe(1)

    const visitorContext = await newContext(browser, 'fr-CA')
    const visitor = await visitorContext.newPage()
    await visitor.goto(`${server.url}/chat`)
    await visitor.getByRole('button', { name: /^Français/ }).click()
    await visitor.getByRole('button', { name: 'Commencer le clavardage' }).click()
    await visitor.getByLabel('Votre message').fill('Bonjour, mon patron garde mon passeport')
    await visitor.keyboard.press('Enter')

    const offer = desk.locator('.offer')
    await expect.poll(() => offer.count()).toBe(1)
    expect(await offer.textContent()).toMatch(/Clavardage · Français/)
    expect(await accessibilityViolations(desk)).toEqual([])
    await offer.getByRole('button', { name: 'Accepter' }).click()
    await expect.poll(() => desk.locator('.bubble.in').first().textContent()).toMatch(/garde mon passeport/)
    await desk.getByLabel('Réponse type').selectOption('confidential')
    expect(await desk.getByLabel('Réponse', { exact: true }).inputValue()).toMatch(
      /^Cette conversation est confidentielle/,
    )
    await desk.getByRole('button', { name: 'Envoyer', exact: true }).click()
    await expect
      .poll(() => visitor.locator('.chat-message .chat-body').allTextContents())
      .toEqual([
        'Bonjour, mon patron garde mon passeport',
        expect.stringMatching(/^Cette conversation est confidentielle/),
      ])
    await visitor.getByLabel('Votre message').fill('Merci')
    await visitor.keyboard.press('Enter')
    await expect.poll(() => desk.locator('.bubble.in').last().textContent()).toMatch(/Merci/)
    expect(await accessibilityViolations(desk)).toEqual([])
    await desk.screenshot({ path: '/tmp/workspace-fr.png', fullPage: true })

    // The wrap-up in French: the person said they are in Quebec and calls about someone close to them.
    await desk.getByRole('button', { name: 'Terminer la conversation' }).click()
    await expect.poll(() => desk.getByRole('heading', { name: 'Clôture' }).count()).toBe(1)
    await desk.getByLabel('Lié à la traite').check()
    await desk
      .getByLabel('Province ou territoire (où se trouve la personne)')
      .selectOption({ label: 'Québec' })
    await desk
      .getByLabel('Qui a communiqué avec la ligne')
      .selectOption({ label: 'Personne préoccupée (famille, ami ou amie, membre de la communauté)' })
    expect(await accessibilityViolations(desk)).toEqual([])
    await desk.getByRole('button', { name: 'Terminer la clôture' }).click()
    await expect.poll(() => desk.getByText('Aucune conversation en cours.').count()).toBe(1)
    const signal = await server.database.db
      .selectFrom('intake_signal')
      .select(['status', 'province', 'caller_type'])
      .where('status', '=', 'ended')
      .where('province', '=', 'QC')
      .execute()
    expect(signal).toEqual([{ status: 'ended', province: 'QC', caller_type: 'concerned_other' }])
    await visitorContext.close()
  })
})
