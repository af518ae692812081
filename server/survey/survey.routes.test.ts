import { randomBytes, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CampaignDetail, PublicSurvey } from '../../common/contracts/survey.ts'
import { buildTestApp, type TestApp } from '../../test/support/app.ts'
import { providerBundle, taxonomyBundle } from '../../test/support/directory.ts'
import { buildStaff, type SessionFixture, sessionFor } from '../../test/support/factories.ts'
import { saveBundle } from '../directory/directory.service.ts'
import { hashToken } from './survey.service.ts'

const system = { actorId: null, actorLabel: 'test', address: null, requestId: null }

let t: TestApp
let manager: SessionFixture
let advocate: SessionFixture
let quebec: ReturnType<typeof providerBundle>
let ontario: ReturnType<typeof providerBundle>
let noEmail: ReturnType<typeof providerBundle>
let agency: ReturnType<typeof providerBundle>

beforeAll(async () => {
  t = await buildTestApp()
  manager = await sessionFor(t, await buildStaff(t, { role: 'directory_manager' }))
  advocate = await sessionFor(t, await buildStaff(t, { role: 'advocate' }))
  await saveBundle(t.database, taxonomyBundle(), system, { mode: 'summary' })
  quebec = providerBundle()
  ontario = providerBundle({
    province: 'ON',
    city: 'Hamilton',
    name: { en: 'Bay Street Outreach' },
    serviceName: { en: 'Counselling' },
  })
  ontario.organizations[0]!.doc = {
    contacts: [{ id: randomUUID(), name: 'Intake', email: 'intake@bay.example.org' }],
    phones: [{ id: randomUUID(), number: '905-555-0100' }],
  }
  noEmail = providerBundle({ province: 'ON', city: 'Toronto', name: { en: 'No Mail House' } })
  noEmail.organizations[0]!.doc = { phones: [] }
  agency = providerBundle({ province: 'ON', city: 'Hamilton', name: { en: 'Hamilton Police Service' } })
  agency.organizations[0]!.kind = 'law_enforcement'
  agency.organizations[0]!.doc = { email: 'dispatch@police.example.org' }
  for (const bundle of [quebec, ontario, noEmail, agency]) await saveBundle(t.database, bundle, system)
})
afterAll(() => t.close())

const campaignBody = (overrides: Record<string, unknown> = {}) => ({
  title: 'Pandemic status check',
  message: { en: 'Have your hours changed?', fr: 'Vos heures ont-elles changé?' },
  validityDays: 14,
  ...overrides,
})

async function createCampaign(overrides: Record<string, unknown> = {}): Promise<CampaignDetail> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/survey/campaigns',
    headers: manager.headers,
    payload: campaignBody(overrides),
  })
  expect(response.statusCode, response.body).toBe(201)
  return response.json()
}

/** Gives a recipient a live link, as a send would, and returns its token. */
async function issueLink(
  recipientId: string,
  { expiresAt = new Date(Date.now() + 86_400_000), used = false }: { expiresAt?: Date; used?: boolean } = {},
) {
  const token = randomBytes(32).toString('base64url')
  await t.database.db
    .updateTable('survey_recipient')
    .set({
      status: 'sent',
      token_hash: hashToken(token),
      expires_at: expiresAt,
      sent_at: new Date(),
      used_at: used ? new Date() : null,
    })
    .where('id', '=', recipientId)
    .execute()
  return token
}

let addressCounter = 0
/** Each test its own caller address, so the guessing throttle of one never blocks another. */
const freshAddress = () => `10.1.${Math.floor(++addressCounter / 250)}.${addressCounter % 250}`

async function liveLink(organizationId = quebec.ids.organization) {
  const campaign = await createCampaign()
  const recipient = campaign.recipients.find((r) => r.organizationId === organizationId)!
  return { campaign, recipient, token: await issueLink(recipient.id) }
}

const lastAudit = () =>
  t.database.db.selectFrom('audit_event').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow()

