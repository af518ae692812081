import { randomUUID } from 'node:crypto'
import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CaseDetail } from '../../../common/contracts/cases.ts'
import type { DirectorySearchResponse } from '../../../common/contracts/directory.ts'
import type { FollowUpList, ReferralView, SearchDefaults } from '../../../common/contracts/referrals.ts'
import type { Role } from '../../../common/permissions.ts'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { providerBundle, taxonomyBundle } from '../../../test/support/directory.ts'
import { buildStaff, type SessionFixture, sessionFor } from '../../../test/support/factories.ts'
import { saveBundle } from '../../directory/directory.service.ts'
import { startTestSmtpServer, type TestSmtpServer } from '../../survey/smtp-test-server.ts'
import { buildSignal, testAudit } from '../cases.factories.ts'

let smtp: TestSmtpServer
let t: TestApp
let logs = ''
const staff: Record<string, { id: string; session: SessionFixture }> = {}

/** A Toronto shelter for young people, First Nations among them, in French and English. */
const shelter = providerBundle({
  province: 'ON',
  city: 'Toronto',
  latitude: 43.6532,
  longitude: -79.3832,
  name: { en: 'Lakeshore Youth Shelter', fr: 'Refuge jeunesse Lakeshore' },
  serviceName: { en: 'Youth emergency beds', fr: 'Lits d’urgence jeunesse' },
  serviceTypes: ['housing-emergency'],
  populations: ['first-nations', 'youth'],
  languages: ['fr', 'en'],
  minimumAge: 12,
  maximumAge: 24,
})
shelter.services[0]!.doc = { ...shelter.services[0]!.doc, email: 'intake@lakeshore.example.org' }
shelter.municipalities = [
  { id: 'on-toronto', name: 'Toronto', province: 'ON', latitude: 43.6532, longitude: -79.3832 },
]
/** A provider the directory has no email address for. */
const unreachable = providerBundle({ province: 'ON', city: 'Toronto' })
unreachable.organizations[0]!.doc = { phones: [] }
/** A service closed for now. */
const closed = providerBundle({ province: 'ON', city: 'Toronto' })
closed.services[0]!.status = 'temporarily closed'

beforeAll(async () => {
  smtp = await startTestSmtpServer()
  const logStream = new PassThrough()
  logStream.on('data', (chunk: Buffer) => {
    logs += chunk.toString()
  })
  t = await buildTestApp(
    {
      RELAIS_SMTP_URL: smtp.url,
      RELAIS_MAIL_FROM: 'Relais <relais@hotline.example.org>',
      RELAIS_REFERRAL_FOLLOW_UP_DAYS: '10',
      RELAIS_LOG_LEVEL: 'info',
    },
    { logStream },
  )
  const people: [string, Role][] = [
    ['advocate', 'advocate'],
    ['colleague', 'advocate'],
    ['supervisor', 'supervisor'],
    ['analyst', 'analyst'],
    ['manager', 'directory_manager'],
  ]
  for (const [name, role] of people) {
    const member = await buildStaff(t, { role })
    staff[name] = { id: member.id, session: await sessionFor(t, member) }
  }
  await saveBundle(t.database, taxonomyBundle(), testAudit, { mode: 'summary' })
  for (const bundle of [shelter, unreachable, closed]) await saveBundle(t.database, bundle, testAudit)
})
afterAll(async () => {
  await t?.close()
  await smtp?.close()
})

type Method = 'GET' | 'POST' | 'PATCH'
function call(who: string | null, method: Method, url: string, payload?: unknown, language = 'en') {
  return t.app.inject({
    method,
    url,
    headers: { ...(who ? staff[who]!.session.headers : {}), 'accept-language': language },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  })
}

async function ok<T>(response: Awaited<ReturnType<typeof call>>, status = 200): Promise<T> {
  expect(response.statusCode, response.body).toBe(status)
  return response.json() as T
}

/**
 * A case in Toronto of a 16-year-old First Nations youth who speaks French, with her safe-contact
 * answers, and her need of emergency housing.
 */
