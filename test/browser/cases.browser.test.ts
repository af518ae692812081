import { randomUUID } from 'node:crypto'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { agencyBundle } from '../../server/cases/protocols/escalations.fixtures.ts'
import { saveBundle } from '../../server/directory/directory.service.ts'
import { startTestSmtpServer, type TestSmtpServer } from '../../server/survey/smtp-test-server.ts'
import {
  accessibilityViolations,
  launchBrowser,
  openConsoleAs,
  startWebServer,
  type WebServer,
} from '../support/browser.ts'
import { providerBundle, taxonomyBundle } from '../support/directory.ts'
import { SocketClient } from '../support/sockets.ts'

let server: WebServer
let browser: Browser
let smtp: TestSmtpServer
const audit = { actorId: null, actorLabel: 'test', address: null, requestId: null }
const shelter = providerBundle({
  name: { en: 'Harbour Youth House', fr: 'Maison jeunesse Le Havre' },
  serviceName: { en: 'Youth emergency shelter', fr: 'Refuge d’urgence pour les jeunes' },
  serviceTypes: ['housing-emergency'],
  populations: ['youth'],
  province: 'ON',
  city: 'Toronto',
  latitude: 43.6532,
  longitude: -79.3832,
  minimumAge: 12,
  maximumAge: 24,
})

beforeAll(async () => {
  smtp = await startTestSmtpServer()
  server = await startWebServer({
    RELAIS_OFFER_SECONDS: '120',
    RELAIS_SMTP_URL: smtp.url,
    RELAIS_MAIL_FROM: 'Relais <relais@hotline.example.org>',
  })
  await saveBundle(server.database, taxonomyBundle(), audit, { mode: 'summary' })
  await saveBundle(server.database, agencyBundle(), audit)
  await saveBundle(server.database, shelter, audit)
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
  await smtp?.close()
})

/** A console tab signed in as a new staff member of this role. */
const consoleAs = (role: 'advocate' | 'supervisor', locale: string, path: string) =>
  openConsoleAs(server, browser, role, locale, path)