describe('GET /api/survey/campaigns', () => {
  it('401 without a session', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/survey/campaigns' })
    expect(response.statusCode).toBe(401)
  })

  it('403 for every role but directory manager', async () => {
    for (const role of ['advocate', 'supervisor', 'analyst', 'admin'] as const) {
      const session = await sessionFor(t, await buildStaff(t, { role }))
      const response = await t.app.inject({
        method: 'GET',
        url: '/api/survey/campaigns',
        headers: session.headers,
      })
      expect(response.statusCode, role).toBe(403)
      expect(response.json().code).toBe('forbidden')
    }
  })

  it('lists the campaigns for a manager and says when mail is not configured', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/survey/campaigns',
      headers: manager.headers,
    })
    expect(response.statusCode).toBe(200)
    expect(response.json().mail).toEqual({ configured: false })
  })
})

describe('POST /api/survey/campaigns', () => {
  it('401 without a session, 403 without the CSRF token or the permission, before validation', async () => {
    const anonymous = await t.app.inject({ method: 'POST', url: '/api/survey/campaigns', payload: {} })
    expect(anonymous.statusCode).toBe(401)
    const noCsrf = await t.app.inject({
      method: 'POST',
      url: '/api/survey/campaigns',
      headers: { cookie: manager.cookie },
      payload: {},
    })
    expect(noCsrf.statusCode).toBe(403)
    expect(noCsrf.json().code).toBe('csrf_invalid')
    const forbidden = await t.app.inject({
      method: 'POST',
      url: '/api/survey/campaigns',
      headers: advocate.headers,
      payload: {},
    })
    expect(forbidden.statusCode).toBe(403)
    expect(forbidden.json().code).toBe('forbidden')
  })

  it.each([
    { body: campaignBody({ title: '' }), path: 'title', code: 'too_small' },
    { body: campaignBody({ title: 'x'.repeat(201) }), path: 'title', code: 'too_big' },
    { body: campaignBody({ validityDays: 0 }), path: 'validityDays', code: 'too_small' },
    { body: campaignBody({ validityDays: 91 }), path: 'validityDays', code: 'too_big' },
    { body: campaignBody({ validityDays: 2.5 }), path: 'validityDays', code: 'invalid_type' },
    { body: campaignBody({ message: { en: 'Only English' } }), path: 'message.fr', code: 'required' },
    { body: campaignBody({ province: 'XX' }), path: 'province', code: 'invalid_value' },
    { body: campaignBody({ bogus: true }), path: 'bogus', code: 'unknown_field' },
    { body: campaignBody({ province: 'YT' }), path: 'province', code: 'no_recipients' },
  ])('400 naming $path ($code)', async ({ body, path, code }) => {
    const before = await t.database.db.selectFrom('survey_campaign').select('id').execute()
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/survey/campaigns',
      headers: { ...manager.headers, 'accept-language': 'fr' },
      payload: body,
    })
    expect(response.statusCode, response.body).toBe(400)
    const field = response.json().fields.find((f: { path: string }) => f.path === path)
    expect(field, response.body).toMatchObject({ code })
    expect(field.message).not.toBe('')
    expect(await t.database.db.selectFrom('survey_campaign').select('id').execute()).toHaveLength(
      before.length,
    )
  })

  it('reaches every provider with an email, in its language, and leaves agencies out unless asked', async () => {
    const campaign = await createCampaign()
    const byOrg = new Map(campaign.recipients.map((r) => [r.organizationId, r]))
    expect(byOrg.get(quebec.ids.organization)).toMatchObject({
      email: 'info@harbour.example.org',
      language: 'fr',
      status: 'pending',
    })
    // No organization email: the first contact's.
    expect(byOrg.get(ontario.ids.organization)).toMatchObject({
      email: 'intake@bay.example.org',
      language: 'en',
    })
    expect(byOrg.has(noEmail.ids.organization)).toBe(false)
    expect(byOrg.has(agency.ids.organization)).toBe(false)
    expect(campaign.counts).toMatchObject({ recipients: 2, pending: 2, sent: 0 })
    expect(campaign.abilities.send).toBe(false)
    expect(await lastAudit()).toMatchObject({
      action: 'survey.campaign_created',
      entity_id: campaign.id,
      details: { recipients: 2, province: null, includeAgencies: false },
    })

    const withAgencies = await createCampaign({ province: 'ON', includeAgencies: true })
    expect(withAgencies.recipients.map((r) => r.organizationId).sort()).toEqual(
      [ontario.ids.organization, agency.ids.organization].sort(),
    )
  })
})

