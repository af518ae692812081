import {
  type Age,
  type AgeBand,
  type Answer,
  ageBands,
  ageRange,
  type NeedKind,
  type SafeContact,
} from '../../../common/contracts/cases.ts'
import type { ShareableReferralField } from '../../../common/contracts/referrals.ts'
import { type ProvinceCode, provinces } from '../../../common/geography.ts'
import type { Translator } from '../../http/i18n.ts'

type Lang = 'en' | 'fr'

/** What the case knows that a referral email may carry, each only when given. */
export interface ReferralSources {
  alias: string | null
  age: Answer<Age>
  gender: Answer<string>
  languages: Answer<string[]>
  residency: Answer<string>
  needs: NeedKind[]
  safeContact: SafeContact | null
  province: string | null
  municipality: string | null
  handoffNote: string | null
}

/** The facts an email shares: only those consented to, and only those the case knows. */
export interface SharedFacts {
  alias?: string
  ageBand?: AgeBand
  gender?: string
  languages?: string[]
  residency?: string
  needs?: NeedKind[]
  safeContact?: {
    methods: { method: 'callBack' | 'voicemail' | 'text' | 'email'; safe: boolean }[]
    times?: string
  }
  location?: { province: string | null; municipality: string | null }
  handoffNote?: string
}

const given = <T>(answer: Answer<T>): T | undefined => (answer.state === 'given' ? answer.value : undefined)

/** The age band of an age: a band as given, or the band an exact age falls in (never the age itself). */
export function ageBandOf(age: Answer<Age>): AgeBand | undefined {
  const value = given(age)
  if (!value) return undefined
  if ('band' in value) return value.band
  return ageBands.find((band) => {
    const range = ageRange({ state: 'given', value: { band } })!
    return value.years >= range.min && (range.max === null || value.years <= range.max)
  })
}

/**
 * Picks what consent allows from what the case knows. A field not consented to is not read at all,
 * so nothing of it can reach the email; the code word of the safe-contact preferences never does.
 */
export function sharedFacts(
  consented: readonly ShareableReferralField[],
  sources: ReferralSources,
): SharedFacts {
  const facts: SharedFacts = {}
  const allowed = new Set(consented)
  if (allowed.has('alias') && sources.alias) facts.alias = sources.alias
  if (allowed.has('ageBand')) {
    const band = ageBandOf(sources.age)
    if (band) facts.ageBand = band
  }
  if (allowed.has('gender') && given(sources.gender)) facts.gender = given(sources.gender)
  if (allowed.has('languages') && given(sources.languages)) facts.languages = given(sources.languages)
  if (allowed.has('residency') && given(sources.residency)) facts.residency = given(sources.residency)
  if (allowed.has('needs') && sources.needs.length > 0) facts.needs = [...new Set(sources.needs)]
  if (allowed.has('safeContact') && sources.safeContact) {
    const contact = sources.safeContact
    const methods = (['callBack', 'voicemail', 'text', 'email'] as const).flatMap((method) => {
      const safe = given(contact[method])
      return safe === undefined ? [] : [{ method, safe }]
    })
    const times = given(contact.safeTimes)
    if (methods.length > 0 || times) facts.safeContact = { methods, ...(times ? { times } : {}) }
  }
  if (allowed.has('location') && (sources.province || sources.municipality)) {
    facts.location = { province: sources.province, municipality: sources.municipality }
  }
  if (allowed.has('handoffNote') && sources.handoffNote) facts.handoffNote = sources.handoffNote
  return facts
}

/** The lines of the shared facts in one language, in the order of the consent list. */
function factLines(translator: Translator, lang: Lang, facts: SharedFacts): string[] {
  const t = (key: string, values?: Record<string, unknown>) => translator.t(lang, key, values)
  const line = (field: ShareableReferralField, value: string) =>
    t('referrals:email.line', { label: t(`referrals:field.${field}`), value })
  const list = (items: string[]) =>
    new Intl.ListFormat(lang === 'fr' ? 'fr-CA' : 'en-CA', { type: 'conjunction' }).format(items)
  const languageNames = new Intl.DisplayNames([lang], { type: 'language' })
  const lines: string[] = []
  if (facts.alias) lines.push(line('alias', facts.alias))
  if (facts.ageBand) lines.push(line('ageBand', t(`cases:ageBand.${facts.ageBand}`)))
  if (facts.gender) lines.push(line('gender', t(`cases:htcds.prs_Gender.${facts.gender}`)))
  if (facts.languages)
    lines.push(line('languages', list(facts.languages.map((code) => languageNames.of(code) ?? code))))
  if (facts.residency) lines.push(line('residency', t(`cases:residency.${facts.residency}`)))
  if (facts.needs) {
    lines.push(t('referrals:email.heading', { label: t('referrals:field.needs') }))
    for (const kind of facts.needs) lines.push(`- ${t(`cases:needKind.${kind}`)}`)
  }
  if (facts.safeContact) {
    lines.push(t('referrals:email.heading', { label: t('referrals:field.safeContact') }))
    for (const { method, safe } of facts.safeContact.methods)
      lines.push(`- ${t('referrals:email.safe', { method, safe: safe ? 'yes' : 'no' })}`)
    if (facts.safeContact.times)
      lines.push(`- ${t('referrals:email.safeTimes', { times: facts.safeContact.times })}`)
  }
  if (facts.location) {
    const code = facts.location.province as ProvinceCode | null
    const province = code && code in provinces ? provinces[code][lang] : null
    const { municipality } = facts.location
    const place =
      municipality && province
        ? t('referrals:email.place', { municipality, province })
        : (municipality ?? province ?? '')
    lines.push(line('location', place))
  }
  if (facts.handoffNote) lines.push(line('handoffNote', facts.handoffNote))
  return lines
}

export interface ReferralMail {
  reference: string
  language: Lang
  organizationName: Record<Lang, string>
  serviceName: Record<Lang, string>
  facts: SharedFacts
}

/**
 * The referral email: the provider's language first, then the other official language, like the
 * directory's surveys. It names the service and carries the shared facts, nothing else.
 */
export function composeReferralMail(
  translator: Translator,
  mail: ReferralMail,
): { subject: string; text: string } {
  const part = (lang: Lang) => {
    const t = (key: string, values?: Record<string, unknown>) => translator.t(lang, key, values)
    const lines = factLines(translator, lang, mail.facts)
    return [
      t('referrals:email.greeting', { organization: mail.organizationName[lang] }),
      '',
      t('referrals:email.intro', { service: mail.serviceName[lang] }),
      '',
      ...(lines.length > 0
        ? [t('referrals:email.shared'), '', ...lines]
        : [t('referrals:email.nothingShared')]),
      '',
      t('referrals:email.answer', { reference: mail.reference }),
    ].join('\n')
  }
  const other = mail.language === 'fr' ? 'en' : 'fr'
  return {
    subject: translator.t(mail.language, 'referrals:email.subject', { reference: mail.reference }),
    text: [
      part(mail.language),
      '',
      '-----',
      translator.t(mail.language, 'referrals:email.otherLanguage'),
      '',
      part(other),
    ].join('\n'),
  }
}

/** The reference a provider quotes back: short, and telling nothing of how many cases there are. */
export const referralReference = (referralId: string) => `R-${referralId.slice(0, 8).toUpperCase()}`
