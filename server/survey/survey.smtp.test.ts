import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CampaignDetail, SendResult } from '../../common/contracts/survey.ts'
import { buildTestApp, type TestApp } from '../../test/support/app.ts'
import { providerBundle, taxonomyBundle } from '../../test/support/directory.ts'
import { buildStaff, type SessionFixture, sessionFor } from '../../test/support/factories.ts'
import { verifyAuditChain } from '../audit/audit.store.ts'
import { saveBundle } from '../directory/directory.service.ts'
import { linkIn, startTestSmtpServer, type TestSmtpServer } from './smtp-test-server.ts'
import { hashToken } from './survey.service.ts'

const system = { actorId: null, actorLabel: 'test', address: null, requestId: null }

let smtp: TestSmtpServer
let t: TestApp
let manager: SessionFixture
let managerId: string
let logs = ''
const quebec = providerBundle()
const ontario = providerBundle({ province: 'ON', city: 'Hamilton', name: { en: 'Bay Street Outreach' } })
ontario.organizations[0]!.doc = { email: 'intake@bay.example.org', phones: [] }

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
      RELAIS_PUBLIC_URL: 'https://relais.example.org/',
      RELAIS_LOG_LEVEL: 'info',
    },
    { logStream },
  )
  const staff = await buildStaff(t, { role: 'directory_manager' })
  managerId = staff.id
  manager = await sessionFor(t, staff)
  await saveBundle(t.database, taxonomyBundle(), system, { mode: 'summary' })
  await saveBundle(t.database, quebec, system)
  await saveBundle(t.database, ontario, system)
})
afterAll(async () => {
  await t?.close()
  await smtp?.close()
})

async function send(campaignId: string): Promise<SendResult> {
  const response = await t.app.inject({
    method: 'POST',
    url: `/api/survey/campaigns/${campaignId}/send`,
    headers: manager.headers,
  })
  expect(response.statusCode, response.body).toBe(200)
  return response.json()
}

async function detail(campaignId: string): Promise<CampaignDetail> {
  const response = await t.app.inject({
    method: 'GET',
    url: `/api/survey/campaigns/${campaignId}`,
    headers: manager.headers,
  })
  expect(response.statusCode, response.body).toBe(200)
  return response.json()
}

