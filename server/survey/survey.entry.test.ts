import { describe, expect, it } from 'vitest'
import { providerBundle } from '../../test/support/directory.ts'
import { EnvError, loadEnv } from '../config/env.ts'
import { createTranslator } from '../http/i18n.ts'
import { bundleForAnswer, type ProviderEntry, presentEntry, REMOTE_ONLY_ALERT } from './survey.entry.ts'
import { composeSurveyMail, publicUrlOf } from './survey.mail.ts'
import { emailOf, languageOf } from './survey.service.ts'

function entryOf(
  bundle = providerBundle(),
): ProviderEntry & { ids: ReturnType<typeof providerBundle>['ids'] } {
  return {
    ids: bundle.ids,
    organization: bundle.organizations[0]!,
    services: bundle.services,
    serviceAtLocations: bundle.serviceAtLocations,
    attributes: bundle.attributes,
  }
}
const today = '2026-12-01'

describe('applying an answer to an entry', () => {
  it('“everything is still correct” rewrites the services exactly as they are, and no organization', () => {
    const entry = entryOf()
    const bundle = bundleForAnswer(entry, { unchanged: true, services: [] }, today)
    expect(bundle.services).toEqual(entry.services)
    expect(bundle.organizations).toEqual([])
    expect(bundle.attributes).toEqual(entry.attributes)
  })

  it('maps each answer to the directory’s fields', () => {
    const entry = entryOf()
    const id = entry.ids.service
    const apply = (
      status: 'open' | 'reduced_hours' | 'remote_only' | 'not_accepting' | 'temporarily_closed',
      from = entry,
    ) =>
      bundleForAnswer(from, { unchanged: false, services: [{ serviceId: id, status }] }, today).services[0]!

    expect(apply('not_accepting')).toMatchObject({
      status: 'active',
      referralStatus: 'not_accepting',
      referralStatusAt: today,
    })
    expect(apply('temporarily_closed')).toMatchObject({
      status: 'temporarily closed',
      referralStatus: 'accepting',
    })
    expect(apply('remote_only').doc.alert).toBe(REMOTE_ONLY_ALERT)
    expect(apply('reduced_hours')).toEqual(entry.services[0])

    // Open again: closed becomes active, referrals accepted again, the remote-only notice goes.
    const closed: ProviderEntry = {
      ...entry,
      services: [
        {
          ...entry.services[0]!,
          status: 'temporarily closed',
          referralStatus: 'not_accepting',
          doc: { alert: REMOTE_ONLY_ALERT },
        },
      ],
    }
    const reopened = apply('open', { ...entry, ...closed })
    expect(reopened).toMatchObject({ status: 'active', referralStatus: 'accepting', referralStatusAt: today })
    expect(reopened.doc.alert).toBeUndefined()
    // A waiting list stays a waiting list.
    const waitlist = { ...entry, services: [{ ...entry.services[0]!, referralStatus: 'waitlist' as const }] }
    expect(apply('open', waitlist).referralStatus).toBe('waitlist')
  })

  it('hours in words replace the structured ones, on the placements when they carry the hours', () => {
    const entry = entryOf()
    const answer = {
      unchanged: false,
      services: [{ serviceId: entry.ids.service, status: 'reduced_hours' as const, hours: 'Mon 10-2' }],
    }
    const onService = bundleForAnswer(entry, answer, today)
    expect(onService.services[0]!.doc.schedules).toEqual([
      { id: expect.any(String), description: 'Mon 10-2' },
    ])
    expect(onService.serviceAtLocations).toEqual([])

    const placed: ProviderEntry = {
      ...entry,
      serviceAtLocations: [
        {
          ...entry.serviceAtLocations[0]!,
          doc: { schedules: [{ id: 's1', opens_at: '09:00', closes_at: '17:00' }] },
        },
      ],
    }
    const onPlacement = bundleForAnswer(placed, answer, today)
    expect(onPlacement.serviceAtLocations[0]!.doc.schedules).toEqual([{ id: 's1', description: 'Mon 10-2' }])
    expect(onPlacement.services[0]!.doc.schedules).toEqual(entry.services[0]!.doc.schedules)
    expect(presentEntry(placed).services[0]!.schedules[0]).toMatchObject({ opensAt: '09:00' })
  })

  it('a new phone replaces the first number and keeps the organization’s attributes', () => {
    const entry = entryOf()
    entry.attributes.push({
      id: 'a-org',
      linkEntity: 'organization',
      linkId: entry.organization.id,
      taxonomyTermId: 't',
    })
    const bundle = bundleForAnswer(entry, { unchanged: false, services: [], phone: '514-555-0199' }, today)
    expect(bundle.organizations[0]!.doc.phones).toEqual([{ id: expect.any(String), number: '514-555-0199' }])
    expect(bundle.organizations[0]!.doc.email).toBe('info@harbour.example.org')
    expect(bundle.attributes.map((a) => a.id)).toContain('a-org')
    // The same number again is no change.
    expect(
      bundleForAnswer(entry, { unchanged: false, services: [], phone: '514-555-0100' }, today).organizations,
    ).toEqual([])
  })
})

