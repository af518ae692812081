import { describe, expect, it } from 'vitest'
import { relaisTaxonomyTerms, SERVICE_TYPE } from '../../server/directory/taxonomies.ts'
import { loadLocaleResources } from '../../server/http/i18n.ts'
import { needKinds } from '../contracts/cases.ts'
import { readStandard, usedFields } from './generate.ts'
import { genders, htcdsFields } from './index.ts'

const standard = readStandard()
const locales = loadLocaleResources()
type Labels = Record<string, Record<string, string>>
const casesIn = (language: string) => locales[language]!.cases as Record<string, Labels>

describe('HTCDS code lists', () => {
  it('are the standard file’s value names, verbatim and in its order', () => {
    for (const name of usedFields) {
      expect(htcdsFields[name].values, name).toEqual(standard.get(name)!.values.map((value) => value.name))
      expect(htcdsFields[name].label, name).toBe(standard.get(name)!.label)
    }
  })

  it('give every code the standard’s English label and a French one', () => {
    for (const name of usedFields) {
      const english = casesIn('en').htcds![name]!
      const french = casesIn('fr').htcds![name]!
      for (const value of standard.get(name)!.values) {
        expect(english[value.name], `en ${name}.${value.name}`).toBe(value.label)
        expect(french[value.name]?.trim(), `fr ${name}.${value.name}`).toBeTruthy()
      }
      expect(Object.keys(english).sort()).toEqual([...htcdsFields[name].values].sort())
    }
  })

  it('leave "not specified / unknown" to the answer state, not to the gender a person gives', () => {
    expect(genders).not.toContain('NonSpecifiedUnknown')
    expect(genders).toHaveLength(htcdsFields.prs_Gender.values.length - 1)
  })
})

describe('Relais code lists', () => {
  it('label every code in English and French', () => {
    for (const language of ['en', 'fr']) {
      const labels = casesIn(language)
      for (const [list, values] of Object.entries(labels)) {
        if (list === 'htcds') continue
        for (const [code, label] of Object.entries(values as unknown as Record<string, string>)) {
          expect(label.trim(), `${language} ${list}.${code}`).not.toBe('')
        }
      }
      expect(Object.keys(labels.needKind!).sort()).toEqual([...needKinds].sort())
    }
  })

  it('name needs by the directory’s service types, with the directory’s own labels', () => {
    const terms = new Map(
      relaisTaxonomyTerms
        .filter((term) => term.taxonomyId === SERVICE_TYPE)
        .map((term) => [term.code, term.name]),
    )
    for (const kind of needKinds) {
      expect(terms.has(kind), kind).toBe(true)
      expect(casesIn('en').needKind![kind], kind).toBe(terms.get(kind)!.en)
      expect(casesIn('fr').needKind![kind], kind).toBe(terms.get(kind)!.fr)
    }
  })
})
