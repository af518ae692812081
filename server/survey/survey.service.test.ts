import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engines } from '../../test/support/database.ts'
import { providerBundle, taxonomyBundle } from '../../test/support/directory.ts'
import { loadEnv } from '../config/env.ts'
import { createSecrets } from '../crypto/secrets.ts'
import type { Database } from '../db/database.ts'
import { saveBundle } from '../directory/directory.service.ts'
import { createTranslator } from '../http/i18n.ts'
import { linkIn, startTestSmtpServer, type TestSmtpServer } from './smtp-test-server.ts'
import { createSurveyService, type SurveyService } from './survey.service.ts'

const reviewer = { userId: randomUUID() }
const audit = {
  actorId: reviewer.userId,
  actorLabel: 'manager@example.org',
  address: '127.0.0.1',
  requestId: null,
}
const campaignInput = {
  title: 'Status',
  message: { en: 'Has anything changed?', fr: 'Quelque chose a-t-il changé?' },
  validityDays: 7,
}

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe.each(engines)('status surveys on $engine', ({ open }) => {
  let database: Database
  let smtp: TestSmtpServer
  let surveys: SurveyService
  let makeService: (smtpUrl: string) => Promise<SurveyService>
  const providers = [providerBundle(), providerBundle({ province: 'ON' }), providerBundle({ province: 'NS' })]

  beforeAll(async () => {
    database = await open()
    smtp = await startTestSmtpServer()
    const translator = await createTranslator()
    const secrets = createSecrets([randomBytes(32)])
    makeService = async (smtpUrl) =>
      createSurveyService({
        database,
        secrets,
        translator,
        env: loadEnv({
          NODE_ENV: 'test',
          RELAIS_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'relais-survey-')),
          RELAIS_SMTP_URL: smtpUrl,
          RELAIS_MAIL_FROM: 'relais@hotline.example.org',
        }),
      })
    surveys = await makeService(smtp.url)
    await saveBundle(database, taxonomyBundle(), audit, { mode: 'summary' })
    for (const bundle of providers) await saveBundle(database, bundle, audit)
  })
  afterAll(async () => {
    surveys?.close()
    await smtp?.close()
    await database?.close()
  })

  it('two sends at once reach each provider once', async () => {
    smtp.messages.length = 0
    const id = await surveys.createCampaign(campaignInput, reviewer, audit)
    const results = await Promise.all([surveys.send(id, audit), surveys.send(id, audit)])
    expect(results.reduce((sum, result) => sum + result.sent, 0)).toBe(3)
    expect(results.reduce((sum, result) => sum + result.failed, 0)).toBe(0)
    expect(smtp.messages.map((m) => m.to[0]).sort()).toEqual([
      'info@harbour.example.org',
      'info@harbour.example.org',
      'info@harbour.example.org',
    ])
    const rows = await database.db
      .selectFrom('survey_recipient')
      .selectAll()
      .where('campaign_id', '=', id)
      .execute()
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([
      ['sent', 1],
      ['sent', 1],
      ['sent', 1],
    ])
    // Each link is its own.
    expect(new Set(smtp.messages.map(linkIn)).size).toBe(3)
  })

  it('an unreachable mail server fails every recipient, and the next send retries them', async () => {
    const down = await makeService(`smtp://127.0.0.1:${await closedPort()}`)
    const id = await surveys.createCampaign({ ...campaignInput, province: 'ON' }, reviewer, audit)
    expect(await down.send(id, audit)).toEqual({ sent: 0, failed: 1, remaining: 0 })
    down.close()
    const [row] = await database.db
      .selectFrom('survey_recipient')
      .selectAll()
      .where('campaign_id', '=', id)
      .execute()
    expect(row).toMatchObject({ status: 'failed', token_hash: null, attempts: 1 })
    expect(row!.last_error).toMatch(/ECONNREFUSED|connect/i)
    expect(await surveys.send(id, audit)).toEqual({ sent: 1, failed: 0, remaining: 0 })
  })

  it('an answer is held until approved, then applied and verified in one go', async () => {
    smtp.messages.length = 0
    const id = await surveys.createCampaign({ ...campaignInput, province: 'NS' }, reviewer, audit)
    await surveys.send(id, audit)
    const token = linkIn(smtp.messages[0]!).split('/').pop()!
    const recipient = await surveys.resolveLink(token, audit)
    const provider = providers[2]!
    await surveys.submit(
      recipient,
      {
        unchanged: false,
        services: [{ serviceId: provider.ids.service, status: 'remote_only' }],
        note: 'Par vidéo.',
      },
      'fr',
      audit,
    )
    await expect(surveys.resolveLink(token, audit)).rejects.toMatchObject({
      code: 'survey_link_used',
      status: 410,
    })
    const before = await database.db
      .selectFrom('directory_service')
      .select('doc')
      .where('id', '=', provider.ids.service)
      .executeTakeFirstOrThrow()
    expect(before.doc.alert).toBeUndefined()

    const { responses } = await surveys.detail(id, reviewer)
    const approved = await surveys.approve(responses[0]!.id, undefined, reviewer, audit)
    expect(approved).toMatchObject({ reviewStatus: 'approved', outcome: 'changed', note: 'Par vidéo.' })
    expect(approved.current?.services[0]?.alert).toMatch(/Remote service only/)
    const verifications = await database.db
      .selectFrom('directory_verification')
      .select(['entity_type', 'outcome'])
      .where('entity_id', 'in', [provider.ids.organization, provider.ids.service])
      .execute()
    expect(verifications.map((v) => `${v.entity_type}:${v.outcome}`).sort()).toEqual([
      'organization:changed',
      'service:changed',
    ])
    await expect(surveys.approve(responses[0]!.id, undefined, reviewer, audit)).rejects.toMatchObject({
      status: 409,
    })
  })
})
