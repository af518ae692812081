import { describe, expect, it } from 'vitest'
import type { Consent, ProtocolDocument } from '../../../common/contracts/escalations.ts'
import { nationalBounds, protocolInForce, shippedProtocols } from './catalogue.ts'
import {
  type AgeRange,
  ageStanding,
  closeBlockers,
  type EvaluatedPerson,
  evaluateChildProtection,
  evaluateEscalations,
} from './evaluate.ts'

const shipped = shippedProtocols().map((document) => ({ document, source: 'shipped' as const }))
const today = '2026-12-02'
const bounds = nationalBounds(shipped, today)
const protocol = (province: string) => {
  const found = protocolInForce(shipped, province, today)
  if (!found) throw new Error(`no shipped protocol for ${province}`)
  return found.document
}

let counter = 0
const person = (age: AgeRange | number | null, role: string | null = 'victim'): EvaluatedPerson => {
  counter += 1
  const range =
    typeof age === 'number' ? { min: age, max: age } : age === null ? { min: null, max: null } : age
  return { id: `person-${counter}`, role, age: range }
}

function evaluate(
  province: string | null,
  people: EvaluatedPerson[],
  flags: { consent?: Consent; imminentDanger?: boolean } = {},
  document: ProtocolDocument | null = province ? protocol(province) : null,
) {
  const kinds = evaluateEscalations({
    protocol: document,
    bounds,
    people,
    consent: flags.consent ?? 'not_asked',
    imminentDanger: flags.imminentDanger ?? false,
  })
  const [childProtection, tip, dispatch] = kinds
  return { childProtection: childProtection!, tip: tip!, dispatch: dispatch! }
}

describe('the shipped example protocols', () => {
  it('require a child-protection report for a 15-year-old in Ontario', () => {
    const child = person(15)
    const { childProtection } = evaluate('ON', [child])
    expect(childProtection.verdict).toBe('required')
    expect(childProtection.personIds).toEqual([child.id])
    expect(childProtection.reasons).toContainEqual({
      code: 'under_required_age',
      personId: child.id,
      values: { min: 15, max: 15, age: 16 },
    })
  })

  it('require a child-protection report for a 17-year-old in Quebec', () => {
    const youth = person(17)
    expect(evaluate('QC', [youth]).childProtection.verdict).toBe('required')
  })

  it('do not require one for a 17-year-old in Ontario, where a report may still be made', () => {
    const youth = person(17)
    const { childProtection } = evaluate('ON', [youth])
    expect(childProtection.verdict).toBe('allowed')
    expect(childProtection.reasons.map((r) => r.code)).toEqual(['under_discretionary_age'])
  })

  it('refuse an adult’s tip without consent unless imminent danger is recorded', () => {
    for (const province of ['ON', 'QC']) {
      const adult = person(30)
      expect(evaluate(province, [adult]).tip.verdict).toBe('refused')
      expect(evaluate(province, [adult], { consent: 'refused' }).tip.verdict).toBe('refused')
      expect(evaluate(province, [adult], { consent: 'refused' }).tip.reasons.map((r) => r.code)).toEqual([
        'consent_missing',
      ])
      const danger = evaluate(province, [adult], { consent: 'refused', imminentDanger: true }).tip
      expect(danger.verdict).toBe('allowed')
      expect(danger.reasons.map((r) => r.code)).toEqual(['imminent_danger'])
      expect(evaluate(province, [adult], { consent: 'given' }).tip.verdict).toBe('allowed')
    }
  })

  it('cover every province and territory, each with its own child-protection age', () => {
    const provinces = shipped.map((p) => p.document.jurisdiction.province).sort()
    expect(provinces).toEqual(['AB', 'BC', 'MB', 'NB', 'NL', 'NS', 'NT', 'NU', 'ON', 'PE', 'QC', 'SK', 'YT'])
    const ages = Object.fromEntries(
      shipped.map((p) => [
        p.document.jurisdiction.province,
        p.document.escalations.child_protection.reportRequiredUnder,
      ]),
    )
    expect(ages).toMatchObject({ ON: 16, QC: 18, BC: 19, YT: 19, NU: 16, NT: 16 })
  })

  it.each([
    ['YT', 18, 'required'],
    ['BC', 18, 'required'],
    ['NT', 17, 'allowed'],
    ['NU', 15, 'required'],
    ['AB', 18, 'not_applicable'],
    ['NS', 19, 'not_applicable'],
  ] as const)('in %s, someone aged %i gives %s', (province, age, verdict) => {
    expect(evaluate(province, [person(age)]).childProtection.verdict).toBe(verdict)
  })
})