describe('GET /api/survey/campaigns/:id', () => {
  it('401, 403, then 400 for an id that is not a uuid, then 404', async () => {
    const id = randomUUID()
    expect((await t.app.inject({ method: 'GET', url: `/api/survey/campaigns/${id}` })).statusCode).toBe(401)
    const forbidden = await t.app.inject({
      method: 'GET',
      url: '/api/survey/campaigns/nope',
      headers: advocate.headers,
    })
    expect(forbidden.statusCode).toBe(403)
    const bad = await t.app.inject({
      method: 'GET',
      url: '/api/survey/campaigns/nope',
      headers: manager.headers,
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().fields[0]).toMatchObject({ path: 'params.id', code: 'invalid_format' })
    const missing = await t.app.inject({
      method: 'GET',
      url: `/api/survey/campaigns/${id}`,
      headers: manager.headers,
    })
    expect(missing.statusCode).toBe(404)
  })
})

describe('POST /api/survey/campaigns/:id/send', () => {
  it('401, 403, 400, then says clearly that no mail server is configured', async () => {
    const campaign = await createCampaign()
    const url = `/api/survey/campaigns/${campaign.id}/send`
    expect((await t.app.inject({ method: 'POST', url })).statusCode).toBe(401)
    expect((await t.app.inject({ method: 'POST', url, headers: advocate.headers })).statusCode).toBe(403)
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/survey/campaigns/1/send',
      headers: manager.headers,
    })
    expect(bad.statusCode).toBe(400)
    const response = await t.app.inject({
      method: 'POST',
      url,
      headers: { ...manager.headers, 'accept-language': 'fr-CA' },
    })
    expect(response.statusCode).toBe(503)
    expect(response.json()).toMatchObject({ code: 'mail_not_configured' })
    expect(response.json().message).toMatch(/RELAIS_SMTP_URL/)
    expect(response.json().message).toMatch(/courrier sortant/)
    const recipients = await t.database.db
      .selectFrom('survey_recipient')
      .select(['status', 'attempts'])
      .where('campaign_id', '=', campaign.id)
      .execute()
    expect(recipients.every((r) => r.status === 'pending' && r.attempts === 0)).toBe(true)
  })
})