async function torontoCase(who = 'advocate', municipality = 'Toronto') {
  const signalId = await buildSignal(t.database, { advocateId: staff[who]!.id, status: 'ended' })
  const opened = await ok<CaseDetail>(await call(who, 'POST', '/api/cases', { signalId }), 201)
  await ok(
    await call(who, 'PATCH', `/api/cases/${opened.id}/location`, {
      province: { state: 'given', value: 'ON' },
      municipality: { state: 'given', value: municipality },
    }),
  )
  const person = await ok<{ id: string }>(
    await call(who, 'POST', `/api/cases/${opened.id}/people`, {
      role: { state: 'given', value: 'victim' },
      age: { state: 'given', value: { years: 16 } },
      gender: { state: 'given', value: 'Feminine' },
      languages: { state: 'given', value: ['fr-CA', 'en'] },
      residency: { state: 'given', value: 'temporary_foreign_worker' },
      indigenous: { state: 'given', value: 'first_nations' },
      twoSpiritLgbtqi: { state: 'declined' },
      safeContact: {
        callBack: { state: 'given', value: true },
        text: { state: 'given', value: false },
        codeWord: { state: 'given', value: 'blue heron' },
        safeTimes: { state: 'given', value: 'after 9 pm' },
      },
    }),
    201,
  )
  const need = await ok<{ id: string }>(
    await call(who, 'POST', `/api/cases/${opened.id}/needs`, {
      kind: 'housing-emergency',
      personId: person.id,
    }),
    201,
  )
  await ok(
    await call(who, 'POST', `/api/cases/${opened.id}/needs`, { kind: 'legal-aid', personId: person.id }),
    201,
  )
  return { caseId: opened.id, personId: person.id, needId: need.id }
}

const referralBody = (needId: string, extra: Record<string, unknown> = {}) => ({
  needId,
  serviceId: shelter.ids.service,
  consent: { given: true, fields: ['alias', 'languages', 'needs', 'safeContact'] },
  alias: 'Maya',
  handoffNote: 'Her cousin drives the white van; do not call the landline.',
  ...extra,
})

describe('referral routes: who may call', () => {
  it('401 without a session, 403 for roles without case work, 404 for a case the caller may not see', async () => {
    const { caseId, needId } = await torontoCase()
    const routes: [Method, string, unknown?][] = [
      ['GET', `/api/cases/${caseId}/referrals`],
      ['POST', `/api/cases/${caseId}/referrals`, referralBody(needId)],
      ['GET', `/api/cases/${caseId}/referrals/search-defaults`],
      ['POST', `/api/cases/${caseId}/referrals/${randomUUID()}/person-email`, { to: 'a@example.net' }],
    ]
    for (const [method, url, body] of routes) {
      expect((await call(null, method, url, body)).statusCode, url).toBe(401)
      expect((await call('analyst', method, url, body)).statusCode, url).toBe(403)
      expect((await call('manager', method, url, body)).statusCode, url).toBe(403)
      const hidden = await call('colleague', method, url, body)
      const missing = await call('colleague', method, url.replace(caseId, randomUUID()), body)
      expect(hidden.statusCode, url).toBe(404)
      expect({ ...hidden.json(), requestId: null }).toEqual({ ...missing.json(), requestId: null })
    }
    expect((await call('analyst', 'GET', '/api/referrals/follow-ups')).statusCode).toBe(403)
    expect((await call(null, 'GET', '/api/referrals/follow-ups')).statusCode).toBe(401)
    expect(await ok(await call('advocate', 'GET', `/api/cases/${caseId}/referrals`))).toEqual({
      referrals: [],
    })
  })
})