describe('age bands against a child-protection age', () => {
  it.each([
    [{ min: 12, max: 15 }, 16, 18, 'under'],
    [{ min: 15, max: 17 }, 16, 18, 'straddles'],
    [{ min: null, max: 17 }, 16, 18, 'straddles'],
    [{ min: 16, max: 17 }, 16, 18, 'discretionary'],
    [{ min: 16, max: 19 }, 16, 18, 'discretionary'],
    [{ min: 18, max: 24 }, 16, 18, 'over'],
    [{ min: 18, max: null }, 18, 18, 'over'],
    [{ min: 17, max: null }, 18, 18, 'straddles'],
    [{ min: null, max: null }, 18, 18, 'unknown'],
    [{ min: 17, max: 17 }, 18, 18, 'under'],
  ] as const)('%o against %i (may report under %i) is %s', (age, required, may, standing) => {
    expect(ageStanding(age, required, may)).toBe(standing)
  })

  it('a band entirely under the age requires a report', () => {
    expect(evaluate('ON', [person({ min: 12, max: 15 })]).childProtection.verdict).toBe('required')
  })

  it('a band straddling the age makes it possibly required, naming the person whose age to confirm', () => {
    const teen = person({ min: 15, max: 17 })
    const { childProtection } = evaluate('ON', [teen])
    expect(childProtection.verdict).toBe('possibly_required')
    expect(childProtection.personIds).toEqual([teen.id])
    expect(childProtection.reasons).toEqual([
      { code: 'age_band_straddles', personId: teen.id, values: { min: 15, max: 17, age: 16 } },
    ])
  })

  it('an adult band makes it not applicable', () => {
    const { childProtection } = evaluate('QC', [person({ min: 18, max: 24 }), person(40)])
    expect(childProtection.verdict).toBe('not_applicable')
    expect(childProtection.reasons.map((r) => r.code)).toEqual(['all_adults'])
  })
})

describe('missing facts', () => {
  it('an unknown age never requires a report, but one may be made', () => {
    const unknown = person(null)
    const { childProtection } = evaluate('ON', [unknown])
    expect(childProtection.verdict).toBe('allowed')
    expect(childProtection.reasons).toEqual([{ code: 'age_unknown', personId: unknown.id, values: {} }])
  })

  it('no people recorded: a report may be made, nothing is required', () => {
    const { childProtection, tip } = evaluate('QC', [])
    expect(childProtection.verdict).toBe('allowed')
    expect(childProtection.reasons.map((r) => r.code)).toEqual(['no_people_recorded'])
    expect(tip.verdict).toBe('refused')
  })

  it('one child among adults is enough', () => {
    const child = person(14, 'victim')
    const { childProtection } = evaluate('ON', [person(35, 'concerned_other'), child, person(40, 'victim')])
    expect(childProtection.verdict).toBe('required')
    expect(childProtection.personIds).toEqual([child.id])
  })

  it('a child of any role counts, the caller included', () => {
    expect(evaluate('QC', [person(16, 'concerned_other')]).childProtection.verdict).toBe('required')
  })

  it('an unknown place: under the youngest age in force requires, up to the oldest possibly requires', () => {
    expect(bounds).toEqual({ requiredUnder: 16, mayUnder: 19 })
    const young = evaluate(null, [person(15)]).childProtection
    expect(young.verdict).toBe('required')
    expect(young.reasons.map((r) => r.code)).toEqual(['jurisdiction_unknown', 'under_required_age'])
    expect(evaluate(null, [person(17)]).childProtection.verdict).toBe('possibly_required')
    expect(evaluate(null, [person(18)]).childProtection.verdict).toBe('possibly_required')
    expect(evaluate(null, [person(19)]).childProtection.verdict).toBe('not_applicable')
  })

  it('an unknown place still needs an adult’s consent for a tip', () => {
    expect(evaluate(null, [person(30)]).tip.verdict).toBe('refused')
    expect(evaluate(null, [person(30)], { imminentDanger: true }).tip.verdict).toBe('allowed')
  })
})

