import type { Answer } from '../../../common/contracts/cases.ts'
import { addressOf, hoursOf, phonesOf } from '../../directory/directory.search.ts'
import type { HsdsDoc } from '../../directory/directory.tables.ts'
import type { Translator } from '../../http/i18n.ts'

type Lang = 'en' | 'fr'

/** A directory service as the email to the person describes it, from the directory as it is now. */
export interface ServiceForPerson {
  name: Record<Lang, string>
  organizationName: Record<Lang, string>
  serviceDoc: HsdsDoc
  organizationDoc: HsdsDoc
  locations: { doc: HsdsDoc; confidential: boolean }[]
  /** ISO 639 codes of the languages the service is offered in. */
  languages: string[]
}

/**
 * The language of an email to the person: the first of the languages recorded for them that is
 * English or French (BCP 47, the preferred first), if any.
 */
export function personLanguage(languages: Answer<string[]>): Lang | undefined {
  if (languages.state !== 'given') return undefined
  for (const code of languages.value) {
    const primary = code.toLowerCase().split('-')[0]
    if (primary === 'en' || primary === 'fr') return primary
  }
  return undefined
}

/**
 * The email that gives the person a service's details: its name and organization, where it is (the
 * address of each place that is not confidential; a confidential place is left for the service to
 * tell), its phones, hours and languages, in one language. Nothing of the case, the hotline's
 * reasons or the person is in it, and its subject says nothing either, for whoever else may see the
 * mailbox.
 */
export function composePersonMail(
  translator: Translator,
  language: Lang,
  service: ServiceForPerson,
): { subject: string; text: string } {
  const t = (key: string, values?: Record<string, unknown>) =>
    translator.t(language, `referrals:personEmail.${key}`, values)
  const open = service.locations.filter((location) => !location.confidential)
  const addresses = [...new Set(open.map((location) => addressOf(location.doc)).filter(Boolean))]
  const withheld = service.locations.length > open.length && addresses.length === 0
  const phones = phonesOf(
    service.serviceDoc,
    ...open.map((location) => location.doc),
    service.organizationDoc,
  )
  const hours = hoursOf(language, service.serviceDoc, ...open.map((location) => location.doc))
  const names = new Intl.DisplayNames([language], { type: 'language' })
  const languages = service.languages.map((code) => names.of(code) ?? code)
  const list = (items: string[]) =>
    new Intl.ListFormat(language === 'fr' ? 'fr-CA' : 'en-CA', { type: 'conjunction' }).format(items)
  const lines = [
    t('greeting'),
    '',
    t('intro'),
    '',
    service.name[language],
    t('organization', { organization: service.organizationName[language] }),
    ...addresses.map((address) => t('address', { address })),
    ...(withheld ? [t('addressWithheld')] : []),
    ...(phones.length > 0 ? [t('phone', { phones: list(phones) })] : []),
    ...(hours.length > 0 ? [t('hours', { hours: hours.join('; ') })] : []),
    ...(languages.length > 0 ? [t('languages', { languages: list(languages) })] : []),
    '',
    t('closing'),
  ]
  return { subject: t('subject'), text: lines.join('\n') }
}