describe('referring a need', () => {
  it('400 naming serviceId, in the caller’s language, for a service that does not exist or is closed; nothing changes', async () => {
    const { caseId, needId } = await torontoCase()
    const missing = await call('advocate', 'POST', `/api/cases/${caseId}/referrals`, {
      ...referralBody(needId, { serviceId: randomUUID() }),
    })
    expect(missing.statusCode).toBe(400)
    expect(missing.json()).toMatchObject({
      code: 'validation_failed',
      fields: [{ path: 'serviceId', code: 'unknown_reference' }],
    })
    const shut = await call(
      'advocate',
      'POST',
      `/api/cases/${caseId}/referrals`,
      referralBody(needId, { serviceId: closed.ids.service }),
      'fr',
    )
    expect(shut.statusCode).toBe(400)
    expect(shut.json().fields).toEqual([
      {
        path: 'serviceId',
        code: 'service_closed',
        message: 'serviceId : ce service est fermé ou inactif dans le répertoire ; choisissez-en un autre.',
      },
    ])
    const bad = await call('advocate', 'POST', `/api/cases/${caseId}/referrals`, {
      ...referralBody(needId),
      consent: { given: true, fields: ['exactAge'] },
    })
    expect(bad.json().fields).toEqual([
      expect.objectContaining({ path: 'consent.fields.0', code: 'invalid_value' }),
    ])
    expect(await ok(await call('advocate', 'GET', `/api/cases/${caseId}/referrals`))).toEqual({
      referrals: [],
    })
    const detail = await ok<CaseDetail>(await call('advocate', 'GET', `/api/cases/${caseId}`))
    expect(detail.needs.map((need) => need.status)).toEqual(['unmet', 'unmet'])
    expect(smtp.messages).toHaveLength(0)
  })

  it('emails the provider only what consent allows, through a real SMTP server, and records that it was sent', async () => {
    const { caseId, needId, personId } = await torontoCase()
    smtp.messages.length = 0
    const created = await ok<ReferralView>(
      await call(
        'advocate',
        'POST',
        `/api/cases/${caseId}/referrals`,
        referralBody(needId, { sendEmail: true }),
      ),
      201,
    )
    expect(created).toMatchObject({
      personId,
      status: 'pending',
      email: { status: 'sent', to: 'intake@lakeshore.example.org', language: 'en', error: null },
    })
    expect(created.email.sentAt).not.toBeNull()
    expect(smtp.messages).toHaveLength(1)
    const mail = smtp.messages[0]!
    expect(mail.to).toEqual(['intake@lakeshore.example.org'])
    expect(mail.parsed.from?.text).toContain('relais@hotline.example.org')
    const reference = `R-${created.id.slice(0, 8).toUpperCase()}`
    expect(mail.parsed.subject).toBe(`A referral from the hotline (${reference})`)
    const text = mail.parsed.text ?? ''
    // Consented: the alias, her languages, her needs, how to reach her safely.
    for (const shared of [
      'First name or alias: Maya',
      'Languages: Canadian French and English',
      'Needs:\n- Emergency housing and shelter\n- Legal aid\n',
      'A call back: safe',
      'A text message: not safe',
      'Safe times: after 9 pm',
      'Prénom ou pseudonyme : Maya',
      'Langues : français canadien et anglais',
      'Besoins :\n- Hébergement d’urgence et refuge\n- Aide juridique\n',
      'Youth emergency beds',
      reference,
    ])
      expect(text).toContain(shared)
    // Not consented, or never shared: her age, gender, status, identity, place, the note, the code word.
    // (Looked for outside the reference, whose random hex digits may spell "16".)
    const outsideReference = text.replaceAll(reference, '')
    for (const withheld of [
      '16',
      'Feminine',
      'Féminin',
      'Temporary foreign worker',
      'First Nations',
      'Toronto',
      'Ontario',
      'white van',
      'blue heron',
      'Age band',
      'Gender',
    ])
      expect(outsideReference).not.toContain(withheld)
    const audit = await t.database.db
      .selectFrom('audit_event')
      .select(['action', 'details'])
      .where('entity_id', '=', created.id)
      .orderBy('id')
      .execute()
    expect(audit.map((row) => row.action)).toEqual(['case.referral_created', 'case.referral_email_sent'])
    expect(audit[1]!.details).toMatchObject({ to: 'intake@lakeshore.example.org' })
    expect(logs).not.toContain('Maya')
    expect(logs).not.toContain('white van')
  })

  it('shares the handoff note, age band and place when consented, in French first for the chosen language', async () => {
    const { caseId, needId } = await torontoCase()
    smtp.messages.length = 0
    await ok(
      await call(
        'advocate',
        'POST',
        `/api/cases/${caseId}/referrals`,
        referralBody(needId, {
          sendEmail: true,
          emailLanguage: 'fr',
          consent: { given: true, fields: ['ageBand', 'location', 'handoffNote'] },
        }),
      ),
      201,
    )
    const text = smtp.messages[0]!.parsed.text ?? ''
    expect(smtp.messages[0]!.parsed.subject).toMatch(/^Une référence de la ligne d’assistance \(R-/)
    expect(text.indexOf('Bonjour Refuge jeunesse Lakeshore,')).toBe(0)
    for (const shared of [
      'Tranche d’âge : 16 ou 17',
      'Où elle se trouve : Toronto, Ontario',
      'white van',
      'Age band: 16 or 17',
    ])
      expect(text).toContain(shared)
    for (const withheld of ['Maya', 'français', 'after 9 pm', 'Legal aid'])
      expect(text).not.toContain(withheld)
  })

  it('records a refused email as failed, sends it again on request, and only once', async () => {
    const { caseId, needId } = await torontoCase()
    smtp.refuse.add('intake@lakeshore.example.org')
    const created = await ok<ReferralView>(
      await call(
        'advocate',
        'POST',
        `/api/cases/${caseId}/referrals`,
        referralBody(needId, { sendEmail: true }),
      ),
      201,
    )
    expect(created.email).toMatchObject({ status: 'failed', sentAt: null })
    expect(created.email.error).toMatch(/550|Mailbox unavailable|Recipient/i)
    smtp.refuse.clear()
    smtp.messages.length = 0
    const url = `/api/cases/${caseId}/referrals/${created.id}/email`
    const retried = await ok<ReferralView>(await call('advocate', 'POST', url, {}))
    expect(retried.email).toMatchObject({ status: 'sent', error: null })
    expect(smtp.messages).toHaveLength(1)
    const again = await call('advocate', 'POST', url, {})
    expect(again.statusCode).toBe(409)
    expect(again.json().fields).toEqual([
      expect.objectContaining({ path: 'email', code: 'email_already_sent' }),
    ])
    expect(smtp.messages).toHaveLength(1)
  })

  it('refuses an email the directory has no address for, or without consent, and writes nothing', async () => {
    const { caseId, needId } = await torontoCase()
    const noAddress = await call(
      'advocate',
      'POST',
      `/api/cases/${caseId}/referrals`,
      referralBody(needId, { serviceId: unreachable.ids.service, sendEmail: true }),
    )
    expect(noAddress.statusCode).toBe(400)
    expect(noAddress.json().fields).toEqual([
      expect.objectContaining({ path: 'sendEmail', code: 'no_email_address' }),
    ])
    const noConsent = await call(
      'advocate',
      'POST',
      `/api/cases/${caseId}/referrals`,
      referralBody(needId, { sendEmail: true, consent: { given: false } }),
    )
    expect(noConsent.json().fields).toEqual([
      expect.objectContaining({ path: 'sendEmail', code: 'email_consent_required' }),
    ])
    expect(await ok(await call('advocate', 'GET', `/api/cases/${caseId}/referrals`))).toEqual({
      referrals: [],
    })
  })
})

describe('emailing the service’s details to the person', () => {
  const address = 'maya.k@mail.example.net'
  const personEmail = (caseId: string, referralId: string) =>
    `/api/cases/${caseId}/referrals/${referralId}/person-email`

  /** The case's referral to the shelter (no email to the provider), and the case. */
  async function referred(who = 'advocate') {
    const made = await torontoCase(who)
    const referral = await ok<ReferralView>(
      await call(who, 'POST', `/api/cases/${made.caseId}/referrals`, referralBody(made.needId)),
      201,
    )
    return { ...made, referralId: referral.id }
  }

  const sealedRow = (referralId: string) =>
    t.database.db
      .selectFrom('case_referral')
      .select(['person_email_status', 'person_email_to_sealed', 'person_email_error_sealed'])
      .where('id', '=', referralId)
      .executeTakeFirstOrThrow()

  const auditOf = (referralId: string) =>
    t.database.db
      .selectFrom('audit_event')
      .select(['action', 'actor_id', 'details'])
      .where('entity_id', '=', referralId)
      .orderBy('id')
      .execute()

  it('sends the name, address, phone, hours and languages in the person’s language, and nothing of the case', async () => {
    const { caseId, referralId } = await referred()
    smtp.messages.length = 0
    const sent = await ok<ReferralView>(
      await call('advocate', 'POST', personEmail(caseId, referralId), { to: address }),
    )
    expect(sent.personEmail).toMatchObject({
      status: 'sent',
      to: address,
      language: 'fr',
      by: { id: staff.advocate!.id },
      error: null,
    })
    expect(sent.personEmail.sentAt).not.toBeNull()
    expect(smtp.messages).toHaveLength(1)
    const mail = smtp.messages[0]!
    expect(mail.to).toEqual([address])
    // Her languages are Canadian French, then English: the email is in French only.
    expect(mail.parsed.subject).toBe('Les renseignements que vous avez demandés')
    const text = mail.parsed.text ?? ''
    for (const detail of [
      'Lits d’urgence jeunesse',
      'Offert par : Refuge jeunesse Lakeshore',
      'Adresse : 100 Rue Sainte-Catherine, Toronto, ON, H2X 1K4',
      'Téléphone : 514-555-0101 et 514-555-0100',
      'Heures : lun.–ven. 09:00–17:00',
      'Langues : français et anglais',
    ])
      expect(text).toContain(detail)
    // Nothing of the case, the person or the hotline: no alias, note, code word, need, reference.
    for (const withheld of [
      'Maya',
      'white van',
      'blue heron',
      'Hébergement',
      'Emergency',
      'R-',
      'C-20',
      'ligne',
      'hotline',
      'traite',
      'Youth emergency beds',
    ])
      expect(text).not.toContain(withheld)
    expect(mail.parsed.subject).not.toMatch(/référence|ligne/i)

    // The address is kept sealed, and named in no audit event.
    const row = await sealedRow(referralId)
    expect(row.person_email_status).toBe('sent')
    expect(row.person_email_to_sealed).not.toContain(address)
    expect(t.secrets.open(row.person_email_to_sealed!)).toBe(address)
    const audit = await auditOf(referralId)
    expect(audit.map((event) => event.action)).toEqual([
      'case.referral_created',
      'case.referral_person_email_requested',
      'case.referral_person_email_sent',
    ])
    expect(audit[1]).toMatchObject({
      actor_id: staff.advocate!.id,
      details: { language: 'fr', override: false, again: false },
    })
    expect(JSON.stringify(audit)).not.toContain('maya.k')
    expect(logs).not.toContain('maya.k')

    // Asked for in English, it is sent again in English; the referral keeps the latest.
    smtp.messages.length = 0
    const again = await ok<ReferralView>(
      await call('advocate', 'POST', personEmail(caseId, referralId), { to: address, language: 'en' }),
    )
    expect(again.personEmail).toMatchObject({ status: 'sent', language: 'en' })
    expect(smtp.messages[0]!.parsed.subject).toBe('The information you asked for')
    expect(smtp.messages[0]!.parsed.text).toContain('Languages: French and English')
    expect((await auditOf(referralId)).at(-2)?.details).toMatchObject({ again: true })
  })

  it('is refused when the person said email is unsafe, unless a reason is given, which is audited', async () => {
    const { caseId, personId, referralId } = await referred()
    await ok(
      await call('advocate', 'PATCH', `/api/cases/${caseId}/people/${personId}`, {
        safeContact: { email: { state: 'given', value: false } },
      }),
    )
    smtp.messages.length = 0
    const refused = await call('advocate', 'POST', personEmail(caseId, referralId), { to: address }, 'fr')
    expect(refused.statusCode).toBe(409)
    expect(refused.json()).toMatchObject({
      code: 'contact_unsafe',
      message:
        'La personne a dit qu’il n’est pas sécuritaire de lui envoyer un courriel. Pour le faire quand même, donnez-en la raison.',
      fields: [{ path: 'override', code: 'contact_unsafe' }],
    })
    const short = await call('advocate', 'POST', personEmail(caseId, referralId), {
      to: address,
      override: { reason: 'asked' },
    })
    expect(short.statusCode).toBe(400)
    expect(short.json().fields).toEqual([
      expect.objectContaining({ path: 'override.reason', code: 'too_small' }),
    ])
    expect(smtp.messages).toHaveLength(0)
    expect((await sealedRow(referralId)).person_email_status).toBe('not_requested')
    expect((await auditOf(referralId)).map((event) => event.action)).toEqual(['case.referral_created'])

    const reason = 'She is at the shelter now and asked for it on this address, her own.'
    const sent = await ok<ReferralView>(
      await call('advocate', 'POST', personEmail(caseId, referralId), { to: address, override: { reason } }),
    )
    expect(sent.personEmail.status).toBe('sent')
    expect(smtp.messages).toHaveLength(1)
    const audit = await auditOf(referralId)
    expect(audit.map((event) => event.action)).toEqual([
      'case.referral_created',
      'case.referral_person_email.unsafe_override',
      'case.referral_person_email_requested',
      'case.referral_person_email_sent',
    ])
    expect(audit[1]).toEqual({
      action: 'case.referral_person_email.unsafe_override',
      actor_id: staff.advocate!.id,
      details: { caseId, method: 'email', reason, caseIds: [caseId], personIds: [personId] },
    })
    expect(audit[2]!.details).toMatchObject({ override: true })
  })

  it('asks the referral’s person only, or everyone in the case when it names nobody; an unanswered question does not block', async () => {
    const { caseId, needId, personId, referralId } = await referred()
    // Her own answer is "unknown"; someone else in the case said email is not safe for them.
    await ok(
      await call('advocate', 'PATCH', `/api/cases/${caseId}/people/${personId}`, {
        safeContact: { email: { state: 'unknown' } },
      }),
    )
    const other = await ok<{ id: string }>(
      await call('advocate', 'POST', `/api/cases/${caseId}/people`, {
        safeContact: { email: { state: 'given', value: false } },
      }),
      201,
    )
    await ok(await call('advocate', 'POST', personEmail(caseId, referralId), { to: address }))
    const nobody = await ok<ReferralView>(
      await call(
        'advocate',
        'POST',
        `/api/cases/${caseId}/referrals`,
        referralBody(needId, { personId: null }),
      ),
      201,
    )
    const refused = await call('advocate', 'POST', personEmail(caseId, nobody.id), { to: address })
    expect(refused.statusCode).toBe(409)
    const reason = 'The person on the line asked for it; the other person is not reached by it.'
    await ok(
      await call('advocate', 'POST', personEmail(caseId, nobody.id), { to: address, override: { reason } }),
    )
    const overrides = (await auditOf(nobody.id)).filter((event) => event.action.endsWith('unsafe_override'))
    expect(overrides.map((event) => event.details)).toEqual([
      expect.objectContaining({ personIds: [other.id] }),
    ])
  })

  it('records a refused email sealed, and sends again on request; 400 naming `to` for a bad address; 404 for another case’s referral', async () => {
    const { caseId, referralId } = await referred()
    smtp.refuse.add(address)
    const failed = await ok<ReferralView>(
      await call('advocate', 'POST', personEmail(caseId, referralId), { to: address }),
    )
    expect(failed.personEmail).toMatchObject({ status: 'failed', sentAt: null })
    expect(failed.personEmail.error).toMatch(/550|Mailbox unavailable|Recipient/i)
    const row = await sealedRow(referralId)
    expect(row.person_email_error_sealed).not.toMatch(/550|Mailbox/)
    expect((await auditOf(referralId)).at(-1)).toMatchObject({
      action: 'case.referral_person_email_failed',
      details: { caseId, language: 'fr' },
    })
    smtp.refuse.clear()
    const retried = await ok<ReferralView>(
      await call('advocate', 'POST', personEmail(caseId, referralId), { to: address }),
    )
    expect(retried.personEmail).toMatchObject({ status: 'sent', error: null })

    const bad = await call(
      'advocate',
      'POST',
      personEmail(caseId, referralId),
      { to: 'not an address' },
      'fr',
    )
    expect(bad.statusCode).toBe(400)
    expect(bad.json().fields).toEqual([expect.objectContaining({ path: 'to', code: 'invalid_format' })])
    const elsewhere = await torontoCase()
    const foreign = await call('advocate', 'POST', personEmail(elsewhere.caseId, referralId), { to: address })
    expect([foreign.statusCode, foreign.json().code]).toEqual([404, 'not_found'])
  })
})

describe('outcomes and follow-ups', () => {
  it('records outcomes with their history and lists due follow-ups by who may see the case', async () => {
    const mine = await torontoCase('advocate')
    const theirs = await torontoCase('colleague')
    const due = '2026-01-05T12:00:00.000Z'
    const referral = await ok<ReferralView>(
      await call(
        'advocate',
        'POST',
        `/api/cases/${mine.caseId}/referrals`,
        referralBody(mine.needId, { followUpDueAt: due }),
      ),
      201,
    )
    const other = await ok<ReferralView>(
      await call(
        'colleague',
        'POST',
        `/api/cases/${theirs.caseId}/referrals`,
        referralBody(theirs.needId, { followUpDueAt: due }),
      ),
      201,
    )
    const ids = async (who: string) =>
      (await ok<FollowUpList>(await call(who, 'GET', '/api/referrals/follow-ups?limit=100'))).followUps
        .map((item) => item.referralId)
        .filter((id) => id === referral.id || id === other.id)
    expect(await ids('advocate')).toEqual([referral.id])
    expect(await ids('colleague')).toEqual([other.id])
    expect((await ids('supervisor')).sort()).toEqual([referral.id, other.id].sort())

    const outcome = `/api/cases/${mine.caseId}/referrals/${referral.id}/outcome`
    const declined = await ok<ReferralView>(
      await call('advocate', 'POST', outcome, { status: 'no_capacity', note: 'Full until next month.' }),
    )
    expect(declined.history.map((entry) => [entry.status, entry.note])).toEqual([
      ['pending', null],
      ['no_capacity', 'Full until next month.'],
    ])
    expect(declined.followUpDueAt).toBeNull()
    expect(await ids('advocate')).toEqual([])
    const detail = await ok<CaseDetail>(await call('advocate', 'GET', `/api/cases/${mine.caseId}`))
    expect(detail.needs.find((need) => need.id === mine.needId)?.status).toBe('unmet')
    const bad = await call('advocate', 'POST', outcome, { status: 'lost' })
    expect(bad.json().fields).toEqual([expect.objectContaining({ path: 'status', code: 'invalid_value' })])
    expect(
      (await call('colleague', 'POST', outcome, { status: 'accepted' })).statusCode,
      'a colleague cannot reach the case',
    ).toBe(404)
  })
})

describe('search defaults', () => {
  it('fills the staff directory search from the case, and the search takes them as they are', async () => {
    const { caseId, needId, personId } = await torontoCase()
    const defaults = await ok<SearchDefaults>(
      await call('advocate', 'GET', `/api/cases/${caseId}/referrals/search-defaults?needId=${needId}`),
    )
    expect(defaults).toEqual({
      filters: {
        serviceType: 'housing-emergency',
        population: 'first-nations,migrant-workers',
        language: 'fr,en',
        province: 'ON',
        nearMunicipality: 'Toronto',
        age: '16',
      },
      basis: { needId, personIds: [personId] },
    })
    const search = await ok<DirectorySearchResponse>(
      await call('advocate', 'GET', `/api/directory/search?${new URLSearchParams(defaults.filters)}`),
    )
    expect(search.results.map((result) => result.serviceId)).toContain(shelter.ids.service)
    // A service for adults only falls out on age.
    expect(search.results.map((result) => result.serviceId)).not.toContain(unreachable.ids.service)
  })

  it('names a municipality the gazetteer does not know as a plain filter, and refuses a need of another case', async () => {
    const { caseId } = await torontoCase('advocate', 'Smalltown')
    const other = await torontoCase()
    const defaults = await ok<SearchDefaults>(
      await call('advocate', 'GET', `/api/cases/${caseId}/referrals/search-defaults`),
    )
    expect(defaults.filters).toEqual({
      population: 'first-nations,migrant-workers',
      language: 'fr,en',
      province: 'ON',
      municipality: 'Smalltown',
      age: '16',
    })
    expect(
      (
        await ok<DirectorySearchResponse>(
          await call('advocate', 'GET', `/api/directory/search?${new URLSearchParams(defaults.filters)}`),
        )
      ).total,
    ).toBe(0)
    const refused = await call(
      'advocate',
      'GET',
      `/api/cases/${caseId}/referrals/search-defaults?needId=${other.needId}`,
    )
    expect(refused.statusCode).toBe(400)
    expect(refused.json().fields).toEqual([
      expect.objectContaining({ path: 'query.needId', code: 'unknown_reference' }),
    ])
  })
})