describe('law-enforcement tips and dispatch', () => {
  it('a tip about a child is not gated on consent: the child-protection route applies', () => {
    const child = person(12)
    const { tip } = evaluate('ON', [child])
    expect(tip.verdict).toBe('allowed')
    expect(tip.reasons).toEqual([{ code: 'subject_is_minor', personId: child.id, values: { age: 16 } }])
  })

  it('an unknown or straddling age is treated as an adult’s: consent is needed', () => {
    expect(evaluate('ON', [person(null)]).tip.verdict).toBe('refused')
    expect(evaluate('ON', [person({ min: 15, max: 17 })]).tip.verdict).toBe('refused')
  })

  it('the subjects are the victims and survivors, not the concerned caller', () => {
    const { tip } = evaluate('QC', [person(12, 'concerned_other'), person(30, 'survivor')])
    expect(tip.verdict).toBe('refused')
    expect(tip.personIds).toHaveLength(1)
  })

  it('a jurisdiction that objects to adults’ tips without consent refuses them even in imminent danger', () => {
    const strict = structuredClone(protocol('ON'))
    strict.escalations.law_enforcement_tip.consent = { adults: 'required', imminentDangerException: false }
    const { tip } = evaluate('ON', [person(30)], { imminentDanger: true }, strict)
    expect(tip.verdict).toBe('refused')
    expect(tip.reasons.map((r) => r.code)).toEqual([
      'imminent_danger',
      'consent_missing',
      'imminent_danger_no_exception',
    ])
    expect(evaluate('ON', [person(30)], { consent: 'given' }, strict).tip.verdict).toBe('allowed')
  })

  it('a jurisdiction without a consent rule for tips allows them', () => {
    const open = structuredClone(protocol('QC'))
    open.escalations.law_enforcement_tip.consent = { adults: 'not_required', imminentDangerException: true }
    const { tip } = evaluate('QC', [person(30)], {}, open)
    expect(tip.verdict).toBe('allowed')
    expect(tip.reasons.map((r) => r.code)).toEqual(['consent_not_required'])
  })

  it('emergency dispatch is always at hand in the shipped protocols, noting imminent danger', () => {
    expect(evaluate('ON', [person(30)]).dispatch.verdict).toBe('allowed')
    const { dispatch } = evaluate('QC', [person(30)], { imminentDanger: true })
    expect(dispatch.verdict).toBe('allowed')
    expect(dispatch.reasons.map((r) => r.code)).toEqual(['imminent_danger', 'consent_not_required'])
  })

  it('no escalation kind is ever required but child protection', () => {
    const everyone = [person(10), person(30), person(null), person({ min: 15, max: 17 })]
    for (const province of ['ON', 'QC', 'BC', null]) {
      for (const consent of ['given', 'refused', 'not_asked'] as const) {
        for (const imminentDanger of [true, false]) {
          const { tip, dispatch } = evaluate(province, everyone, { consent, imminentDanger })
          expect(tip.verdict).not.toMatch(/required/)
          expect(dispatch.verdict).not.toMatch(/required/)
        }
      }
    }
  })
})

describe('what keeps a case from closing', () => {
  it('a required report nobody has recorded, then nothing once it is', () => {
    const child = person(15)
    const evaluation = evaluateChildProtection({
      protocol: protocol('ON'),
      bounds,
      people: [child],
      consent: 'not_asked',
      imminentDanger: false,
    })
    expect(closeBlockers(evaluation, new Set())).toEqual([
      { kind: 'child_protection', code: 'child_protection_report_required', personIds: [child.id] },
    ])
    expect(closeBlockers(evaluation, new Set([child.id]))).toEqual([])
  })

  it('a straddling band asks for the age to be confirmed; an unknown age does not block', () => {
    const teen = person({ min: 15, max: 17 })
    const unknown = person(null)
    const evaluation = evaluateChildProtection({
      protocol: protocol('ON'),
      bounds,
      people: [teen, unknown],
      consent: 'not_asked',
      imminentDanger: false,
    })
    expect(closeBlockers(evaluation, new Set())).toEqual([
      { kind: 'child_protection', code: 'child_protection_age_to_confirm', personIds: [teen.id] },
    ])
  })

  it('a report covering one child leaves the other child blocking', () => {
    const first = person(10)
    const second = person(12)
    const evaluation = evaluateChildProtection({
      protocol: protocol('QC'),
      bounds,
      people: [first, second],
      consent: 'not_asked',
      imminentDanger: false,
    })
    expect(closeBlockers(evaluation, new Set([first.id]))).toEqual([
      { kind: 'child_protection', code: 'child_protection_report_required', personIds: [second.id] },
    ])
  })

  it('adults only: nothing blocks', () => {
    const evaluation = evaluateChildProtection({
      protocol: protocol('ON'),
      bounds,
      people: [person(17), person(40)],
      consent: 'not_asked',
      imminentDanger: false,
    })
    expect(closeBlockers(evaluation, new Set())).toEqual([])
  })
})
