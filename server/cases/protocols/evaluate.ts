import type {
  CloseBlocker,
  Consent,
  ConsentRule,
  EscalationKind,
  ProtocolDocument,
  ReasonCode,
  Verdict,
} from '../../../common/contracts/escalations.ts'

/**
 * What a case's protocol asks for, decided from its facts alone: pure functions, no database, so
 * every rule is tested on its own. See docs/protocols.md for the rules in words.
 */

/** A person's age in whole years, as far as it is known: exact (min = max), a band, or unknown. */
export interface AgeRange {
  min: number | null
  max: number | null
}

export interface EvaluatedPerson {
  id: string
  /** victim, survivor, concerned_other, professional, or unknown. */
  role: string | null
  age: AgeRange
}

export interface EvaluationInput {
  /** The protocol in force where the case happens; null when its province is not known. */
  protocol: ProtocolDocument | null
  /** The youngest and oldest child-protection ages in force, used when the place is not known. */
  bounds: { requiredUnder: number; mayUnder: number }
  people: readonly EvaluatedPerson[]
  consent: Consent
  imminentDanger: boolean
}

export interface Reason {
  code: ReasonCode
  personId: string | null
  values: Record<string, string | number>
}

export interface KindEvaluation {
  kind: EscalationKind
  verdict: Verdict
  reasons: Reason[]
  personIds: string[]
}

/** Where a person stands against a child-protection age: surely under, maybe under, or not. */
export type AgeStanding = 'under' | 'straddles' | 'discretionary' | 'over' | 'unknown'

/**
 * A person against the ages `requiredUnder` (a report is required below it) and `mayUnder` (a report
 * may be made below it). A band counts as under only when all of it is; a band that reaches both
 * sides of the required age straddles it, and the advocate is asked to confirm the age.
 */
export function ageStanding(age: AgeRange, requiredUnder: number, mayUnder = requiredUnder): AgeStanding {
  const { min, max } = age
  if (min === null && max === null) return 'unknown'
  if (max !== null && max < requiredUnder) return 'under'
  if (min !== null && min >= mayUnder) return 'over'
  if (min !== null && min >= requiredUnder) return 'discretionary'
  return 'straddles'
}

const reason = (code: ReasonCode, personId: string | null = null, values: Reason['values'] = {}): Reason => ({
  code,
  personId,
  values,
})

function ageValues(age: AgeRange): Reason['values'] {
  const values: Reason['values'] = {}
  if (age.min !== null) values.min = age.min
  if (age.max !== null) values.max = age.max
  return values
}

/**
 * Child protection: required when anyone in the case is under the protocol's age; possibly
 * required when someone's band straddles it; allowed when someone is under the discretionary age or
 * of unknown age (the advocate may still report); not applicable when everyone is known to be older.
 * Without a known place, the youngest age in force decides "required" and the oldest "possibly".
 */
export function evaluateChildProtection(input: EvaluationInput): KindEvaluation {
  const rule = input.protocol?.escalations.child_protection
  const requiredUnder = rule?.reportRequiredUnder ?? input.bounds.requiredUnder
  const mayUnder = rule ? (rule.reportMayUnder ?? rule.reportRequiredUnder) : input.bounds.mayUnder
  const reasons: Reason[] = []
  if (!rule) reasons.push(reason('jurisdiction_unknown'))
  if (input.people.length === 0) {
    reasons.push(reason('no_people_recorded'))
    return { kind: 'child_protection', verdict: 'allowed', reasons, personIds: [] }
  }

  const by = { under: [], straddles: [], discretionary: [], unknown: [], over: [] } as Record<
    AgeStanding,
    EvaluatedPerson[]
  >
  for (const person of input.people) {
    // Without a place, anyone between the youngest and oldest ages in force may be a child there.
    const standing = ageStanding(person.age, requiredUnder, rule ? mayUnder : requiredUnder)
    const placed = !rule && standing === 'over' && ageStanding(person.age, mayUnder) !== 'over'
    by[placed ? 'straddles' : standing].push(person)
  }
  for (const person of by.under)
    reasons.push(reason('under_required_age', person.id, { ...ageValues(person.age), age: requiredUnder }))
  for (const person of by.straddles)
    reasons.push(reason('age_band_straddles', person.id, { ...ageValues(person.age), age: requiredUnder }))
  for (const person of by.discretionary)
    reasons.push(reason('under_discretionary_age', person.id, { ...ageValues(person.age), age: mayUnder }))
  for (const person of by.unknown) reasons.push(reason('age_unknown', person.id))

  const ids = (people: EvaluatedPerson[]) => people.map((person) => person.id)
  if (by.under.length > 0)
    return {
      kind: 'child_protection',
      verdict: 'required',
      reasons,
      personIds: ids([...by.under, ...by.straddles]),
    }
  if (by.straddles.length > 0)
    return { kind: 'child_protection', verdict: 'possibly_required', reasons, personIds: ids(by.straddles) }
  if (by.discretionary.length > 0 || by.unknown.length > 0)
    return {
      kind: 'child_protection',
      verdict: 'allowed',
      reasons,
      personIds: ids([...by.discretionary, ...by.unknown]),
    }
  reasons.push(reason('all_adults', null, { age: mayUnder }))
  return { kind: 'child_protection', verdict: 'not_applicable', reasons, personIds: [] }
}