describe('GET /api/survey/responses/:token', () => {
  it('404 for an unknown token, 410 for an expired or used one, each in the caller’s language', async () => {
    const { recipient } = await liveLink()
    const address = freshAddress()
    const get = (token: string, lang = 'en') =>
      t.app.inject({
        method: 'GET',
        url: `/api/survey/responses/${token}`,
        headers: { 'accept-language': lang },
        remoteAddress: address,
      })
    const unknown = await get(randomBytes(32).toString('base64url'), 'fr')
    expect(unknown.statusCode).toBe(404)
    expect(unknown.json()).toMatchObject({ code: 'survey_link_unknown', fields: [{ path: 'token' }] })
    expect(unknown.json().message).toMatch(/lien de sondage/)
    expect((await get('short')).statusCode).toBe(404)
    expect((await get('x'.repeat(90))).statusCode).toBe(404)

    const expired = await get(await issueLink(recipient.id, { expiresAt: new Date(Date.now() - 1000) }))
    expect(expired.statusCode).toBe(410)
    expect(expired.json().code).toBe('survey_link_expired')
    expect(expired.json().message).toMatch(/expired/)

    const used = await get(await issueLink(recipient.id, { used: true }), 'fr')
    expect(used.statusCode).toBe(410)
    expect(used.json().code).toBe('survey_link_used')
    expect(used.json().message).toMatch(/déjà/)
  })

  it('a failed or refused link never answers before the mail server took it', async () => {
    const campaign = await createCampaign()
    const recipient = campaign.recipients[0]!
    const token = await issueLink(recipient.id)
    await t.database.db
      .updateTable('survey_recipient')
      .set({ status: 'failed' })
      .where('id', '=', recipient.id)
      .execute()
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/survey/responses/${token}`,
      remoteAddress: freshAddress(),
    })
    expect(response.statusCode).toBe(404)
  })

  it('shows the entry’s own public fields, never another organization’s, and can be opened again', async () => {
    const { token, recipient } = await liveLink()
    for (let i = 0; i < 2; i++) {
      const response = await t.app.inject({
        method: 'GET',
        url: `/api/survey/responses/${token}`,
        remoteAddress: freshAddress(),
      })
      expect(response.statusCode, response.body).toBe(200)
      const survey = response.json() as PublicSurvey
      expect(survey).toMatchObject({
        title: 'Pandemic status check',
        language: 'fr',
        message: { fr: 'Vos heures ont-elles changé?' },
        entry: {
          name: { en: 'Harbour Support Centre', fr: 'Centre de soutien Le Havre' },
          phone: '514-555-0100',
          services: [
            {
              id: quebec.ids.service,
              status: 'active',
              referralStatus: 'accepting',
              schedules: [
                { byday: 'MO,TU,WE,TH,FR', opensAt: '09:00', closesAt: '17:00', description: null },
              ],
            },
          ],
        },
      })
      for (const other of [ontario, noEmail, agency]) {
        expect(response.body).not.toContain(other.ids.organization)
        expect(response.body).not.toContain(other.ids.service)
      }
      expect(response.body).not.toContain('info@harbour.example.org')
    }
    const row = await t.database.db
      .selectFrom('survey_recipient')
      .select(['opened_at', 'used_at'])
      .where('id', '=', recipient.id)
      .executeTakeFirstOrThrow()
    expect(row.opened_at).not.toBeNull()
    expect(row.used_at).toBeNull()
  })
})

describe('POST /api/survey/responses/:token', () => {
  const post = (token: string, payload: Record<string, unknown>, address = freshAddress()) =>
    t.app.inject({ method: 'POST', url: `/api/survey/responses/${token}`, payload, remoteAddress: address })

  it.each([
    { body: { unchanged: 'yes' }, path: 'unchanged', code: 'invalid_type' },
    { body: {}, path: 'unchanged', code: 'required' },
    {
      body: { unchanged: false, services: [{ serviceId: 'S', status: 'closed' }] },
      path: 'services.0.status',
      code: 'invalid_value',
    },
    { body: { unchanged: true, note: 'x'.repeat(2001) }, path: 'note', code: 'too_big' },
    { body: { unchanged: false, phone: 'call us maybe' }, path: 'phone', code: 'invalid' },
    {
      body: { unchanged: false, services: [{ serviceId: 'S', status: 'open', hours: 'h'.repeat(501) }] },
      path: 'services.0.hours',
      code: 'too_big',
    },
    { body: { unchanged: true, extra: 1 }, path: 'extra', code: 'unknown_field' },
    { body: { unchanged: false }, path: 'services', code: 'required' },
    {
      body: { unchanged: false, services: [{ serviceId: 'OTHER', status: 'open' }] },
      path: 'services.0.serviceId',
      code: 'invalid',
    },
  ])('400 naming $path ($code), and the link still works', async ({ body, path, code }) => {
    const { token } = await liveLink()
    const payload = JSON.parse(
      JSON.stringify(body)
        .replaceAll('"S"', JSON.stringify(quebec.ids.service))
        .replaceAll('"OTHER"', JSON.stringify(ontario.ids.service)),
    )
    const response = await post(token, payload)
    expect(response.statusCode, response.body).toBe(400)
    expect(response.json().fields[0]).toMatchObject({ path, code })
    const again = await t.app.inject({
      method: 'GET',
      url: `/api/survey/responses/${token}`,
      remoteAddress: freshAddress(),
    })
    expect(again.statusCode).toBe(200)
  })

  it('404 for an unknown token and 410 for an expired one, even with a bad body', async () => {
    expect((await post(randomBytes(32).toString('base64url'), { unchanged: 'no' })).statusCode).toBe(404)
    const { recipient } = await liveLink()
    const expired = await issueLink(recipient.id, { expiresAt: new Date(Date.now() - 1) })
    expect((await post(expired, { unchanged: true })).statusCode).toBe(410)
  })

  it('stores the answer as a proposed change, spends the link, and changes nothing in the directory', async () => {
    const { token, campaign, recipient } = await liveLink()
    const serviceBefore = await t.database.db
      .selectFrom('directory_service')
      .selectAll()
      .where('id', '=', quebec.ids.service)
      .executeTakeFirstOrThrow()
    const response = await post(token, {
      unchanged: false,
      services: [
        { serviceId: quebec.ids.service, status: 'not_accepting', hours: 'Lundi au jeudi, 10 h à 14 h' },
      ],
      phone: '514-555-0199',
      note: 'Nous sommes complets jusqu’en juin.',
    })
    expect(response.statusCode, response.body).toBe(201)
    const stored = await t.database.db
      .selectFrom('survey_response')
      .selectAll()
      .where('recipient_id', '=', recipient.id)
      .executeTakeFirstOrThrow()
    expect(stored).toMatchObject({
      review_status: 'pending',
      campaign_id: campaign.id,
      answer: {
        unchanged: false,
        services: [
          { serviceId: quebec.ids.service, status: 'not_accepting', hours: 'Lundi au jeudi, 10 h à 14 h' },
        ],
        phone: '514-555-0199',
      },
    })
    // The note is sealed at rest.
    expect(stored.note_sealed).not.toContain('complets')
    expect(t.secrets.open(stored.note_sealed!)).toBe('Nous sommes complets jusqu’en juin.')
    expect(await lastAudit()).toMatchObject({
      action: 'survey.response_submitted',
      entity_id: stored.id,
      actor_id: null,
    })
    const serviceAfter = await t.database.db
      .selectFrom('directory_service')
      .selectAll()
      .where('id', '=', quebec.ids.service)
      .executeTakeFirstOrThrow()
    expect(serviceAfter).toEqual(serviceBefore)

    const second = await post(token, { unchanged: true })
    expect(second.statusCode).toBe(410)
    expect(second.json().code).toBe('survey_link_used')
    const opened = await t.app.inject({
      method: 'GET',
      url: `/api/survey/responses/${token}`,
      remoteAddress: freshAddress(),
    })
    expect(opened.statusCode).toBe(410)
  })
})

describe('guessing survey links', () => {
  it('counts unknown and used tokens alike, and holds an address back after ten failures', async () => {
    const address = freshAddress()
    const failures = async () =>
      (
        await t.database.db
          .selectFrom('survey_link_throttle')
          .select('failures')
          .where('key', '=', `address:${address}`)
          .executeTakeFirst()
      )?.failures ?? 0
    const { recipient } = await liveLink()
    const used = await issueLink(recipient.id, { used: true })
    const get = (token: string) =>
      t.app.inject({ method: 'GET', url: `/api/survey/responses/${token}`, remoteAddress: address })
    expect((await get(used)).statusCode).toBe(410)
    expect(await failures()).toBe(1)
    expect((await get(randomBytes(32).toString('base64url'))).statusCode).toBe(404)
    expect(await failures()).toBe(2)
    for (let i = 0; i < 8; i++)
      expect((await get(randomBytes(32).toString('base64url'))).statusCode).toBe(404)

    const { token } = await liveLink()
    const blocked = await get(token)
    expect(blocked.statusCode).toBe(429)
    expect(blocked.json().code).toBe('rate_limited')
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0)
    const posted = await t.app.inject({
      method: 'POST',
      url: `/api/survey/responses/${token}`,
      payload: { unchanged: true },
      remoteAddress: address,
    })
    expect(posted.statusCode).toBe(429)
    // Another address is not held back.
    const elsewhere = await t.app.inject({
      method: 'GET',
      url: `/api/survey/responses/${token}`,
      remoteAddress: freshAddress(),
    })
    expect(elsewhere.statusCode).toBe(200)
  })
})

describe('POST /api/survey/responses/:id/approve and /reject', () => {
  async function submitted(payload: Record<string, unknown> = { unchanged: true }) {
    const { token, campaign } = await liveLink()
    const response = await t.app.inject({
      method: 'POST',
      url: `/api/survey/responses/${token}`,
      payload,
      remoteAddress: freshAddress(),
    })
    expect(response.statusCode, response.body).toBe(201)
    const detail = (
      await t.app.inject({
        method: 'GET',
        url: `/api/survey/campaigns/${campaign.id}`,
        headers: manager.headers,
      })
    ).json() as CampaignDetail
    return detail.responses[0]!
  }

  it('401, 403, then 400 for a bad id or a rejection without a note, then 404', async () => {
    const id = randomUUID()
    for (const action of ['approve', 'reject']) {
      const url = `/api/survey/responses/${id}/${action}`
      expect((await t.app.inject({ method: 'POST', url, payload: {} })).statusCode).toBe(401)
      expect(
        (await t.app.inject({ method: 'POST', url, headers: advocate.headers, payload: {} })).statusCode,
      ).toBe(403)
      const bad = await t.app.inject({
        method: 'POST',
        url: `/api/survey/responses/nope/${action}`,
        headers: manager.headers,
        payload: { note: 'fine' },
      })
      expect(bad.statusCode).toBe(400)
    }
    const noNote = await t.app.inject({
      method: 'POST',
      url: `/api/survey/responses/${id}/reject`,
      headers: manager.headers,
      payload: {},
    })
    expect(noNote.statusCode).toBe(400)
    expect(noNote.json().fields[0]).toMatchObject({ path: 'note', code: 'required' })
    const missing = await t.app.inject({
      method: 'POST',
      url: `/api/survey/responses/${id}/approve`,
      headers: manager.headers,
      payload: {},
    })
    expect(missing.statusCode).toBe(404)
  })

  it('reject leaves the directory unchanged, is audited, and cannot be reviewed twice', async () => {
    const response = await submitted({
      unchanged: false,
      services: [{ serviceId: quebec.ids.service, status: 'temporarily_closed' }],
    })
    const rejected = await t.app.inject({
      method: 'POST',
      url: `/api/survey/responses/${response.id}/reject`,
      headers: manager.headers,
      payload: { note: 'Called them: still open.' },
    })
    expect(rejected.statusCode, rejected.body).toBe(200)
    expect(rejected.json().response).toMatchObject({
      reviewStatus: 'rejected',
      reviewNote: 'Called them: still open.',
      abilities: { approve: false, reject: false },
    })
    const service = await t.database.db
      .selectFrom('directory_service')
      .select('status')
      .where('id', '=', quebec.ids.service)
      .executeTakeFirstOrThrow()
    expect(service.status).toBe('active')
    expect(await lastAudit()).toMatchObject({ action: 'survey.response_rejected', entity_id: response.id })
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/survey/responses/${response.id}/approve`,
      headers: manager.headers,
      payload: {},
    })
    expect(again.statusCode).toBe(409)
  })

  it('approving “everything is still correct” records a confirmed verification and changes no field', async () => {
    const response = await submitted({ unchanged: true, note: 'Rien de neuf.' })
    expect(response.note).toBe('Rien de neuf.')
    expect(response.current?.services[0]?.id).toBe(quebec.ids.service)
    const metadataBefore = await t.database.db.selectFrom('directory_metadata').select('id').execute()
    const approved = await t.app.inject({
      method: 'POST',
      url: `/api/survey/responses/${response.id}/approve`,
      headers: manager.headers,
      payload: {},
    })
    expect(approved.statusCode, approved.body).toBe(200)
    expect(approved.json().response).toMatchObject({ reviewStatus: 'approved', outcome: 'confirmed' })
    expect(await t.database.db.selectFrom('directory_metadata').select('id').execute()).toHaveLength(
      metadataBefore.length,
    )
    const verification = await t.database.db
      .selectFrom('directory_verification')
      .selectAll()
      .where('entity_id', '=', quebec.ids.organization)
      .orderBy('verified_at', 'desc')
      .executeTakeFirstOrThrow()
    expect(verification).toMatchObject({ entity_type: 'organization', outcome: 'confirmed' })
    const org = await t.database.db
      .selectFrom('directory_organization')
      .select(['last_verified_at', 'last_verified_by'])
      .where('id', '=', quebec.ids.organization)
      .executeTakeFirstOrThrow()
    expect(org.last_verified_at).not.toBeNull()
    expect(org.last_verified_by).toBe(verification.verified_by)
    // The search rows carry the new verification date.
    const search = await t.database.db
      .selectFrom('directory_search')
      .select('last_verified_at')
      .where('service_id', '=', quebec.ids.service)
      .executeTakeFirstOrThrow()
    expect(search.last_verified_at?.getTime()).toBe(org.last_verified_at?.getTime())
  })
})

describe('the API documentation', () => {
  it('describes the survey routes', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/docs/openapi.json' })
    expect(response.statusCode).toBe(200)
    const paths = Object.keys(response.json().paths)
    for (const route of [
      '/api/survey/campaigns',
      '/api/survey/campaigns/{id}',
      '/api/survey/campaigns/{id}/send',
      '/api/survey/responses/{token}',
      '/api/survey/responses/{id}/approve',
      '/api/survey/responses/{id}/reject',
    ])
      expect(paths, route).toContain(route)
  })
})
