import type { i18n, Resource } from 'i18next'
import { initReactI18next } from 'react-i18next'
import { createI18n, negotiateLocale } from '../../common/i18n.ts'

// Every language folder under common/locales is bundled: a translator adds a language by adding a
// folder, with no code to touch.
const files = import.meta.glob<Record<string, unknown>>('../../common/locales/*/*.json', {
  eager: true,
  import: 'default',
})

function loadResources(): Resource {
  const resources: Resource = {}
  for (const [file, messages] of Object.entries(files)) {
    const match = /locales\/([^/]+)\/([^/]+)\.json$/.exec(file)
    if (!match) continue
    const [, language, namespace] = match as unknown as [string, string, string]
    resources[language] ??= {}
    resources[language][namespace] = messages
  }
  return resources
}

export const resources = loadResources()
export const supportedLocales = Object.keys(resources)

/** The browser's preferred language among those Relais speaks; English otherwise. */
export function browserLocale(): string {
  return negotiateLocale(navigator.languages ?? [navigator.language], supportedLocales)
}

/** Keeps <html lang> and the document title in step with the interface language. */
function reflectLanguage(instance: i18n, titleKey: string) {
  const apply = () => {
    document.documentElement.lang = instance.language
    document.title = instance.t(titleKey)
  }
  apply()
  instance.on('languageChanged', apply)
}

export async function startI18n(titleKey: string): Promise<i18n> {
  const instance = await createI18n(resources, { lng: browserLocale(), plugins: [initReactI18next] })
  reflectLanguage(instance, titleKey)
  return instance
}
