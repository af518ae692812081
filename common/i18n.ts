import i18next, { type i18n, type Module, type Resource } from 'i18next'
import ICU from 'i18next-icu'

export const defaultLocale = 'en'

/**
 * Creates an i18next instance with ICU message syntax over the given resources; the web apps pass
 * react-i18next's binding as a plugin.
 */
export async function createI18n(
  resources: Resource,
  { lng = defaultLocale, plugins = [] }: { lng?: string; plugins?: Module[] } = {},
): Promise<i18n> {
  const instance = i18next.createInstance().use(ICU)
  for (const plugin of plugins) instance.use(plugin)
  await instance.init({
    resources,
    lng,
    fallbackLng: defaultLocale,
    supportedLngs: Object.keys(resources),
    // Every namespace present in the resources: a module adds its own locale file, no list to edit.
    ns: [...new Set(Object.values(resources).flatMap((bundle) => Object.keys(bundle)))],
    defaultNS: 'common',
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
  })
  return instance
}

/** Picks the best supported locale from an Accept-Language header or a list of preferences. */
export function negotiateLocale(preferences: readonly string[], supported: readonly string[]): string {
  for (const preference of preferences) {
    const tag = preference.toLowerCase()
    if (supported.includes(tag)) return tag
    const base = tag.split('-')[0]
    if (base && supported.includes(base)) return base
  }
  return defaultLocale
}

/** Parses an Accept-Language header into tags, most preferred first. */
export function parseAcceptLanguage(header: string | undefined): string[] {
  if (!header) return []
  return header
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';')
      const q = params.find((param) => param.trim().startsWith('q='))
      return { tag: (tag ?? '').trim(), q: q ? Number(q.trim().slice(2)) : 1 }
    })
    .filter((entry) => entry.tag && entry.tag !== '*' && Number.isFinite(entry.q) && entry.q > 0)
    .sort((a, b) => b.q - a.q)
    .map((entry) => entry.tag)
}
