import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PresentedReport, PublicStatistics } from '../../common/contracts/reporting.ts'
import { permissionsOf, type Role } from '../../common/permissions.ts'
import { buildTestApp, type TestApp } from '../../test/support/app.ts'
import { buildStaff, type SessionFixture, sessionFor } from '../../test/support/factories.ts'
import { buildSignal } from '../cases/cases.factories.ts'

let t: TestApp
const sessions: Partial<Record<Role, SessionFixture>> = {}

beforeAll(async () => {
  t = await buildTestApp()
  for (const role of ['advocate', 'supervisor', 'directory_manager', 'analyst', 'admin'] as const) {
    sessions[role] = await sessionFor(t, await buildStaff(t, { role }))
  }
  // Two signals on 1 April 2021 in Toronto (one a minute before midnight, still March), one in May.
  for (const at of ['2021-04-01T03:59:00Z', '2021-04-01T04:01:00Z', '2021-05-10T15:00:00Z']) {
    await buildSignal(t.database, {
      advocateId: null,
      status: 'ended',
      channel: 'voice',
      receivedAt: new Date(at),
    })
  }
  // In 2022-23: ten text messages and two chats.
  for (let day = 1; day <= 12; day++) {
    const receivedAt = new Date(`2022-06-${String(day).padStart(2, '0')}T15:00:00Z`)
    const channel = day <= 10 ? 'sms' : 'web_chat'
    await buildSignal(t.database, { advocateId: null, status: 'ended', channel, receivedAt })
  }
})
afterAll(() => t.close())

/** What i18next gives back for a missing key: the key itself (`wrapUp.classes.other`). */
const untranslated = /^[\w-]+(?::[\w-]+)?(?:\.[\w-]+)+$/

const get = (role: Role | null, url: string) =>
  t.app.inject({ method: 'GET', url, headers: role ? sessions[role]!.headers : {} })

describe('GET /api/reports', () => {
  it('gives an analyst every indicator of a fiscal year in French, with labels and definitions', async () => {
    const response = await get('analyst', '/api/reports?period=2021-22&lang=fr')
    expect(response.statusCode, response.body).toBe(200)
    const report = response.json() as PresentedReport
    expect(report).toMatchObject({
      lang: 'fr',
      periodLabel: 'exercice 2021-2022',
      previousLabel: 'exercice 2020-2021',
    })
    expect(report.period).toEqual({
      kind: 'fiscal_year',
      label: '2021-22',
      from: '2021-04-01',
      to: '2022-03-31',
    })
    const signals = report.sections.find((section) => section.id === 'signals')!
    expect(signals.title).toBe('Signaux')
    const total = signals.indicators.find((indicator) => indicator.id === 'signals.total')!
    expect(total.rows[0]).toMatchObject({ value: 2, previous: 1 })
    expect(total.definition).toMatch(/fuseau horaire/)
    const byChannel = signals.indicators.find((indicator) => indicator.id === 'signals.by_channel')!
    expect(byChannel.dimensions).toEqual([{ id: 'channel', label: 'Canal' }])
    expect(byChannel.rows.find((row) => row.key[0] === 'voice')).toMatchObject({
      value: 2,
      labels: ['Téléphone'],
    })
    const months = signals.indicators.find((indicator) => indicator.id === 'signals.by_month')!
    expect(months.rows[0]).toMatchObject({ key: ['2021-04'], labels: ['avril 2021'], value: 1 })
    expect(months.rows[1]).toMatchObject({ key: ['2021-05'], value: 1 })
    // Every label was found: none is left as a translation key.
    for (const section of report.sections) {
      for (const indicator of section.indicators) {
        expect(indicator.title, indicator.id).not.toMatch(untranslated)
        for (const row of indicator.rows)
          for (const label of row.labels) expect(label, indicator.id).not.toMatch(untranslated)
      }
    }
  })

  it('gives only the indicators asked for, and a supervisor may read them too', async () => {
    const response = await get(
      'supervisor',
      '/api/reports?period=2021-04&indicators=signals.total,cases.opened',
    )
    expect(response.statusCode, response.body).toBe(200)
    const report = response.json() as PresentedReport
    expect(report.sections.flatMap((section) => section.indicators.map((indicator) => indicator.id))).toEqual(
      ['signals.total', 'cases.opened'],
    )
    expect(report.previous.label).toBe('2021-03')
  })

  it('refuses an empty, malformed or inverted period and an unknown indicator, naming the argument in French', async () => {
    for (const [url, field, pattern] of [
      ['/api/reports?period=&lang=fr', 'query.period', /./],
      ['/api/reports?period=2021-23&lang=fr', 'query.period', /exercice \(2021-22\)/],
      ['/api/reports?period=2021-06-30..2021-04-01&lang=fr', 'query.period', /se termine avant de commencer/],
      [
        '/api/reports?period=2021-22&indicators=signals.total,signals.secret&lang=fr',
        'query.indicators',
        /signals\.secret/,
      ],
    ] as const) {
      const response = await get('analyst', url)
      expect(response.statusCode, url).toBe(400)
      const body = response.json()
      expect(body.fields, url).toEqual([expect.objectContaining({ path: field })])
      expect(body.fields[0].message, url).toMatch(pattern)
    }
  })

  it('is refused signed out and to roles without reports', async () => {
    expect((await get(null, '/api/reports?period=2021-22')).statusCode).toBe(401)
    for (const role of ['advocate', 'directory_manager', 'admin'] as const) {
      expect((await get(role, '/api/reports?period=2021-22')).statusCode, role).toBe(403)
    }
  })
})

