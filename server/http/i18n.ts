import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { i18n, Resource } from 'i18next'
import { createI18n, negotiateLocale, parseAcceptLanguage } from '../../common/i18n.ts'

const localesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../common/locales')

/** Reads every `common/locales/<language>/<namespace>.json`: a new language is a new folder. */
export function loadLocaleResources(dir = localesDir): Resource {
  const resources: Resource = {}
  for (const language of readdirSync(dir, { withFileTypes: true })) {
    if (!language.isDirectory()) continue
    const bundle: Record<string, Record<string, unknown>> = {}
    for (const file of readdirSync(path.join(dir, language.name))) {
      if (!file.endsWith('.json')) continue
      bundle[file.replace(/\.json$/, '')] = JSON.parse(
        readFileSync(path.join(dir, language.name, file), 'utf8'),
      )
    }
    resources[language.name] = bundle
  }
  return resources
}

export interface Translator {
  readonly locales: readonly string[]
  /** Translates a key (namespace:key) in the locale, with ICU values. */
  t(locale: string, key: string, values?: Record<string, unknown>): string
  /** The caller's locale: an explicit `lang` wins, then Accept-Language, then English. */
  localeFor(acceptLanguage: string | undefined, explicit?: string): string
}

export async function createTranslator(): Promise<Translator> {
  const resources = loadLocaleResources()
  const instance: i18n = await createI18n(resources)
  const locales = Object.keys(resources)
  const fixed = new Map(locales.map((locale) => [locale, instance.getFixedT(locale)]))
  return {
    locales,
    t(locale, key, values) {
      const t = fixed.get(locale) ?? fixed.get('en')!
      return t(key, values ?? {})
    },
    localeFor(acceptLanguage, explicit) {
      const preferences = explicit
        ? [explicit, ...parseAcceptLanguage(acceptLanguage)]
        : parseAcceptLanguage(acceptLanguage)
      return negotiateLocale(preferences, locales)
    },
  }
}