/** The people whose information a tip or a dispatch is about: victims and survivors, else everyone. */
function subjectsOf(people: readonly EvaluatedPerson[]): readonly EvaluatedPerson[] {
  const subjects = people.filter((person) => person.role === 'victim' || person.role === 'survivor')
  return subjects.length > 0 ? subjects : people
}

/**
 * The consent rule shared by tips and dispatch. For children, the child-protection route applies
 * and consent is not the gate. For anyone else (including an unknown or straddling age, so that
 * privacy is the default), consent is needed where the protocol says so, unless imminent danger is
 * recorded and the protocol accepts it as an exception.
 */
function evaluateConsent(
  kind: EscalationKind,
  rule: ConsentRule | null,
  input: EvaluationInput,
): KindEvaluation {
  const requiredUnder =
    input.protocol?.escalations.child_protection.reportRequiredUnder ?? input.bounds.requiredUnder
  const subjects = subjectsOf(input.people)
  const personIds = subjects.map((person) => person.id)
  const reasons: Reason[] = []
  if (!input.protocol) reasons.push(reason('jurisdiction_unknown'))
  const minors = subjects.filter((person) => ageStanding(person.age, requiredUnder) === 'under')
  if (subjects.length > 0 && minors.length === subjects.length) {
    for (const person of minors) reasons.push(reason('subject_is_minor', person.id, { age: requiredUnder }))
    return { kind, verdict: 'allowed', reasons, personIds }
  }
  if (input.imminentDanger) reasons.push(reason('imminent_danger'))
  if (input.consent === 'given') {
    reasons.push(reason('consent_given'))
    return { kind, verdict: 'allowed', reasons, personIds }
  }
  // Without a protocol, the strictest reading: consent needed, imminent danger the only exception.
  const effective: ConsentRule = rule ?? { adults: 'required', imminentDangerException: true }
  if (effective.adults === 'not_required') {
    reasons.push(reason('consent_not_required'))
    return { kind, verdict: 'allowed', reasons, personIds }
  }
  if (input.imminentDanger && effective.imminentDangerException)
    return { kind, verdict: 'allowed', reasons, personIds }
  reasons.push(reason('consent_missing'))
  if (input.imminentDanger) reasons.push(reason('imminent_danger_no_exception'))
  return { kind, verdict: 'refused', reasons, personIds }
}

/** Every escalation kind's verdict for a case, in a fixed order. */
export function evaluateEscalations(input: EvaluationInput): KindEvaluation[] {
  const escalations = input.protocol?.escalations
  return [
    evaluateChildProtection(input),
    evaluateConsent('law_enforcement_tip', escalations?.law_enforcement_tip.consent ?? null, input),
    evaluateConsent('emergency_dispatch', escalations?.emergency_dispatch.consent ?? null, input),
  ]
}

/**
 * What keeps a case from closing: a required (or possibly required) child-protection report for
 * people no completed report covers. `reported` holds the people named by completed reports.
 */
export function closeBlockers(
  childProtection: KindEvaluation,
  reported: ReadonlySet<string>,
): CloseBlocker[] {
  if (childProtection.verdict !== 'required' && childProtection.verdict !== 'possibly_required') return []
  const uncovered = childProtection.personIds.filter((id) => !reported.has(id))
  if (uncovered.length === 0) return []
  const under = new Set(
    childProtection.reasons
      .filter((r) => r.code === 'under_required_age' && r.personId)
      .map((r) => r.personId as string),
  )
  const required = uncovered.filter((id) => under.has(id))
  const toConfirm = uncovered.filter((id) => !under.has(id))
  const blockers: CloseBlocker[] = []
  if (required.length > 0)
    blockers.push({ kind: 'child_protection', code: 'child_protection_report_required', personIds: required })
  if (toConfirm.length > 0)
    blockers.push({ kind: 'child_protection', code: 'child_protection_age_to_confirm', personIds: toConfirm })
  return blockers
}