describe('what an analyst reaches', () => {
  it('is reports and extracts, and nothing personal: no signal, case, directory, audit or account', async () => {
    expect(permissionsOf('analyst').sort()).toEqual(['console.use', 'extract.create', 'report.read'])
    for (const url of [
      '/api/cases',
      '/api/directory/search?q=shelter',
      '/api/admin/audit',
      '/api/admin/users',
      '/api/referrals/follow-ups',
      '/api/escalations/reviews',
      '/api/survey/campaigns',
    ]) {
      expect((await get('analyst', url)).statusCode, url).toBe(403)
    }
    expect(permissionsOf('advocate')).not.toContain('extract.create')
  })
})

describe('GET /api/public/statistics', () => {
  const published = async (url: string) => {
    const response = await get(null, url)
    expect(response.statusCode, response.body).toBe(200)
    return response.json() as PublicStatistics
  }
  const indicator = (statistics: PublicStatistics, id: string) =>
    statistics.sections.flatMap((section) => section.indicators).find((candidate) => candidate.id === id)!

  it('publishes a fiscal year to anyone, small counts withheld as x and a complement so none can be worked out', async () => {
    const statistics = await published('/api/public/statistics?period=2022-23&lang=fr')
    expect(statistics).toMatchObject({ lang: 'fr', threshold: 3, rounding: 'none' })
    const byChannel = indicator(statistics, 'signals.by_channel')
    const figure = (channel: string) => byChannel.rows.find((row) => row.key[0] === channel)!.value
    expect(figure('web_chat')).toBe('x')
    expect(figure('voice')).toBe(0)
    // Two chats withheld alone beside a total of 12 would be 12 - 10: the ten texts or the total go too.
    expect(figure('sms') === 'x' || byChannel.total.value === 'x').toBe(true)
    for (const section of statistics.sections) {
      for (const published of section.indicators) {
        for (const row of [...published.rows, published.total]) {
          for (const value of [row.value, row.previous]) {
            if (typeof value === 'number') expect(value === 0 || value >= 3, published.id).toBe(true)
          }
        }
      }
    }
    // Figures that are not counts of contacts or people (waits, shares) are not published.
    const ids = statistics.sections.flatMap((section) => section.indicators.map((published) => published.id))
    expect(ids).toContain('victims.by_province')
    expect(ids).not.toContain('service.wait_average')
    expect(ids).not.toContain('coverage.providers_share')
  })

  it('publishes whole fiscal years only, and says so in the reader’s language', async () => {
    for (const period of ['2022-23-Q1', '2022-06', '2022-06-01..2022-06-30']) {
      const response = await get(null, `/api/public/statistics?period=${period}&lang=fr`)
      expect(response.statusCode, period).toBe(400)
      expect(response.json().fields[0]).toMatchObject({ path: 'query.period', code: 'period_not_public' })
      expect(response.json().fields[0].message).toMatch(/exercices complets/)
    }
  })
})

describe('GET /api/reports/export', () => {
  it('gives the funder’s report as PDF, XLSX and CSV, each audited with its parameters and fingerprint', async () => {
    const fingerprints = new Set<string>()
    for (const [format, type, magic] of [
      ['pdf', 'application/pdf', '%PDF-'],
      ['xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'PK'],
      ['csv', 'text/csv; charset=utf-8', '\ufeffindicator'],
    ] as const) {
      const response = await get('analyst', `/api/reports/export?period=2021-22&format=${format}&lang=fr`)
      expect(response.statusCode, response.body).toBe(200)
      expect(response.headers['content-type']).toBe(type)
      expect(response.headers['content-disposition']).toBe(
        `attachment; filename="relais-report-2021-22-fr.${format}"`,
      )
      expect(response.rawPayload.subarray(0, 20).toString('utf8').startsWith(magic), format).toBe(true)
      fingerprints.add(String(response.headers['x-relais-fingerprint']))
    }
    // The same data, the same print, whatever the format.
    expect(fingerprints.size).toBe(1)
    const events = await t.database.db
      .selectFrom('audit_event')
      .select(['action', 'entity_id', 'details'])
      .where('action', '=', 'report.export')
      .orderBy('id')
      .execute()
    expect(events.map((event) => (event.details as { format: string }).format)).toEqual([
      'pdf',
      'xlsx',
      'csv',
    ])
    expect(events[0]).toMatchObject({
      entity_id: '2021-22',
      details: { lang: 'fr', fingerprint: [...fingerprints][0], timeZone: 'America/Toronto' },
    })
  })

  it('refuses an unknown format and is not for advocates', async () => {
    const bad = await get('analyst', '/api/reports/export?period=2021-22&format=docx')
    expect(bad.statusCode).toBe(400)
    expect(bad.json().fields[0].path).toBe('query.format')
    expect((await get('advocate', '/api/reports/export?period=2021-22&format=csv')).statusCode).toBe(403)
  })
})