describe('a status survey over a real SMTP server', () => {
  it('sends, records refusals and retries them, takes an answer by link, and applies it once approved', async () => {
    smtp.refuse.add('intake@bay.example.org')
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/survey/campaigns',
      headers: manager.headers,
      payload: {
        title: 'COVID-19: vos services / your services',
        message: { en: 'Have your hours changed?', fr: 'Vos heures ont-elles changé?' },
        validityDays: 10,
      },
    })
    expect(created.statusCode, created.body).toBe(201)
    const campaign = created.json() as CampaignDetail
    expect(campaign.abilities.send).toBe(true)

    // First send: the Quebec provider's server accepts, the Ontario one's refuses.
    expect(await send(campaign.id)).toEqual({ sent: 1, failed: 1, remaining: 0 })
    expect(smtp.messages).toHaveLength(1)
    const mail = smtp.messages[0]!
    expect(mail.to).toEqual(['info@harbour.example.org'])
    expect(mail.parsed.from?.text).toBe('"Relais" <relais@hotline.example.org>')
    expect(mail.parsed.subject).toBe('COVID-19: vos services / your services')
    const text = mail.parsed.text ?? ''
    // French first for a Quebec entry, English after.
    expect(text.indexOf('Bonjour Centre de soutien Le Havre')).toBe(0)
    expect(text.indexOf('Vos heures ont-elles changé?')).toBeLessThan(
      text.indexOf('Have your hours changed?'),
    )
    const link = linkIn(mail)
    expect(link).toMatch(/^https:\/\/relais\.example\.org\/survey\/[A-Za-z0-9_-]{43}$/)
    const token = link.split('/').pop()!

    let recipients = (await detail(campaign.id)).recipients
    const byOrg = (id: string) => recipients.find((r) => r.organizationId === id)!
    expect(byOrg(quebec.ids.organization)).toMatchObject({ status: 'sent', attempts: 1, lastError: null })
    expect(byOrg(ontario.ids.organization)).toMatchObject({ status: 'failed', attempts: 1, expiresAt: null })
    expect(byOrg(ontario.ids.organization).lastError).toMatch(/Mailbox unavailable/)
    // Only the token's hash is stored.
    const rows = await t.database.db.selectFrom('survey_recipient').selectAll().execute()
    expect(JSON.stringify(rows)).not.toContain(token)
    expect(rows.find((r) => r.organization_id === quebec.ids.organization)?.token_hash).toBe(hashToken(token))
    const expiresAt = new Date(byOrg(quebec.ids.organization).expiresAt!).getTime()
    const sentAt = new Date(byOrg(quebec.ids.organization).sentAt!).getTime()
    expect(expiresAt - sentAt).toBeGreaterThan(9.9 * 86_400_000)
    expect(expiresAt - sentAt).toBeLessThan(10.1 * 86_400_000)

    // Still refused: one more failed attempt, nothing re-sent to the one that got it.
    expect(await send(campaign.id)).toEqual({ sent: 0, failed: 1, remaining: 0 })
    smtp.refuse.clear()
    expect(await send(campaign.id)).toEqual({ sent: 1, failed: 0, remaining: 0 })
    expect(smtp.messages.map((m) => m.to[0])).toEqual(['info@harbour.example.org', 'intake@bay.example.org'])
    expect(smtp.messages[1]!.parsed.text?.indexOf('Hello Bay Street Outreach')).toBe(0)
    recipients = (await detail(campaign.id)).recipients
    expect(byOrg(ontario.ids.organization)).toMatchObject({ status: 'sent', attempts: 3, lastError: null })
    expect((await detail(campaign.id)).abilities.send).toBe(false)

    // The provider opens the link, twice, then answers in French.
    const path = new URL(link).pathname
    expect(path).toBe(`/survey/${token}`)
    for (let i = 0; i < 2; i++) {
      const opened = await t.app.inject({ method: 'GET', url: `/api/survey/responses/${token}` })
      expect(opened.statusCode, opened.body).toBe(200)
    }
    const answered = await t.app.inject({
      method: 'POST',
      url: `/api/survey/responses/${token}`,
      headers: { 'accept-language': 'fr-CA' },
      payload: {
        unchanged: false,
        services: [
          { serviceId: quebec.ids.service, status: 'not_accepting', hours: 'Lundi au jeudi, de 10 h à 14 h' },
        ],
        phone: '514-555-0199',
        note: 'Complet jusqu’en juin.',
      },
    })
    expect(answered.statusCode, answered.body).toBe(201)

    const review = await detail(campaign.id)
    const response = review.responses[0]!
    expect(response).toMatchObject({
      organizationId: quebec.ids.organization,
      language: 'fr',
      reviewStatus: 'pending',
      note: 'Complet jusqu’en juin.',
      answer: { phone: '514-555-0199', services: [{ status: 'not_accepting' }] },
      current: { phone: '514-555-0100', services: [{ referralStatus: 'accepting' }] },
    })

    const approved = await t.app.inject({
      method: 'POST',
      url: `/api/survey/responses/${response.id}/approve`,
      headers: manager.headers,
      payload: { note: 'Confirmé par téléphone.' },
    })
    expect(approved.statusCode, approved.body).toBe(200)
    expect(approved.json().response).toMatchObject({ reviewStatus: 'approved', outcome: 'changed' })

    // The directory changed, through saveBundle.
    const service = await t.database.db
      .selectFrom('directory_service')
      .selectAll()
      .where('id', '=', quebec.ids.service)
      .executeTakeFirstOrThrow()
    expect(service.referral_status).toBe('not_accepting')
    expect(service.doc.schedules).toEqual([
      { id: expect.any(String), description: 'Lundi au jeudi, de 10 h à 14 h' },
    ])
    expect(service.last_verified_by).toBe(managerId)
    const org = await t.database.db
      .selectFrom('directory_organization')
      .selectAll()
      .where('id', '=', quebec.ids.organization)
      .executeTakeFirstOrThrow()
    expect((org.doc.phones as { number: string }[])[0]!.number).toBe('514-555-0199')
    expect(org.doc.email).toBe('info@harbour.example.org')
    expect(org.last_verified_by).toBe(managerId)
    expect(org.last_verified_at).not.toBeNull()
    const search = await t.database.db
      .selectFrom('directory_search')
      .select(['referral_status', 'open_24_7'])
      .where('service_id', '=', quebec.ids.service)
      .executeTakeFirstOrThrow()
    expect(search.referral_status).toBe('not_accepting')
    const metadata = await t.database.db
      .selectFrom('directory_metadata')
      .select(['field_name', 'resource_id'])
      .where('resource_id', 'in', [quebec.ids.service, quebec.ids.organization])
      .where('last_action_type', '=', 'update')
      .execute()
    expect(metadata.map((m) => m.field_name).sort()).toEqual([
      'doc',
      'doc',
      'referral_status',
      'referral_status_at',
    ])
    // The attributes of the saved entries survived the write.
    const attributes = await t.database.db
      .selectFrom('directory_attribute')
      .select('id')
      .where('link_id', '=', quebec.ids.service)
      .execute()
    expect(attributes).toHaveLength(quebec.attributes.length)

    const verifications = await t.database.db
      .selectFrom('directory_verification')
      .selectAll()
      .where('entity_id', 'in', [quebec.ids.organization, quebec.ids.service])
      .execute()
    expect(verifications.map((v) => [v.entity_type, v.outcome, v.verified_by]).sort()).toEqual([
      ['organization', 'changed', managerId],
      ['service', 'changed', managerId],
    ])

    const audit = await t.database.db.selectFrom('audit_event').selectAll().orderBy('id').execute()
    const actions = audit.map((event) => event.action)
    for (const action of [
      'survey.campaign_created',
      'survey.email_sent',
      'survey.email_failed',
      'survey.response_submitted',
      'survey.response_approved',
    ])
      expect(actions, action).toContain(action)
    const approval = audit.findLast((event) => event.action === 'survey.response_approved')!
    const updates = audit.filter((event) => event.action === 'directory.updated' && event.id < approval.id)
    expect(updates.map((event) => event.entity_id).sort()).toEqual(
      [quebec.ids.organization, quebec.ids.service].sort(),
    )
    expect(
      updates.every((event) => event.actor_id === managerId && event.request_id === approval.request_id),
    ).toBe(true)
    expect(await verifyAuditChain(t.database.db)).toMatchObject({ ok: true })

    // The link is spent; and no log line ever held it.
    const reused = await t.app.inject({ method: 'GET', url: `/api/survey/responses/${token}` })
    expect(reused.statusCode).toBe(410)
    expect(logs).toContain('survey')
    expect(logs).not.toContain(token)
  })
})