describe('recipients', () => {
  it('take the organization’s email, else a contact’s, and skip what is not an address', () => {
    expect(emailOf({ email: 'a@b.example' })).toBe('a@b.example')
    expect(emailOf({ email: 'not an address', contacts: [{ email: 'c@d.example' }] })).toBe('c@d.example')
    expect(emailOf({ contacts: [{ name: 'x' }] })).toBeNull()
    expect(emailOf({ email: 'x@y.example\r\nBcc: z@w.example' })).toBeNull()
  })

  it('get French in Quebec or when the entry has only French text', () => {
    expect(languageOf({ province: 'QC', name_en: 'Harbour', name_fr: 'Havre' })).toBe('fr')
    expect(languageOf({ province: 'NB', name_en: null, name_fr: 'Le Phare' })).toBe('fr')
    expect(languageOf({ province: 'NB', name_en: 'Lighthouse', name_fr: 'Le Phare' })).toBe('en')
    expect(languageOf({ province: null, name_en: 'Lighthouse', name_fr: null })).toBe('en')
  })

  it('get the email in their language first, then the other', async () => {
    const translator = await createTranslator()
    const mail = composeSurveyMail(translator, {
      language: 'en',
      title: 'Status',
      message: { en: 'English text', fr: 'Texte français' },
      link: 'https://relais.example.org/survey/abc',
      expiresAt: new Date('2026-12-15T12:00:00Z'),
      organizationName: 'Lighthouse',
    })
    expect(mail.text.startsWith('Hello Lighthouse,')).toBe(true)
    expect(mail.text.indexOf('English text')).toBeLessThan(mail.text.indexOf('Texte français'))
    expect(mail.text).toContain('December 15, 2026')
    expect(mail.text).toContain('15 décembre 2026')
    expect(mail.text.split('https://relais.example.org/survey/abc')).toHaveLength(3)
  })
})

describe('mail configuration', () => {
  const base = { NODE_ENV: 'test', RELAIS_DATA_DIR: '/tmp/relais-env-test' }

  it('accepts smtp:// and smtps:// URLs only, and needs a sender with them', () => {
    expect(
      loadEnv({
        ...base,
        RELAIS_SMTP_URL: 'smtps://u:p@mail.example.org:465',
        RELAIS_MAIL_FROM: 'Relais <r@example.org>',
      }).RELAIS_SMTP_URL,
    ).toBe('smtps://u:p@mail.example.org:465')
    expect(() => loadEnv({ ...base, RELAIS_SMTP_URL: 'http://mail.example.org' })).toThrow(/RELAIS_SMTP_URL/)
    expect(() => loadEnv({ ...base, RELAIS_SMTP_URL: 'smtp://mail.example.org' })).toThrow(EnvError)
    expect(() => loadEnv({ ...base, RELAIS_SMTP_URL: 'smtp://mail.example.org' })).toThrow(/RELAIS_MAIL_FROM/)
    expect(() => loadEnv({ ...base, RELAIS_MAIL_FROM: 'nobody' })).toThrow(/RELAIS_MAIL_FROM/)
    expect(() => loadEnv({ ...base, RELAIS_PUBLIC_URL: 'ftp://relais.example.org' })).toThrow(
      /RELAIS_PUBLIC_URL/,
    )
  })

  it('builds links on RELAIS_PUBLIC_URL, or on the address Relais listens at', () => {
    expect(publicUrlOf(loadEnv({ ...base, RELAIS_PUBLIC_URL: 'https://relais.example.org/' }))).toBe(
      'https://relais.example.org',
    )
    expect(publicUrlOf(loadEnv({ ...base, HOST: '0.0.0.0', PORT: '8080' }))).toBe('http://0.0.0.0:8080')
    expect(publicUrlOf(loadEnv({ ...base, HOST: '::1' }))).toBe('http://[::1]:3000')
  })
})