/** A visitor on the web chat, over the same socket the portal's chat page uses. */
async function visitorChat(language: 'en' | 'fr', body: string) {
  const response = await fetch(`${server.url}/api/chat/conversations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ language, safeToChat: 'no' }),
  })
  const { conversationId, token } = (await response.json()) as { conversationId: string; token: string }
  const socket = await SocketClient.open(`${server.url.replace('http', 'ws')}/api/chat/socket`)
  socket.send({ type: 'hello', conversationId, token, lastSeq: 0 })
  await socket.next((frame) => frame.type === 'state')
  socket.send({ type: 'message', clientId: randomUUID(), body })
  await socket.next((frame) => frame.type === 'ack')
  return { conversationId, socket }
}

const heading = (page: Page) => page.getByRole('heading', { level: 1 })
const clean = async (page: Page) => expect(await accessibilityViolations(page)).toEqual([])

/** Presence set to available in the workspace, then the visitor's offer accepted. */
async function answerChat(page: Page, labels: { status: string; save: string; accept: string }) {
  await page.getByLabel(labels.status).selectOption('available')
  await page.getByRole('button', { name: labels.save }).click()
  return async () => {
    const offer = page.locator('.offer')
    await expect.poll(() => offer.count()).toBe(1)
    await offer.getByRole('button', { name: labels.accept }).click()
    await expect.poll(() => page.locator('.bubble.in').count()).toBeGreaterThan(0)
  }
}

async function caseRow(conversationId: string) {
  return server.database.db
    .selectFrom('case_signal')
    .innerJoin('case_file', 'case_file.id', 'case_signal.case_id')
    .select(['case_file.id', 'case_file.case_number', 'case_file.status', 'case_file.safety_status'])
    .where('case_signal.signal_id', '=', conversationId)
    .executeTakeFirst()
}

describe('case management in the console', () => {
  it('an advocate answers a chat, opens a case, plans safety with the police at hand, records needs, recognises a minor in Ontario, walks the child-protection protocol and closes the case', async () => {
    const { page } = await consoleAs('advocate', 'en-CA', '/workspace')
    await expect.poll(() => heading(page).textContent()).toBe('Workspace')
    const accept = await answerChat(page, { status: 'Status', save: 'Save presence', accept: 'Accept' })
    const visitor = await visitorChat('en', 'My boyfriend sells me, I am 15, please help')
    await accept()

    // The conversation offers to open a case, or to add it to one.
    const caseBox = page.getByRole('region', { name: 'Case' })
    await expect.poll(() => caseBox.getByRole('button', { name: 'Open a case' }).count()).toBe(1)
    await clean(page)
    await caseBox.getByRole('button', { name: 'Open a case' }).click()
    await expect.poll(() => heading(page).textContent()).toMatch(/^Case C-\d{4}-\d{6}$/)
    const opened = await caseRow(visitor.conversationId)
    expect(opened).toMatchObject({ status: 'open', safety_status: 'not_asked' })
    expect(new URL(page.url()).pathname).toBe(`/console/cases/${opened!.id}`)
    // Safety leads; nothing else is asked for, and what was not raised is only counted.
    expect(await page.getByRole('heading', { level: 2 }).first().textContent()).toBe('Safety')
    expect(await page.getByRole('radio', { name: 'Not asked yet' }).isChecked()).toBe(true)
    expect(await page.getByRole('button', { name: /^Situation/ }).textContent()).toMatch(
      /9 questions not raised yet/,
    )
    await clean(page)

    // Not safe: the safety plan opens with the emergency escalation at hand.
    await page.getByRole('radio', { name: 'Not safe right now' }).check()
    const plan = page.getByRole('region', { name: 'Safety plan', exact: true })
    await expect.poll(() => plan.count()).toBe(1)
    await expect.poll(async () => (await caseRow(visitor.conversationId))?.safety_status).toBe('no')
    await plan.getByLabel('Province or territory').selectOption({ label: 'Ontario' })
    await plan.getByRole('textbox', { name: 'Municipality' }).fill('Toronto')
    await plan.getByRole('button', { name: 'Save the place' }).click()
    await expect.poll(() => plan.locator('.agency-card').textContent()).toMatch(/Toronto Police Service/)
    expect(await plan.getByRole('link', { name: '416-808-2222' }).getAttribute('href')).toBe('tel:4168082222')
    expect(await plan.getByRole('link', { name: '911' }).count()).toBe(1)

    // The dispatch call is recorded step by step under the Ontario protocol.
    const dispatch = plan.getByRole('region', { name: 'Emergency dispatch' })
    await dispatch.getByRole('radio', { name: 'Consent given' }).check()
    await dispatch.getByRole('button', { name: 'Start: Emergency dispatch' }).click()
    await expect.poll(() => dispatch.locator('.step.next').count()).toBe(1)
    expect(await dispatch.locator('.step.next .step-label').textContent()).toMatch(
      /Confirm where the person is right now/,
    )
    await dispatch.getByLabel('Note (optional)').fill('At a motel near Union Station, can stay on the line')
    await dispatch.getByRole('button', { name: 'Mark this step done' }).click()
    await expect.poll(() => dispatch.locator('.step.next .step-label').textContent()).toMatch(/24\/7 police/)
    expect(await dispatch.getByLabel('Agency').inputValue()).toBe('tps')
    await dispatch.getByRole('button', { name: 'Mark this step done' }).click()
    await expect.poll(() => dispatch.getByLabel('Outcome', { exact: true }).count()).toBe(1)
    await dispatch.getByLabel('Outcome', { exact: true }).selectOption({ label: 'Help sent' })
    await dispatch.getByRole('button', { name: 'Record the outcome' }).click()
    await expect.poll(() => dispatch.locator('.badge.escalation-completed').count()).toBe(1)
    expect(await dispatch.textContent()).toMatch(/Contacted Toronto Police Service/)

    await plan
      .getByRole('textbox', { name: 'Steps agreed' })
      .fill('Stay in the motel lobby until the police arrive')
    await plan
      .getByRole('textbox', { name: 'A safe place to go or stay' })
      .fill('Her aunt’s home in Scarborough')
    await plan.getByRole('button', { name: 'Save the safety plan' }).click()
    await expect
      .poll(() =>
        plan
          .getByRole('form', { name: 'The plan agreed with the person' })
          .getByText(/^Saved at/)
          .count(),
      )
      .toBe(1)
    await clean(page)
    await page.screenshot({ path: '/tmp/case-safety-plan.png', fullPage: true })

    // Needs: recorded with a status, changed when it moves.
    const needs = page.getByRole('region', { name: 'Needs' })
    await needs.getByLabel('Need', { exact: true }).selectOption({ label: 'Emergency housing and shelter' })
    await needs.getByRole('button', { name: 'Add the need' }).click()
    await expect
      .poll(() => needs.getByLabel('Status of Emergency housing and shelter').inputValue())
      .toBe('unmet')
    await needs
      .getByLabel('Need', { exact: true })
      .selectOption({ label: 'Counselling and psychological support' })
    await needs.getByLabel('Status', { exact: true }).selectOption({ label: 'Declined' })
    await needs.getByRole('button', { name: 'Add the need' }).click()
    await expect
      .poll(() => needs.getByLabel('Status of Counselling and psychological support').inputValue())
      .toBe('declined')
    await clean(page)

    // Referred from the need: the directory search starts from what the case records.
    await needs.getByRole('link', { name: 'Refer to a service: Emergency housing and shelter' }).click()
    await expect.poll(() => heading(page).textContent()).toBe('Refer: Emergency housing and shelter')
    expect(await page.getByLabel('Province or territory').inputValue()).toBe('ON')
    await expect.poll(() => page.locator('.result-card').count()).toBe(1)
    const serviceTypes = page.getByRole('group', { name: 'Service type' })
    await expect.poll(() => serviceTypes.getByRole('checkbox', { checked: true }).count()).toBe(1)
    await clean(page)
    await page.getByRole('button', { name: 'Refer to Youth emergency shelter' }).click()
    const referral = page.getByRole('region', { name: 'Referral to Youth emergency shelter' })
    await referral.getByRole('radio', { name: 'Yes' }).check()
    await referral.getByRole('checkbox', { name: 'Age band' }).check()
    await referral.getByRole('checkbox', { name: 'The advocate’s warm-handoff note' }).check()
    await referral.getByLabel('Warm-handoff note (optional)').fill('Intake worker Sam expects her tonight')
    await clean(page)
    await page.screenshot({ path: '/tmp/case-referral.png', fullPage: true })
    await referral.getByRole('button', { name: 'Make the referral' }).click()
    await expect.poll(() => heading(page).textContent()).toMatch(/^Case C-/)
    await expect
      .poll(() => needs.getByLabel('Status of Emergency housing and shelter').inputValue())
      .toBe('referred')
    const card = needs.getByRole('article', { name: 'Youth emergency shelter' })
    expect(await card.textContent()).toMatch(/Pending/)
    expect(await card.textContent()).toMatch(
      /Consent given to share: Age band, The advocate’s warm-handoff note/,
    )
    await card.getByText('Record an outcome or a follow-up').click()
    await card.getByLabel('Outcome', { exact: true }).selectOption({ label: 'Accepted' })
    await card.getByLabel('Note (optional)').fill('A bed is held until 10 p.m.')
    await card.getByRole('button', { name: 'Save the outcome' }).click()
    await expect.poll(() => card.locator('.badge').textContent()).toBe('Accepted')
    await clean(page)

    // The shelter's details go to the person by email, at the address she gives: nothing of the case.
    await card.getByText('Email these details to the person').click()
    const toPerson = card.getByRole('form', {
      name: 'Email the details of Youth emergency shelter to the person',
    })
    await toPerson.getByLabel('The person’s email address').fill('sam.r@mail.example.net')
    await clean(page)
    await toPerson.getByRole('button', { name: 'Send to the person' }).click()
    await expect
      .poll(() => card.textContent())
      .toMatch(/Details emailed to the person at sam\.r@mail\.example\.net on .+ by /)
    expect(smtp.messages).toHaveLength(1)
    const sent = smtp.messages[0]!
    expect(sent.to).toEqual(['sam.r@mail.example.net'])
    expect(sent.parsed.subject).toBe('The information you asked for')
    expect(sent.parsed.text).toContain('Youth emergency shelter')
    expect(sent.parsed.text).toContain('Offered by: Harbour Youth House')
    expect(sent.parsed.text).toContain('Address: 100 Rue Sainte-Catherine, Toronto, ON, H2X 1K4')
    for (const withheld of ['Sam expects', 'bed is held', 'C-20', 'Emergency housing'])
      expect(sent.parsed.text).not.toContain(withheld)
    await clean(page)

    // A person of 15 in Ontario: the protocol requires a child-protection report.
    await page.getByRole('button', { name: /^People/ }).click()
    await page.getByRole('button', { name: 'Add a person' }).click()
    const person = page.getByRole('form', { name: 'Person 1' })
    await expect.poll(() => person.count()).toBe(1)
    await person.getByLabel('Role').selectOption({ label: 'Victim (still in the situation)' })
    await person.getByLabel('Age', { exact: true }).selectOption({ label: 'Exact age' })
    await person.getByLabel('Age in years').fill('15')
    await person.getByLabel('Gender').selectOption({ label: 'Declined to say' })
    await person.getByLabel('Safe to send an email?', { exact: true }).selectOption({ label: 'No' })
    await person.getByRole('button', { name: 'Save Person 1' }).click()
    const required = page.getByRole('region', { name: 'Required by the protocol' })
    await expect
      .poll(() => required.textContent())
      .toMatch(/A child-protection report is required and has not been recorded\. — Person 1 · Victim/)
    expect(await required.textContent()).toMatch(/Ontario escalation protocol, version 1/)
    await clean(page)

    // She said email is not safe: the details go to her again only with a reason, which is audited.
    await expect
      .poll(() =>
        toPerson.getByText('The person said an email is not safe for them.', { exact: false }).count(),
      )
      .toBe(1)
    await toPerson.getByLabel('The person’s email address').fill('sam.r@mail.example.net')
    const reason = 'She asked on the line for it again; this address is hers alone.'
    await toPerson.getByLabel('Why send it anyway').fill(reason)
    await clean(page)
    await card.screenshot({ path: '/tmp/case-person-email.png' })
    await toPerson.getByRole('button', { name: 'Send anyway' }).click()
    await expect.poll(() => smtp.messages.length).toBe(2)
    const overrides = await server.database.db
      .selectFrom('audit_event')
      .select(['details'])
      .where('action', '=', 'case.referral_person_email.unsafe_override')
      .execute()
    expect(overrides.map((row) => row.details)).toEqual([
      expect.objectContaining({ method: 'email', reason }),
    ])

    // Closing now is refused with the reason the server gives.
    await page.getByRole('button', { name: 'Close the case' }).first().click()
    const closing = page.getByRole('form', { name: 'Close the case' })
    expect(await closing.locator('.blockers').textContent()).toMatch(/A child-protection report is required/)
    await closing.getByRole('button', { name: 'Close the case' }).click()
    await expect
      .poll(() => closing.getByRole('alert').textContent())
      .toMatch(/This case cannot be closed yet.*A child-protection report is required/)
    expect((await caseRow(visitor.conversationId))?.status).toBe('open')

    // Walked through the child-protection protocol's steps, in order.
    await required.getByRole('button', { name: 'Go through the protocol’s steps' }).click()
    const report = page.getByRole('region', { name: 'Child-protection report' })
    expect(await report.locator('.badge').first().textContent()).toBe('Required')
    expect(await report.textContent()).toMatch(/Someone in this case is under 16/)
    await report.getByRole('button', { name: 'Start: Child-protection report' }).click()
    await expect
      .poll(() => report.locator('.step.next .step-label').textContent())
      .toMatch(/Gather the facts/)
    expect(await report.locator('.step.later').count()).toBe(3)
    await report.getByRole('button', { name: 'Mark this step done' }).click()
    await expect
      .poll(() => report.locator('.step.next .step-label').textContent())
      .toMatch(/Choose what you will share/)
    await report.getByRole('checkbox', { name: 'Age', exact: true }).check()
    await report.getByRole('checkbox', { name: 'Where the person is' }).check()
    await report.getByRole('checkbox', { name: 'What is happening' }).check()
    await report.getByRole('button', { name: 'Mark this step done' }).click()
    await expect
      .poll(() => report.locator('.step.next .step-label').textContent())
      .toMatch(/Call the children’s aid/)
    expect(await report.getByLabel('Agency').inputValue()).toBe('cas-toronto')
    expect(await report.getByRole('link', { name: '416-924-4646' }).count()).toBe(1)
    await report.getByRole('button', { name: 'Mark this step done' }).click()
    await expect.poll(() => report.getByLabel('Reference number given by the agency').count()).toBe(1)
    await clean(page)
    await page.screenshot({ path: '/tmp/case-child-protection.png', fullPage: true })
    await report.getByLabel('Reference number given by the agency').fill('CAST-2026-4411')
    await report.getByRole('button', { name: 'Mark this step done' }).click()
    await expect.poll(() => report.getByLabel('Outcome', { exact: true }).inputValue()).toBe('reported')
    await report.getByRole('button', { name: 'Record the outcome' }).click()
    await expect.poll(() => report.getByText('Waiting for a supervisor').count()).toBe(1)
    expect(await report.textContent()).toMatch(/Reference number: CAST-2026-4411/)
    expect(await report.textContent()).toMatch(/Shared: Age, Where the person is, What is happening/)
    await expect.poll(() => required.count()).toBe(0)
    await clean(page)

    // A supervisor reviews the report from the same case.
    const { page: desk } = await consoleAs('supervisor', 'en-CA', `/cases/${opened!.id}`)
    await expect.poll(() => heading(desk).textContent()).toBe(`Case ${opened!.case_number}`)
    // The case screen opens with one request: the case, its escalations, verdicts and referrals.
    const reads: string[] = []
    desk.on('request', (request) => {
      const { pathname } = new URL(request.url())
      if (pathname.startsWith(`/api/cases/${opened!.id}`) && !pathname.endsWith('/agencies'))
        reads.push(pathname)
    })
    await desk.reload()
    await expect.poll(() => heading(desk).textContent()).toBe(`Case ${opened!.case_number}`)
    await desk.getByRole('button', { name: 'Escalations' }).click()
    const review = desk.getByRole('region', { name: 'Child-protection report' })
    await expect.poll(() => review.getByRole('radio', { name: 'Approved' }).count()).toBe(1)
    expect(await desk.getByRole('article', { name: 'Youth emergency shelter' }).textContent()).toMatch(
      /Accepted/,
    )
    expect(reads).toEqual([`/api/cases/${opened!.id}/screen`])
    await review.getByRole('radio', { name: 'Approved' }).check()
    await review.getByRole('button', { name: 'Record the review' }).click()
    await expect.poll(() => review.locator('.escalation-facts').textContent()).toMatch(/Approved/)
    await clean(desk)

    // Now the case closes.
    await closing.getByLabel('Reason for closing (optional)').fill('Referred to the children’s aid society')
    await closing.getByRole('button', { name: 'Close the case' }).click()
    await expect.poll(() => page.locator('.badge.case-closed').count()).toBe(1)
    await expect.poll(async () => (await caseRow(visitor.conversationId))?.status).toBe('closed')
    expect(await page.getByText('This case is closed. Reopen it to change it.').count()).toBe(1)
    await clean(page)
    await page.screenshot({ path: '/tmp/case-closed.png', fullPage: true })

    // Declined and not-asked answers are stored as such, never as values.
    const people = await server.database.db
      .selectFrom('case_person')
      .select(['role', 'age_years', 'gender', 'gender_answer', 'residency_answer'])
      .where('case_id', '=', opened!.id)
      .execute()
    expect(people).toEqual([
      {
        role: 'victim',
        age_years: 15,
        gender: null,
        gender_answer: 'declined',
        residency_answer: 'not_asked',
      },
    ])
    const referrals = await server.database.db
      .selectFrom('case_referral')
      .select(['status', 'consent_given', 'shared_fields'])
      .where('case_id', '=', opened!.id)
      .execute()
    expect(referrals).toEqual([
      { status: 'accepted', consent_given: true, shared_fields: ['ageBand', 'handoffNote'] },
    ])
    const escalations = await server.database.db
      .selectFrom('case_escalation')
      .select(['kind', 'status', 'outcome', 'review_status', 'agency_id'])
      .where('case_id', '=', opened!.id)
      .orderBy('started_at')
      .execute()
    expect(escalations).toEqual([
      {
        kind: 'emergency_dispatch',
        status: 'completed',
        outcome: 'assistance_dispatched',
        review_status: 'not_required',
        agency_id: 'tps',
      },
      {
        kind: 'child_protection',
        status: 'completed',
        outcome: 'reported',
        review_status: 'approved',
        agency_id: 'cas-toronto',
      },
    ])
    visitor.socket.close()
  }, 120_000) // the whole journey, from the chat to the closed case, with a supervisor between

  it('en français : un dossier ouvert depuis le clavardage, une deuxième conversation ajoutée par son numéro, une mineure au Québec, et la liste des dossiers à suivre', async () => {
    const { page } = await consoleAs('advocate', 'fr-CA', '/workspace')
    await expect.poll(() => heading(page).textContent()).toBe('Poste de travail')
    const accept = await answerChat(page, {
      status: 'Statut',
      save: 'Enregistrer la présence',
      accept: 'Accepter',
    })
    const first = await visitorChat('fr', 'Bonjour, j’ai 17 ans et on me force à travailler')
    await accept()
    await page
      .getByRole('region', { name: 'Dossier' })
      .getByRole('button', { name: 'Ouvrir un dossier' })
      .click()
    await expect.poll(() => heading(page).textContent()).toMatch(/^Dossier C-\d{4}-\d{6}$/)
    const opened = (await caseRow(first.conversationId))!
    await clean(page)

    await page.getByRole('radio', { name: 'Incertain' }).check()
    await expect.poll(async () => (await caseRow(first.conversationId))?.safety_status).toBe('unsure')
    // Not "not safe": the needs come first, the safety plan stays one click away.
    expect(await page.getByRole('region', { name: 'Plan de sécurité', exact: true }).count()).toBe(0)
    const needs = page.getByRole('region', { name: 'Besoins' })
    await needs.getByLabel('Besoin', { exact: true }).selectOption({ label: 'Droits du travail' })
    await needs.getByRole('button', { name: 'Ajouter le besoin' }).click()
    await expect.poll(() => needs.getByLabel('État du besoin Droits du travail').inputValue()).toBe('unmet')

    await page.getByRole('button', { name: /^Situation/ }).click()
    const place = page.getByRole('form', { name: 'Où cela se passe' })
    await place.getByLabel('Province ou territoire').selectOption({ label: 'Québec' })
    await place.getByRole('textbox', { name: 'Municipalité' }).fill('Montréal')
    await place.getByRole('button', { name: 'Enregistrer le lieu' }).click()
    await expect.poll(() => place.getByText(/^Enregistré à/).count()).toBe(1)
    await page.getByRole('button', { name: /^Personnes/ }).click()
    await page.getByRole('button', { name: 'Ajouter une personne' }).click()
    const person = page.getByRole('form', { name: 'Personne 1' })
    await person.getByLabel('Âge', { exact: true }).selectOption({ label: '16 ou 17 ans' })
    await person.getByRole('button', { name: 'Enregistrer : Personne 1' }).click()
    const required = page.getByRole('region', { name: 'Exigé par le protocole' })
    await expect
      .poll(() => required.textContent())
      .toMatch(/Un signalement à la protection de l’enfance est exigé/)
    await clean(page)
    await page.screenshot({ path: '/tmp/case-fr.png', fullPage: true })

    // A second conversation joins the case by its number.
    await page.getByRole('link', { name: 'Poste de travail', exact: true }).first().click()
    await expect.poll(() => heading(page).textContent()).toBe('Poste de travail')
    const second = await visitorChat('fr', 'C’est encore moi, je vous ai écrit tout à l’heure')
    const offer = page.locator('.offer')
    await expect.poll(() => offer.count()).toBe(1)
    await offer.getByRole('button', { name: 'Accepter' }).click()
    await expect.poll(() => page.locator('.conversation-tabs li').count()).toBe(2)
    await page.locator('.conversation-tabs .tab').nth(1).click()
    const box = page.getByRole('region', { name: 'Dossier' })
    await expect.poll(() => page.locator('.bubble.in').last().textContent()).toMatch(/encore moi/)
    await box.getByLabel('Ajouter au dossier numéro').fill(opened.case_number.toLowerCase())
    await box.getByRole('button', { name: 'Ajouter à ce dossier' }).click()
    await expect.poll(() => heading(page).textContent()).toBe(`Dossier ${opened.case_number}`)
    expect((await caseRow(second.conversationId))?.id).toBe(opened.id)
    await page.getByRole('button', { name: /^Contacts \(2\)/ }).click()
    expect(
      await page
        .getByRole('table', { name: 'Contacts avec la ligne dans ce dossier' })
        .locator('tbody tr')
        .count(),
    ).toBe(2)
    await clean(page)

    // The list shows the case under follow-up: the person was unsure of their safety.
    await page.getByRole('link', { name: 'Dossiers', exact: true }).click()
    await expect.poll(() => heading(page).textContent()).toBe('Dossiers')
    const followUp = page.getByRole('region', { name: 'À suivre' })
    await expect.poll(() => followUp.getByRole('link', { name: opened.case_number }).count()).toBe(1)
    await page.getByLabel('Numéro de dossier ou municipalité').fill('Montré')
    await page.getByRole('button', { name: 'Rechercher' }).click()
    await expect.poll(() => page.getByRole('status').last().textContent()).toBe('1 dossier')
    await clean(page)
    await page.screenshot({ path: '/tmp/case-list-fr.png', fullPage: true })
    first.socket.close()
    second.socket.close()
  })
})
