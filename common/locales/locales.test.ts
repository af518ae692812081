import { IntlMessageFormat } from 'intl-messageformat'
import { describe, expect, it } from 'vitest'
import { loadLocaleResources } from '../../server/http/i18n.ts'

function flatten(value: unknown, prefix = ''): Map<string, string> {
  const keys = new Map<string, string>()
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key
    if (child && typeof child === 'object') for (const [k, v] of flatten(child, path)) keys.set(k, v)
    else keys.set(path, String(child))
  }
  return keys
}

const resources = loadLocaleResources()
const bundles = Object.fromEntries(
  Object.entries(resources).map(([language, namespaces]) => [language, flatten(namespaces)]),
)

describe('locale files', () => {
  it('include English and French', () => {
    expect(Object.keys(bundles)).toEqual(expect.arrayContaining(['en', 'fr']))
  })

  it('give French every key English has, and no other', () => {
    const en = [...bundles.en!.keys()].sort()
    const fr = [...bundles.fr!.keys()].sort()
    expect(
      en.filter((key) => !bundles.fr!.has(key)),
      'missing in French',
    ).toEqual([])
    expect(
      fr.filter((key) => !bundles.en!.has(key)),
      'missing in English',
    ).toEqual([])
  })

  it('hold only keys English also has, in any further language', () => {
    for (const [language, keys] of Object.entries(bundles)) {
      const extra = [...keys.keys()].filter((key) => !bundles.en!.has(key))
      expect(extra, `keys of ${language} unknown in English`).toEqual([])
    }
  })

  it('are valid ICU messages with the same placeholders in every language', () => {
    const placeholders = (message: string, locale: string) => {
      const names = new Set<string>()
      const walk = (nodes: unknown[]) => {
        for (const node of nodes as {
          type: number
          value?: string
          options?: Record<string, { value: unknown[] }>
        }[]) {
          if (node.value && node.type !== 0) names.add(node.value)
          for (const option of Object.values(node.options ?? {})) walk(option.value)
        }
      }
      walk(new IntlMessageFormat(message, locale).getAst())
      return [...names].sort()
    }
    for (const [language, keys] of Object.entries(bundles)) {
      for (const [key, message] of keys) {
        const english = bundles.en!.get(key)
        expect(() => placeholders(message, language), `${language}:${key}`).not.toThrow()
        if (english !== undefined) {
          expect(placeholders(message, language), `${language}:${key}`).toEqual(placeholders(english, 'en'))
        }
      }
    }
  })
})
