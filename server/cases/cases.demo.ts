import type { Insertable, Kysely } from 'kysely'
import { sql } from 'kysely'
import {
  type Age,
  type AgeBand,
  type Answer,
  type CommunitySize,
  type ExploiterRelationship,
  type NeedKind,
  type NeedStatus,
  type PersonRole,
  type ResidencyStatus,
  type SafetyStatus,
  unansweredStates,
} from '../../common/contracts/cases.ts'
import type { EscalationKind, Outcome, ShareableField } from '../../common/contracts/escalations.ts'
import type { ProvinceCode } from '../../common/geography.ts'
import type {
  Gender,
  Industry,
  MethodOfControl,
  OnlinePlatform,
  RecruitmentMethod,
  TraffickingStatus,
  TraffickingType,
} from '../../common/htcds/index.ts'
import { appendAuditEvent } from '../audit/audit.store.ts'
import type { Secrets } from '../crypto/secrets.ts'
import type { DB } from '../db/schema.ts'
import type { DemoContext, Random } from '../demo/demo.ts'
import { provinceShares } from '../directory/demo/generate.ts'
import { type Municipality, municipalities } from '../directory/demo/municipalities.ts'
import { findResponsibleAgencies } from '../directory/directory.search.ts'
import { demoEmail } from '../identity/identity.demo.ts'
import { contactIndex } from '../intake/intake.service.ts'
import type { Channel, Classification, ContactKind } from '../intake/intake.tables.ts'
import { queueName } from '../intake/signals.ts'
import { ageColumns, answerColumns } from './cases.answers.ts'
import type { StoredProtocol } from './protocols/catalogue.ts'
import { nationalBounds, protocolInForce } from './protocols/catalogue.ts'
import { allProtocols } from './protocols/escalations.service.ts'
import { agencyRecord } from './protocols/escalations.store.ts'
import { type EvaluatedPerson, evaluateChildProtection, evaluateEscalations } from './protocols/evaluate.ts'

/**
 * The cases module's share of the demo: a year of the line's history before today's (which the
 * intake demo writes). Signals on every channel in the hotline's proportions, classified at wrap-up;
 * a case for each trafficking-related conversation, some gathering a call back or a second caller;
 * what the people chose to share, needs with their progress, sealed notes; and a few escalations
 * under the shipped protocols (child-protection reports in Ontario and Quebec, a tip with consent,
 * an emergency dispatch) to agencies the demo directory holds for the place.
 *
 * Two steps: `planCaseDemo` decides every row from the seeded generator (pure, so a seed always gives
 * the same plan), then `writeCaseDemo` seals what is personal and writes the rows in bulk, in one
 * transaction. Old signals not about trafficking keep their bodies and addresses here: retention
 * purges them at start, as it would have done over the year.
 */

/** The numbers the demo is built to: exact, so the demo and its test agree on them. */
export const caseDemoDesign = {
  signals: 2000,
  /** 72 % by phone, as at the hotline; then web chat, SMS, email, the web form and WhatsApp. */
  channels: { voice: 1440, web_chat: 220, sms: 120, email: 100, web_form: 80, whatsapp: 40 },
  /** Hung up or left before an advocate answered: never classified. */
  abandoned: 100,
  classifications: {
    trafficking: 210,
    non_trafficking_concern: 520,
    information_request: 760,
    other: 410,
  },
  cases: 150,
  /** How many cases gather 1, 2, 3 or 4 signals: 105 + 2×33 + 3×9 + 4×3 = 210 trafficking signals. */
  signalsPerCase: { 1: 105, 2: 33, 3: 9, 4: 3 },
  /** The history ends a day before now, where the intake demo's day begins. */
  days: 365,
} as const satisfies {
  channels: Record<Channel, number>
  classifications: Record<Classification, number>
  signalsPerCase: Record<number, number>
  [key: string]: unknown
}

const DAY = 86_400_000
const MINUTE = 60_000

// ---------------------------------------------------------------------------------------------------
// Plan rows: the table's row, with a `Plain` where a sealed column goes (sealed when written)

/** Text the writer seals before it is stored: the plan never holds a sealed value. */
export interface Plain {
  plain: string
}
type Planned<T> = { [K in keyof T]: T[K] extends string | null | undefined ? T[K] | Plain : T[K] }
type Row<T extends keyof DB> = Planned<Insertable<DB[T]>>

export interface CaseDemoPlan {
  contacts: Omit<Row<'intake_contact'>, 'blind_index'>[]
  signals: Row<'intake_signal'>[]
  messages: Row<'intake_message'>[]
  cases: Row<'case_file'>[]
  workers: Row<'case_worker'>[]
  caseSignals: Row<'case_signal'>[]
  people: Row<'case_person'>[]
  exploiters: Row<'case_exploiter'>[]
  needs: Row<'case_need'>[]
  notes: Row<'case_note'>[]
  escalations: Row<'case_escalation'>[]
  escalationPeople: Row<'case_escalation_person'>[]
  steps: Row<'case_escalation_step'>[]
  /** The last case number given per year, for the counter. */
  caseNumbers: Map<number, number>
}

/** An agency as an escalation copies it from the directory. */
export interface DemoAgency {
  id: string
  kind: string
  name_en: string | null
  name_fr: string | null
  emergency_phone: string | null
}

export interface CaseDemoInput {
  random: Random
  now: Date
  staff: { advocate: string; supervisor: string }
  protocols: readonly StoredProtocol[]
  /** The agency each escalating scenario contacts, by scenario index. */
  agencies: ReadonlyMap<number, DemoAgency>
  /** The case numbers already given per year (none in an empty database). */
  lastCaseNumbers?: ReadonlyMap<number, number>
}

// ---------------------------------------------------------------------------------------------------
// Scenarios: cases written to show the protocols at work, each at a place of the demo gazetteer

type Profile = 'sex' | 'labour' | 'servitude' | 'marriage' | 'unknown'

export interface Scenario {
  place: string
  profile: Profile
  daysAgo: number
  open: boolean
  /** The age of the young person at the centre of the case. */
  minor?: Age
  /** Who reached the line about them, when not the person themselves. */
  caller?: 'concerned_other' | 'professional'
  safety?: SafetyStatus
  escalation?: {
    kind: EscalationKind
    /** Steps done so far when in progress; all of them, outcome and review when completed. */
    stage: 'in_progress' | 'completed'
    review?: 'approved' | 'pending'
    consent: 'given' | 'refused' | 'not_asked'
    imminentDanger: boolean
    outcome?: Outcome
    shared?: readonly ShareableField[]
  }
}

const childReport = (review: 'approved' | 'pending') =>
  ({
    kind: 'child_protection',
    stage: 'completed',
    review,
    consent: 'not_asked',
    imminentDanger: false,
    outcome: 'reported',
    shared: ['age', 'gender', 'location', 'situation', 'safety_concerns'],
  }) as const

/**
 * Reports under both example protocols (Ontario's required age is 16, Quebec's 18), one still being
 * made, one awaiting a supervisor; a 17-year-old in Ontario with no report required; an adult's tip
 * with her consent; a dispatch for someone in danger.
 */
export const scenarios: readonly Scenario[] = [
  {
    place: 'on-toronto',
    profile: 'sex',
    daysAgo: 160,
    open: false,
    minor: { years: 15 },
    caller: 'concerned_other',
    escalation: childReport('approved'),
  },
  {
    place: 'on-hamilton',
    profile: 'sex',
    daysAgo: 95,
    open: false,
    minor: { years: 14 },
    escalation: childReport('approved'),
  },
  {
    place: 'on-ottawa',
    profile: 'sex',
    daysAgo: 2,
    open: true,
    minor: { band: '12_15' },
    caller: 'professional',
    safety: 'unsure',
    escalation: {
      kind: 'child_protection',
      stage: 'in_progress',
      consent: 'not_asked',
      imminentDanger: false,
      shared: ['age', 'location', 'situation'],
    },
  },
  {
    place: 'qc-montreal',
    profile: 'sex',
    daysAgo: 130,
    open: false,
    minor: { years: 17 },
    escalation: childReport('approved'),
  },
  {
    place: 'qc-laval',
    profile: 'sex',
    daysAgo: 4,
    open: true,
    minor: { years: 16 },
    caller: 'professional',
    escalation: childReport('pending'),
  },
  {
    place: 'qc-quebec',
    profile: 'labour',
    daysAgo: 70,
    open: false,
    minor: { band: '16_17' },
    escalation: childReport('approved'),
  },
  { place: 'on-london', profile: 'sex', daysAgo: 110, open: false, minor: { years: 17 } },
  {
    place: 'ab-calgary',
    profile: 'labour',
    daysAgo: 20,
    open: true,
    escalation: {
      kind: 'law_enforcement_tip',
      stage: 'completed',
      review: 'pending',
      consent: 'given',
      imminentDanger: false,
      outcome: 'reported',
      shared: ['location', 'situation', 'exploiter_details'],
    },
  },
  {
    place: 'bc-surrey',
    profile: 'sex',
    daysAgo: 45,
    open: false,
    safety: 'no',
    escalation: {
      kind: 'emergency_dispatch',
      stage: 'completed',
      consent: 'not_asked',
      imminentDanger: true,
      outcome: 'assistance_dispatched',
    },
  },
]

// ---------------------------------------------------------------------------------------------------
// Words (invented; the people are never named)

type Lang = 'en' | 'fr'
type Texts = Record<Lang, readonly string[]>

const openings: Record<Classification, Texts> = {
  trafficking: {
    en: [
      'My boss keeps my passport and says I owe him for the trip.',
      'My boyfriend makes me see men and keeps all the money. I can’t talk long.',
      'We work fourteen hours a day on the farm and the employer holds our papers.',
      'A girl I work with says she has to pay back a debt by going to parties with older men.',
      'I’m a nurse. A patient told me her employer locks her in the house.',
      'He posts ads for me online and I’m not allowed to keep my phone.',
    ],
    fr: [
      'Mon employeur garde mon passeport et dit que je lui dois le voyage.',
      'Mon chum m’oblige à voir des clients et garde tout l’argent. Je ne peux pas parler longtemps.',
      'On travaille quatorze heures par jour à la ferme et le patron garde nos papiers.',
      'Une amie de ma fille dit qu’elle doit rembourser une dette en allant dans des partys.',
      'Je suis intervenante. Une jeune me dit qu’on l’empêche de quitter l’appartement.',
    ],
  },
  non_trafficking_concern: {
    en: [
      'My employer hasn’t paid my overtime for two months. What can I do?',
      'I’m worried about a coworker whose partner is very controlling.',
      'My landlord is threatening to evict me and keeps my deposit.',
      'Someone online is asking my son for pictures. Who should I call?',
    ],
    fr: [
      'Mon employeur ne me paie pas mes heures supplémentaires depuis deux mois.',
      'Je m’inquiète pour une voisine, son conjoint la contrôle beaucoup.',
      'Mon propriétaire menace de m’expulser et garde mon dépôt.',
    ],
  },
  information_request: {
    en: [
      'What are the signs of human trafficking? I’m preparing a training for our staff.',
      'Can you send me information about services for survivors in my region?',
      'Is this line confidential? I want to understand how it works before I say more.',
      'I’m a teacher. How do I talk to my students about online recruitment?',
    ],
    fr: [
      'Quels sont les signes de la traite des personnes? Je prépare une formation.',
      'Pouvez-vous m’envoyer de l’information sur les services pour les survivantes dans ma région?',
      'Est-ce que cette ligne est confidentielle?',
    ],
  },
  other: {
    en: ['Sorry, wrong number.', 'Hello? Is anyone there?', 'I’d like to volunteer with your organization.'],
    fr: ['Désolé, mauvais numéro.', 'Allô? Il y a quelqu’un?', 'J’aimerais faire du bénévolat avec vous.'],
  },
}

const noteTexts: Texts = {
  en: [
    'Safe tonight, staying with a friend. Agreed to talk again on Thursday; code word confirmed.',
    'Went over options without pressure: shelter, counselling, legal information. Wants time to think.',
    'Documents held by the employer. Explained labour standards and the open work permit for vulnerable workers.',
    'Warm transfer to the shelter’s intake worker; a bed is available from tomorrow.',
    'Follow-up call: connected with counselling, first appointment next week.',
    'Does not want police involvement. Respected; explained how a tip would work if that changes.',
    'Planned how to leave after the shift, while the manager is away.',
    'Asked that we only call on weekday mornings. Noted in the safe-contact preferences.',
  ],
  fr: [
    'En sécurité ce soir, chez une amie. Nous reparlerons jeudi; mot code confirmé.',
    'Options présentées sans pression : hébergement, soutien psychologique, information juridique. Veut y réfléchir.',
    'Papiers gardés par l’employeur. Expliqué les normes du travail et le permis ouvert pour travailleurs vulnérables.',
    'Transfert accompagné vers l’intervenante de la maison d’hébergement; une place est libre dès demain.',
    'Appel de suivi : en lien avec une thérapeute, premier rendez-vous la semaine prochaine.',
    'Ne veut pas que la police soit impliquée. Respecté; expliqué comment un signalement fonctionnerait.',
    'Planifié comment partir après le quart de travail, pendant l’absence du gérant.',
  ],
}

const closureTexts: Texts = {
  en: [
    'Connected with services; no further support wanted from the line.',
    'No contact after three follow-up attempts, as agreed with the person.',
    'Supported by a local anti-trafficking organization, with consent.',
  ],
  fr: [
    'En lien avec les services; ne souhaite plus de soutien de la ligne.',
    'Aucun contact après trois tentatives de suivi, comme convenu avec la personne.',
    'Accompagnée par un organisme local de lutte contre la traite, avec son consentement.',
  ],
}

const safetyPlans: Record<Lang, { plan: string; safePlace: string; supports: string }[]> = {
  en: [
    {
      plan: 'Keep the phone charged and hidden; leave by the back door if he comes back early; call 911 if threatened.',
      safePlace: 'The women’s shelter downtown, open 24/7',
      supports: 'Her sister; the shelter’s outreach worker',
    },
    {
      plan: 'Pack documents and medication in one bag at work; take the bus to the drop-in after the shift.',
      safePlace: 'A friend’s apartment across town',
      supports: 'Settlement worker; the line’s advocate',
    },
  ],
  fr: [
    {
      plan: 'Garder le téléphone chargé et caché; sortir par l’arrière s’il revient plus tôt; faire le 911 en cas de menace.',
      safePlace: 'La maison d’hébergement du centre-ville, ouverte 24/7',
      supports: 'Sa sœur; l’intervenante de proximité',
    },
  ],
}

const codeWords = ['blue heron', 'maple', 'lighthouse', 'tulip', 'héron', 'érable', 'boussole']
const safeTimes: Texts = {
  en: ['Weekday mornings', 'After 8 pm', 'Saturdays only', 'Between 1 and 3 pm'],
  fr: ['En semaine, le matin', 'Après 20 h', 'Le samedi seulement', 'Entre 13 h et 15 h'],
}
const features = {
  tattoos: { en: 'Crown tattoo on the right hand', fr: 'Tatouage de couronne sur la main droite' },
  piercings: { en: 'Eyebrow piercing', fr: 'Perçage au sourcil' },
  vehicle: { en: 'Black pickup truck with a ladder rack', fr: 'Camionnette noire avec porte-échelle' },
}

// ---------------------------------------------------------------------------------------------------
// Choices

function weighted<T>(random: Random, entries: readonly (readonly [T, number])[]): T {
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0)
  let roll = random.next() * total
  for (const [value, weight] of entries) {
    roll -= weight
    if (roll < 0) return value
  }
  return entries[entries.length - 1]![0]
}

function shuffle<T>(random: Random, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1))
    ;[items[i], items[j]] = [items[j]!, items[i]!]
  }
  return items
}

/** A list holding each value as many times as the design says, in a seeded order. */
function dealt<K>(random: Random, counts: readonly (readonly [K, number])[]): K[] {
  return shuffle(
    random,
    counts.flatMap(([value, count]) => Array.from({ length: count }, () => value)),
  )
}
const entriesOf = <K extends string>(counts: Record<K, number>) => Object.entries(counts) as [K, number][]

/** A random (version 4) UUID drawn from the seeded generator, so ids are part of the plan. */
function uuid(random: Random): string {
  const bytes = Array.from({ length: 16 }, () => Math.floor(random.next() * 256))
  bytes[6] = (bytes[6]! & 0x0f) | 0x40
  bytes[8] = (bytes[8]! & 0x3f) | 0x80
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

const some = <T>(random: Random, items: readonly T[], min: number, max: number): T[] =>
  shuffle(random, [...items]).slice(0, random.int(min, Math.min(max, items.length)))

/** An answer given with probability `given`, else unknown, declined or not asked. */
function answer<T>(random: Random, given: number, value: () => T): Answer<T> {
  if (random.next() < given) return { state: 'given', value: value() }
  return {
    state: weighted(random, [
      [unansweredStates[0], 4],
      [unansweredStates[1], 2],
      [unansweredStates[2], 4],
    ]),
  }
}

const plain = (text: string): Plain => ({ plain: text })

const hourWeights = Array.from(
  { length: 24 },
  (_, h) => [h, h < 7 ? 1 : h < 9 ? 2 : h < 18 ? 4 : h < 23 ? 3 : 2] as const,
)

/**
 * A time on the day `daysAgo` before `now`, more often in the day and evening (Eastern time), and
 * never within the last day, which is the intake demo's.
 */
function timeOn(random: Random, now: Date, daysAgo: number): Date {
  const day = new Date(now.getTime() - daysAgo * DAY)
  day.setUTCHours(0, 0, 0, 0)
  const at = day.getTime() + (weighted(random, hourWeights) + 5) * 3_600_000 + random.int(0, 3599) * 1000
  return new Date(at > now.getTime() - DAY ? at - DAY : at)
}

const bandOf = (years: number): AgeBand =>
  years < 12
    ? 'under_12'
    : years < 16
      ? '12_15'
      : years < 18
        ? '16_17'
        : years < 25
          ? '18_24'
          : years < 35
            ? '25_34'
            : years < 45
              ? '35_44'
              : years < 55
                ? '45_54'
                : years < 65
                  ? '55_64'
                  : '65_plus'

function communitySize(place: Municipality): CommunitySize {
  if (place.population < 1) return 'rural'
  if (place.population < 30) return 'small_population_centre'
  if (place.population < 100) return 'medium_population_centre'
  return 'large_urban_population_centre'
}

/** Area codes of each province and territory (the 555-01XX numbers after them are fictional). */
const areaCodes: Record<ProvinceCode, string[]> = {
  ON: ['416', '647', '437', '905', '289', '365', '613', '343', '519', '226', '548', '705', '249', '807'],
  QC: ['514', '438', '450', '579', '418', '581', '819', '873', '367'],
  BC: ['604', '778', '236', '250', '672'],
  AB: ['403', '587', '780', '825', '368'],
  MB: ['204', '431'],
  SK: ['306', '639'],
  NS: ['902', '782'],
  PE: ['902', '782'],
  NB: ['506', '428'],
  NL: ['709', '879'],
  NT: ['867'],
  NU: ['867'],
  YT: ['867'],
}

const placesOf = new Map<ProvinceCode, Municipality[]>()
for (const place of municipalities)
  placesOf.set(place.province, [...(placesOf.get(place.province) ?? []), place])
const placeById = new Map(municipalities.map((place) => [place.id, place]))

export function scenarioPlace(scenario: Scenario): Municipality {
  const place = placeById.get(scenario.place)
  if (!place) throw new Error(`demo scenario names ${scenario.place}, which the gazetteer does not hold`)
  return place
}

function languageFor(random: Random, province: ProvinceCode | null): Lang {
  const french = province === 'QC' ? 0.85 : province === 'NB' ? 0.35 : province === 'ON' ? 0.06 : 0.03
  return random.next() < (province ? french : 0.22) ? 'fr' : 'en'
}

// ---------------------------------------------------------------------------------------------------
// The plan

interface SignalPlan {
  id: string
  receivedAt: Date
  channel: Channel
  language: Lang
  province: ProvinceCode
  caseIndex: number | null
  /** For a case's later signal: the same person calling back (same contact when the kind allows). */
  callback: boolean
  classification: Classification | null
  inDanger: boolean
}

const contactKindOf = (channel: Channel): ContactKind | null =>
  channel === 'voice' || channel === 'sms'
    ? 'phone'
    : channel === 'whatsapp'
      ? 'whatsapp'
      : channel === 'email'
        ? 'email'
        : null

const providerOf = {
  sms: 'twilio',
  whatsapp: 'whatsapp',
  email: 'email',
  web_chat: 'relais',
  web_form: 'relais',
} as const

const interpreterLanguages = ['es', 'tl', 'zh', 'ar', 'pa', 'uk', 'vi', 'ko']

/** Plans the whole year: every row, from the seeded generator alone. */
export function planCaseDemo(input: CaseDemoInput): CaseDemoPlan {
  const { random, now, staff } = input
  const design = caseDemoDesign
  const plan: CaseDemoPlan = {
    contacts: [],
    signals: [],
    messages: [],
    cases: [],
    workers: [],
    caseSignals: [],
    people: [],
    exploiters: [],
    needs: [],
    notes: [],
    escalations: [],
    escalationPeople: [],
    steps: [],
    caseNumbers: new Map(input.lastCaseNumbers ?? []),
  }
  const provinces = Object.entries(provinceShares) as [ProvinceCode, number][]

  // Cases first: where, when, and how many signals each gathers.
  const perCase = dealt(
    random,
    Object.entries(design.signalsPerCase).map(([count, cases]) => [Number(count), cases] as const),
  )
  const caseSeeds = perCase.map((signalCount, index) => {
    const scenario = scenarios[index]
    const place = scenario
      ? scenarioPlace(scenario)
      : (() => {
          const province = weighted(random, provinces)
          return weighted(
            random,
            (placesOf.get(province) ?? []).map((p) => [p, Math.sqrt(p.population + 1)] as const),
          )
        })()
    const daysAgo = scenario ? scenario.daysAgo : random.int(2, design.days)
    const first = timeOn(random, now, daysAgo)
    // Later signals come within two months, and before the history ends.
    const span = Math.max(0, Math.min(60 * DAY, now.getTime() - DAY - first.getTime() - 2 * 3_600_000))
    const times = [
      first,
      ...Array.from(
        { length: signalCount - 1 },
        () => new Date(first.getTime() + 3_600_000 + random.next() * span),
      ),
    ].sort((a, b) => a.getTime() - b.getTime())
    return {
      index,
      scenario,
      place,
      times,
      language: scenario?.place.startsWith('qc') ? 'fr' : languageFor(random, place.province),
    }
  })

  const signals: SignalPlan[] = []
  for (const seed of caseSeeds)
    seed.times.forEach((receivedAt, position) => {
      signals.push({
        id: uuid(random),
        receivedAt,
        channel: 'voice',
        language: seed.language as Lang,
        province: seed.place.province,
        caseIndex: seed.index,
        callback: position > 0 && random.next() < 0.7,
        classification: 'trafficking',
        inDanger: position === 0 && seed.scenario?.safety === 'no',
      })
    })
  const caseSignalCount = signals.length
  for (let i = caseSignalCount; i < design.signals; i++) {
    const province = weighted(random, provinces)
    signals.push({
      id: uuid(random),
      receivedAt: timeOn(random, now, random.int(1, design.days) + 0.04),
      channel: 'voice',
      language: languageFor(random, province),
      province,
      caseIndex: null,
      callback: false,
      classification: null,
      inDanger: random.next() < 0.01,
    })
  }
  // Channels in the design's proportions across every signal; then who hung up, and what the rest were.
  dealt(random, entriesOf<Channel>(design.channels)).forEach((channel, i) => {
    signals[i]!.channel = channel
  })
  const others = signals.slice(caseSignalCount)
  const mayAbandon = shuffle(
    random,
    others.filter((s) => ['voice', 'web_chat', 'sms', 'whatsapp'].includes(s.channel)),
  )
  const abandoned = new Set(mayAbandon.slice(0, design.abandoned).map((s) => s.id))
  const { trafficking: _cases, ...rest } = design.classifications
  const labels = dealt(random, entriesOf<Exclude<Classification, 'trafficking'>>(rest))
  for (const signal of others) if (!abandoned.has(signal.id)) signal.classification = labels.pop()!

  // Contacts: a phone number, WhatsApp id or address for the channels that have one.
  const contactOf = new Map<string, string>()
  const allocated = new Map<string, number>()
  const contactsByKey = new Map<string, { id: string; first: Date; last: Date }>()
  const earlierContacts: Record<ContactKind, string[]> = { phone: [], whatsapp: [], email: [] }
  const caseContacts = new Map<number, Map<ContactKind, string>>()
  let emails = 0
  const newAddress = (kind: ContactKind, province: ProvinceCode): string | null => {
    if (kind === 'email') return `person${String(++emails).padStart(4, '0')}@example.net`
    for (const code of shuffle(random, [...areaCodes[province]])) {
      const used = allocated.get(code) ?? 0
      if (used < 100) {
        allocated.set(code, used + 1)
        return `+1${code}55501${String(used).padStart(2, '0')}`
      }
    }
    return null
  }
  for (const signal of [...signals].sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime())) {
    const kind = contactKindOf(signal.channel)
    if (!kind) continue
    const known = signal.caseIndex !== null ? caseContacts.get(signal.caseIndex) : undefined
    let key = signal.callback ? known?.get(kind) : undefined
    if (!key && signal.caseIndex === null && random.next() < 0.08) {
      // Someone who reached the line before, about something else.
      if (earlierContacts[kind].length > 0) key = random.pick(earlierContacts[kind])
    }
    if (!key) {
      const address = newAddress(kind, signal.province)
      if (!address) continue
      key = `${kind}:${address}${signal.caseIndex !== null ? '#case' : ''}`
      contactsByKey.set(key, { id: uuid(random), first: signal.receivedAt, last: signal.receivedAt })
      if (signal.caseIndex === null) earlierContacts[kind].push(key)
    }
    const contact = contactsByKey.get(key)!
    contact.last = signal.receivedAt
    contactOf.set(signal.id, contact.id)
    if (signal.caseIndex !== null) {
      const map = caseContacts.get(signal.caseIndex) ?? new Map<ContactKind, string>()
      map.set(kind, key)
      caseContacts.set(signal.caseIndex, map)
    }
  }
  for (const [key, contact] of contactsByKey) {
    const [kind, rest] = key.split(/:(.*)/s) as [ContactKind, string]
    plan.contacts.push({
      id: contact.id,
      kind,
      address_sealed: plain(rest.replace('#case', '')),
      first_seen_at: contact.first,
      last_seen_at: contact.last,
    })
  }

  // Signals with their times, and the first message of those that write.
  const times = new Map<string, { answered: Date; ended: Date; wrapped: Date }>()
  for (const signal of signals) {
    const isAbandoned = abandoned.has(signal.id)
    const preferred = random.next() < 0.04 ? random.pick(interpreterLanguages) : null
    const wait =
      (signal.channel === 'voice'
        ? random.int(5, 120)
        : signal.channel === 'email' || signal.channel === 'web_form'
          ? random.int(600, 8 * 3600)
          : random.int(10, 240)) * 1000
    const received = signal.receivedAt
    const answered = new Date(received.getTime() + wait)
    const length = (signal.classification === 'trafficking' ? random.int(15, 55) : random.int(3, 25)) * MINUTE
    const ended = new Date(answered.getTime() + length)
    const wrapped = new Date(ended.getTime() + random.int(1, 8) * MINUTE)
    if (!isAbandoned) times.set(signal.id, { answered, ended, wrapped })
    plan.signals.push({
      id: signal.id,
      channel: signal.channel,
      contact_id: contactOf.get(signal.id) ?? null,
      queue: queueName(signal.channel, preferred ?? signal.language),
      language: signal.language,
      preferred_language: preferred,
      interpreter_needed: preferred !== null && !isAbandoned,
      in_danger: signal.inDanger,
      safe_to_chat:
        signal.channel === 'web_chat'
          ? weighted(random, [
              ['yes', 8],
              ['unsure', 2],
            ] as const)
          : null,
      received_at: received,
      enqueued_at: received,
      fallback_at: new Date(received.getTime() + 60_000),
      last_message_at: received,
      last_seq: signal.channel === 'voice' ? 0 : 1,
      ...(isAbandoned
        ? { status: 'abandoned' as const, abandoned_at: answered, ended_at: answered }
        : {
            status: 'ended' as const,
            advocate_id: staff.advocate,
            offered_at: new Date(answered.getTime() - random.int(2, 8) * 1000),
            answered_at: answered,
            ended_at: ended,
            wrap_up_ended_at: wrapped,
            classification: signal.classification,
          }),
    })
    if (signal.channel !== 'voice') {
      const texts = openings[signal.classification ?? random.pick(['other', 'information_request'] as const)]
      plan.messages.push({
        id: uuid(random),
        signal_id: signal.id,
        seq: 1,
        direction: 'in',
        body_sealed: plain(random.pick(texts[signal.language])),
        provider: providerOf[signal.channel],
        external_id: `demo-${signal.id}`,
        received_at: received,
      })
    }
  }

  // The cases, in the order they were opened, numbered per year.
  const signalsOf = new Map<number, SignalPlan[]>()
  for (const signal of signals.slice(0, caseSignalCount))
    signalsOf.set(signal.caseIndex!, [...(signalsOf.get(signal.caseIndex!) ?? []), signal])
  const ordered = caseSeeds
    .map((seed) => ({ seed, signals: signalsOf.get(seed.index)! }))
    .sort((a, b) => a.signals[0]!.receivedAt.getTime() - b.signals[0]!.receivedAt.getTime())
  for (const { seed, signals: own } of ordered)
    planCase(plan, input, {
      scenarioIndex: seed.scenario ? seed.index : null,
      scenario: seed.scenario ?? null,
      place: seed.place,
      language: seed.language as Lang,
      signals: own.map((s) => ({ id: s.id, ...times.get(s.id)! })),
    })
  return plan
}

interface CaseSeed {
  scenarioIndex: number | null
  scenario: Scenario | null
  place: Municipality
  language: Lang
  signals: { id: string; answered: Date; ended: Date; wrapped: Date }[]
}

const profileTypes: Record<Profile, TraffickingType[] | null> = {
  sex: ['SexualExploitation'],
  labour: ['ForcedLabour'],
  servitude: ['Servitude', 'ForcedLabour'],
  marriage: ['ForcedMarriage'],
  unknown: null,
}
const controls: Record<Profile, MethodOfControl[]> = {
  sex: [
    'PsychologicalAbuse',
    'TakesEarnings',
    'PhysicalThreats',
    'PsychoactiveSubstance',
    'SexualAbuse',
    'FalsePromises',
  ],
  labour: [
    'WithholdsDocuments',
    'DebtBondage',
    'ExcessiveWorkingHours',
    'TakesEarnings',
    'ThreatsLawEnforcement',
    'FalsePromises',
  ],
  servitude: [
    'WithholdsDocuments',
    'RestrictsFinancialAccess',
    'WithholdsNecessities',
    'ExcessiveWorkingHours',
  ],
  marriage: ['ThreatensChildrenFamily', 'PsychologicalAbuse', 'RestrictsFinancialAccess'],
  unknown: ['PsychologicalAbuse', 'PhysicalThreats'],
}
const recruitments: Record<Profile, RecruitmentMethod[]> = {
  sex: [
    'ThroughOnlineSocialNetworks',
    'ThroughFriendsOrSocialEvents',
    'ThroughFamilyOrFamilyEvents',
    'AtAnEducationalInstitution',
  ],
  labour: ['ThroughAnOnlineAdvertisement', 'AtWork', 'ThroughFriendsOrSocialEvents', 'Other'],
  servitude: ['ThroughFamilyOrFamilyEvents', 'ThroughAnOnlineAdvertisement'],
  marriage: ['ThroughFamilyOrFamilyEvents'],
  unknown: ['Other'],
}
const industriesOf: Record<Profile, Industry[]> = {
  sex: [
    'R_ArtsEntertainmentAndRecreation',
    'S_OtherServiceActivities',
    'I_AccommodationAndFoodServiceActivities',
  ],
  labour: [
    'A_AgricultureForestryAndFishing',
    'I_AccommodationAndFoodServiceActivities',
    'C_Manufacturing',
    'F_Construction',
    'S_OtherServiceActivities',
    'N_AdministrativeAndSupportServiceActivities',
  ],
  servitude: ['T_ActivitiesOfHouseholdsAsEmployers'],
  marriage: ['T_ActivitiesOfHouseholdsAsEmployers'],
  unknown: ['S_OtherServiceActivities'],
}
const relationships: Record<Profile, ExploiterRelationship[]> = {
  sex: ['intimate_partner', 'acquaintance', 'stranger', 'recruiter'],
  labour: ['employer', 'recruiter'],
  servitude: ['family', 'employer'],
  marriage: ['family'],
  unknown: ['other', 'acquaintance'],
}
const needsOf: Record<Profile, NeedKind[]> = {
  sex: [
    'housing-emergency',
    'counselling',
    'health',
    'mental-health',
    'addiction',
    'legal-aid',
    'identity-documents',
    'exit-funds',
    'peer-support',
    'tattoo-removal',
  ],
  labour: [
    'labour-rights',
    'immigration',
    'housing',
    'legal-aid',
    'material-needs',
    'identity-documents',
    'job-training',
    'transportation',
  ],
  servitude: ['housing-transitional', 'immigration', 'identity-documents', 'counselling', 'labour-rights'],
  marriage: ['housing-emergency', 'counselling', 'immigration', 'legal-aid'],
  unknown: ['case-management', 'counselling', 'housing'],
}
const residencies: Record<Profile, [ResidencyStatus, number][]> = {
  sex: [
    ['citizen', 8],
    ['permanent_resident', 1],
    ['international_student', 1],
    ['refugee_claimant', 1],
  ],
  labour: [
    ['temporary_foreign_worker', 6],
    ['international_student', 2],
    ['no_status', 1],
    ['visitor', 1],
    ['refugee_claimant', 1],
  ],
  servitude: [
    ['temporary_foreign_worker', 2],
    ['visitor', 2],
    ['no_status', 1],
    ['permanent_resident', 1],
  ],
  marriage: [
    ['permanent_resident', 2],
    ['citizen', 1],
    ['refugee_claimant', 1],
  ],
  unknown: [
    ['citizen', 2],
    ['permanent_resident', 1],
  ],
}
const genderWeights: Record<'sex' | 'other', [Gender, number][]> = {
  sex: [
    ['Feminine', 86],
    ['Masculine', 6],
    ['TransgenderFeminine', 5],
    ['NonConforming', 3],
  ],
  other: [
    ['Masculine', 55],
    ['Feminine', 42],
    ['NonConforming', 3],
  ],
}

/** Adds one case and everything it holds to the plan. */
function planCase(plan: CaseDemoPlan, input: CaseDemoInput, seed: CaseSeed) {
  const { random, now, staff } = input
  const { scenario, place, language } = seed
  const first = seed.signals[0]!
  const last = seed.signals[seed.signals.length - 1]!
  const id = uuid(random)
  const createdAt = new Date(first.answered.getTime() + random.int(3, 12) * MINUTE)
  const year = createdAt.getUTCFullYear()
  const number = (plan.caseNumbers.get(year) ?? 0) + 1
  plan.caseNumbers.set(year, number)
  const profile: Profile =
    scenario?.profile ??
    weighted(random, [
      ['sex', 58],
      ['labour', 28],
      ['servitude', 6],
      ['marriage', 3],
      ['unknown', 5],
    ])
  const lastActivity = new Date(Math.max(last.wrapped.getTime(), createdAt.getTime()))
  const ageInDays = (now.getTime() - lastActivity.getTime()) / DAY
  const open = scenario ? scenario.open : ageInDays < 30 || random.next() < 0.12
  const closedAt = open
    ? null
    : new Date(Math.min(lastActivity.getTime() + random.int(2, 30) * DAY, now.getTime() - 3_600_000))

  // Where it happens: the province and place are always known for a scenario.
  const provinceAnswer: Answer<ProvinceCode> = scenario
    ? { state: 'given', value: place.province }
    : answer(random, 0.88, () => place.province)
  const municipalityAnswer: Answer<string> =
    provinceAnswer.state !== 'given'
      ? { state: provinceAnswer.state }
      : scenario
        ? { state: 'given', value: place.name }
        : answer(random, 0.75, () => place.name)
  const province = provinceAnswer.state === 'given' ? provinceAnswer.value : null
  const protocol = protocolInForce(input.protocols, province, now.toISOString().slice(0, 10))
  const bounds = nationalBounds(input.protocols, now.toISOString().slice(0, 10))

  const safety: SafetyStatus =
    scenario?.safety ??
    weighted(random, [
      ['yes', 50],
      ['no', 10],
      ['unsure', 18],
      ['not_asked', 22],
    ] as const)
  const plans = safetyPlans[language]
  const safetyPlan =
    safety === 'no' || (safety === 'unsure' && random.next() < 0.5) ? random.pick(plans) : null

  const types = profileTypes[profile]
  const traffickingTypes: Answer<TraffickingType[]> = types
    ? answer(random, 0.92, () =>
        random.next() < 0.1 && profile === 'sex' ? [...types, 'ForcedLabour'] : types,
      )
    : { state: 'unknown' }
  const trafficking = {
    ...answerColumns(
      'people_affected',
      answer(random, 0.8, () =>
        weighted(random, [
          [1, 75],
          [2, 12],
          [3, 6],
          [5, 4],
          [12, 3],
        ]),
      ),
    ),
    ...answerColumns('trafficking_types', traffickingTypes),
    ...answerColumns(
      'trafficking_status',
      answer<TraffickingStatus>(random, 0.85, () =>
        weighted(random, [
          ['PossibleVictimOfTrafficking', 62],
          ['ActualVictimOfTrafficking', 36],
          ['NotAVictimOfTrafficking', 2],
        ]),
      ),
    ),
    ...answerColumns(
      'methods_of_control',
      answer(random, 0.7, () => some(random, controls[profile], 1, 3)),
    ),
    ...answerColumns(
      'recruitment_methods',
      answer(random, 0.5, () => some(random, recruitments[profile], 1, 2)),
    ),
    ...answerColumns(
      'industry',
      answer(random, profile === 'sex' ? 0.15 : 0.8, () => random.pick(industriesOf[profile])),
    ),
    ...answerColumns('province', provinceAnswer),
    ...answerColumns('municipality', municipalityAnswer),
    ...answerColumns(
      'community_size',
      municipalityAnswer.state === 'given'
        ? answer(random, 0.7, () => communitySize(place))
        : { state: 'not_asked' },
    ),
  }
  plan.cases.push({
    id,
    case_number: `C-${year}-${String(number).padStart(6, '0')}`,
    status: open ? 'open' : 'closed',
    safety_status: safety,
    safety_plan_sealed: safetyPlan
      ? plain(
          JSON.stringify({
            plan: { state: 'given', value: safetyPlan.plan },
            safePlace: { state: 'given', value: safetyPlan.safePlace },
            supports:
              random.next() < 0.7 ? { state: 'given', value: safetyPlan.supports } : { state: 'not_asked' },
          }),
        )
      : null,
    ...trafficking,
    created_by: staff.advocate,
    assigned_to: staff.advocate,
    created_at: createdAt,
    updated_at: closedAt ?? lastActivity,
    last_worked_at: closedAt ?? lastActivity,
    closed_at: closedAt,
    closed_by: closedAt ? staff.advocate : null,
    closure_reason_sealed: closedAt ? plain(random.pick(closureTexts[language])) : null,
  } as Row<'case_file'>)
  plan.workers.push({
    case_id: id,
    staff_id: staff.advocate,
    via: 'created',
    first_at: createdAt,
    last_worked_at: closedAt ?? lastActivity,
  })
  seed.signals.forEach((signal, position) => {
    plan.caseSignals.push({
      case_id: id,
      signal_id: signal.id,
      linked_by: staff.advocate,
      linked_at:
        position === 0 ? createdAt : new Date(signal.answered.getTime() + random.int(2, 10) * MINUTE),
    })
  })

  // People: the person at the centre, and whoever reached the line about them.
  const people: { id: string; role: PersonRole | null; age: Answer<Age> }[] = []
  const addPerson = (role: PersonRole | null, age: Answer<Age>, subject: boolean) => {
    const personId = uuid(random)
    const roleAnswer: Answer<PersonRole> = role ? { state: 'given', value: role } : { state: 'unknown' }
    const gender = answer(random, subject ? 0.85 : 0.5, () =>
      weighted(random, genderWeights[profile === 'sex' ? 'sex' : 'other']),
    )
    const languages = answer(random, 0.8, () =>
      language === 'fr'
        ? ['fr']
        : random.next() < 0.2 && profile !== 'sex'
          ? [random.pick(['es', 'tl', 'pa', 'uk', 'zh', 'vi']), 'en']
          : ['en'],
    )
    const safeContact =
      subject && random.next() < 0.6
        ? {
            callBack: answer(random, 0.8, () => random.next() < 0.6),
            voicemail: answer(random, 0.6, () => random.next() < 0.2),
            text: answer(random, 0.7, () => random.next() < 0.7),
            email: answer(random, 0.3, () => random.next() < 0.5),
            codeWord: answer(random, 0.4, () => random.pick(codeWords)),
            safeTimes: answer(random, 0.5, () => random.pick(safeTimes[language])),
          }
        : null
    plan.people.push({
      id: personId,
      case_id: id,
      ...answerColumns('role', roleAnswer),
      ...ageColumns(age),
      ...answerColumns('gender', gender),
      ...answerColumns('languages', languages),
      ...answerColumns(
        'residency',
        subject ? answer(random, 0.65, () => weighted(random, residencies[profile])) : { state: 'not_asked' },
      ),
      ...answerColumns(
        'indigenous',
        subject
          ? answer(random, 0.35, () =>
              weighted(random, [
                ['not_indigenous', 80],
                ['first_nations', 10],
                ['metis', 5],
                ['inuit', 3],
                ['indigenous_unspecified', 2],
              ]),
            )
          : { state: 'not_asked' },
      ),
      ...answerColumns(
        'two_spirit_lgbtqi',
        subject ? answer(random, 0.3, () => random.next() < 0.15) : { state: 'not_asked' },
      ),
      ...answerColumns(
        'disability',
        subject ? answer(random, 0.3, () => random.next() < 0.12) : { state: 'not_asked' },
      ),
      safe_contact_sealed: safeContact ? plain(JSON.stringify(safeContact)) : null,
      created_by: staff.advocate,
      created_at: new Date(createdAt.getTime() + people.length * 1000),
      updated_at: new Date(createdAt.getTime() + people.length * 1000),
    } as Row<'case_person'>)
    people.push({ id: personId, role, age })
    return personId
  }
  const callerRole =
    scenario?.caller ??
    weighted(random, [
      [null, 70],
      ['concerned_other', 20],
      ['professional', 10],
    ] as const)
  const subjectRole: PersonRole | null = weighted(random, [
    ['victim', 55],
    ['survivor', 35],
    [null, 10],
  ] as const)
  const subjectAge: Answer<Age> = scenario?.minor
    ? { state: 'given', value: scenario.minor }
    : adultAge(random, profile, protocol?.document ?? null, bounds)
  addPerson(callerRole === null ? subjectRole : 'victim', subjectAge, true)
  if (callerRole)
    addPerson(
      callerRole,
      answer(random, 0.4, () => ({ years: random.int(30, 60) })),
      false,
    )

  // The exploiter, when the person spoke of them.
  if (random.next() < 0.6) {
    const platforms = answer(random, profile === 'sex' ? 0.5 : 0.15, () =>
      some(
        random,
        ['Instagram', 'SnapChat', 'WhatsApp', 'Telegram', 'TikTok', 'FacebookMessenger'] as OnlinePlatform[],
        1,
        2,
      ),
    )
    const detail = (text: { en: string; fr: string }, given: number) =>
      answer(random, given, () => text[language])
    plan.exploiters.push({
      id: uuid(random),
      case_id: id,
      ...answerColumns(
        'count',
        answer(random, 0.7, () =>
          weighted(random, [
            [1, 70],
            [2, 20],
            [3, 10],
          ]),
        ),
      ),
      ...answerColumns(
        'relationship',
        answer(random, 0.8, () => random.pick(relationships[profile])),
      ),
      features_sealed: plain(
        JSON.stringify({
          tattoos: detail(features.tattoos, 0.2),
          piercings: detail(features.piercings, 0.1),
          vehicle: detail(features.vehicle, profile === 'labour' ? 0.4 : 0.15),
          licencePlate: answer(
            random,
            0.1,
            () => `Partial: ${random.pick(['CK', 'BX', 'HT'])}${random.int(10, 99)}`,
          ),
          onlinePlatforms: platforms,
        }),
      ),
      created_by: staff.advocate,
      created_at: new Date(createdAt.getTime() + 5 * MINUTE),
      updated_at: new Date(createdAt.getTime() + 5 * MINUTE),
    } as Row<'case_exploiter'>)
  }

  // Needs, and how far each went.
  const kinds = some(random, needsOf[profile], 1, 4)
  if (scenario?.minor && !kinds.includes('counselling')) kinds.push('counselling')
  kinds.forEach((kind, position) => {
    const at = new Date(createdAt.getTime() + (position + 6) * MINUTE)
    const status: NeedStatus = open
      ? weighted(random, [
          ['unmet', 45],
          ['referred', 40],
          ['met', 10],
          ['declined', 5],
        ] as const)
      : weighted(random, [
          ['met', 55],
          ['referred', 20],
          ['declined', 20],
          ['unmet', 5],
        ] as const)
    const changed =
      status === 'unmet'
        ? at
        : new Date(Math.min(at.getTime() + random.int(0, 20) * DAY, (closedAt ?? lastActivity).getTime()))
    plan.needs.push({
      id: uuid(random),
      case_id: id,
      person_id: people[0]!.id,
      kind,
      status,
      created_by: staff.advocate,
      created_at: at,
      updated_at: changed,
      status_changed_at: changed,
    })
  })

  // Notes: at the first conversation, and at each later one.
  const noteTimes = [first.ended, ...seed.signals.slice(1).map((s) => s.ended)]
  if (random.next() < 0.4)
    noteTimes.push(new Date(Math.min(lastActivity.getTime(), first.ended.getTime() + random.int(1, 3) * DAY)))
  for (const at of noteTimes.sort((a, b) => a.getTime() - b.getTime()))
    plan.notes.push({
      id: uuid(random),
      case_id: id,
      author_id: staff.advocate,
      body_sealed: plain(random.pick(noteTexts[language])),
      created_at: at,
    })

  if (scenario?.escalation && seed.scenarioIndex !== null)
    planEscalation(plan, input, {
      caseId: id,
      scenarioIndex: seed.scenarioIndex,
      scenario,
      province: place.province,
      people,
      startedAt: new Date(createdAt.getTime() + random.int(5, 15) * MINUTE),
      language,
    })
  // An escalation's steps and its review touch the case, as every change to it does.
  const escalation = plan.escalations.find((row) => row.case_id === id)
  if (escalation) {
    const touched = escalation.updated_at as Date
    const file = plan.cases[plan.cases.length - 1]!
    if (!closedAt && touched > (file.last_worked_at as Date)) {
      file.updated_at = touched
      file.last_worked_at = touched
      plan.workers[plan.workers.length - 1]!.last_worked_at = touched
    }
    if (escalation.reviewed_at) {
      const at = escalation.reviewed_at as Date
      plan.workers.push({
        case_id: id,
        staff_id: staff.supervisor,
        via: 'worked',
        first_at: at,
        last_worked_at: at,
      })
    }
  }
}

/**
 * An adult's age as the person gave it: years, a band, or not given. A band is kept only where it
 * cannot hold a child under the protocol in force (or, the place unknown, under any protocol), so
 * the demo has no case that silently owes a child-protection report.
 */
function adultAge(
  random: Random,
  profile: Profile,
  protocol: StoredProtocol['document'] | null,
  bounds: { requiredUnder: number; mayUnder: number },
): Answer<Age> {
  const years = profile === 'labour' || profile === 'servitude' ? random.int(20, 52) : random.int(19, 38)
  const roll = random.next()
  if (roll < 0.45) return { state: 'given', value: { years } }
  if (roll < 0.85) {
    const band: Answer<Age> = { state: 'given', value: { band: bandOf(years) } }
    const evaluation = evaluateChildProtection({
      protocol,
      bounds,
      people: [{ id: 'p', role: 'victim', age: evaluatedAge(band) }],
      consent: 'not_asked',
      imminentDanger: false,
    })
    return evaluation.verdict === 'required' || evaluation.verdict === 'possibly_required'
      ? { state: 'given', value: { years } }
      : band
  }
  return {
    state: weighted(random, [
      ['unknown', 3],
      ['declined', 2],
      ['not_asked', 3],
    ] as const),
  }
}

const bandRanges: Record<AgeBand, [number, number | null]> = {
  under_12: [0, 11],
  '12_15': [12, 15],
  '16_17': [16, 17],
  '18_24': [18, 24],
  '25_34': [25, 34],
  '35_44': [35, 44],
  '45_54': [45, 54],
  '55_64': [55, 64],
  '65_plus': [65, null],
}
function evaluatedAge(age: Answer<Age>): EvaluatedPerson['age'] {
  if (age.state !== 'given') return { min: null, max: null }
  if ('years' in age.value) return { min: age.value.years, max: age.value.years }
  const [min, max] = bandRanges[age.value.band]
  return { min, max }
}

/** A reference number as an agency gives it (invented). */
const referencePrefix: Record<EscalationKind, string> = {
  child_protection: 'CP',
  law_enforcement_tip: 'TIP',
  emergency_dispatch: 'INC',
}

/**
 * An escalation as the protocol in force on its day has it: the verdict checked as the service checks
 * it (a scenario the protocol would refuse stops the demo), its people, its steps in order by the
 * advocate, the agency copied from the directory, and the supervisor's review where one is asked.
 */
function planEscalation(
  plan: CaseDemoPlan,
  input: CaseDemoInput,
  e: {
    caseId: string
    scenarioIndex: number
    scenario: Scenario
    province: ProvinceCode
    people: { id: string; role: PersonRole | null; age: Answer<Age> }[]
    startedAt: Date
    language: Lang
  },
) {
  const { random, staff } = input
  const wanted = e.scenario.escalation!
  const day = e.startedAt.toISOString().slice(0, 10)
  const protocol = protocolInForce(input.protocols, e.province, day)
  if (!protocol) throw new Error(`no protocol in force in ${e.province} on ${day} for a demo escalation`)
  const evaluation = evaluateEscalations({
    protocol: protocol.document,
    bounds: nationalBounds(input.protocols, day),
    people: e.people.map((person) => ({ id: person.id, role: person.role, age: evaluatedAge(person.age) })),
    consent: wanted.consent,
    imminentDanger: wanted.imminentDanger,
  }).find((entry) => entry.kind === wanted.kind)!
  if (evaluation.verdict === 'refused' || evaluation.verdict === 'not_applicable')
    throw new Error(
      `the ${protocol.document.id} protocol does not allow the demo's ${wanted.kind} (${evaluation.verdict})`,
    )
  const agency = input.agencies.get(e.scenarioIndex)
  if (!agency) throw new Error(`no agency for the demo's ${wanted.kind} at ${e.scenario.place}`)

  const rule = protocol.document.escalations[wanted.kind]
  const id = uuid(random)
  const done = wanted.stage === 'completed' ? rule.steps.length : Math.min(2, rule.steps.length - 1)
  let at = e.startedAt
  const record: Record<string, unknown> = {}
  rule.steps.slice(0, done).forEach((step, position) => {
    at = new Date(at.getTime() + random.int(3, 12) * MINUTE)
    if (step.action === 'share') record.shared_fields = [...(wanted.shared ?? ['location', 'situation'])]
    if (step.action === 'contact')
      Object.assign(record, {
        agency_id: agency.id,
        agency_kind: agency.kind,
        agency_name_en: agency.name_en,
        agency_name_fr: agency.name_fr,
        agency_phone: agency.emergency_phone,
        contacted_at: at,
      })
    if (step.action === 'reference')
      record.report_reference_sealed = plain(
        `${referencePrefix[wanted.kind]}-${at.getUTCFullYear()}-${random.int(10000, 99999)}`,
      )
    plan.steps.push({
      id: uuid(random),
      escalation_id: id,
      position,
      step_id: step.id,
      action: step.action,
      completed_by: staff.advocate,
      completed_at: at,
      note_sealed: null,
    })
  })
  const completedAt = wanted.stage === 'completed' ? new Date(at.getTime() + random.int(2, 6) * MINUTE) : null
  const review = completedAt && rule.supervisorReview ? (wanted.review ?? 'pending') : 'not_required'
  const reviewedAt =
    review === 'approved' && completedAt
      ? new Date(completedAt.getTime() + random.int(2, 20) * 3_600_000)
      : null
  plan.escalations.push({
    id,
    case_id: e.caseId,
    kind: wanted.kind,
    protocol_id: protocol.document.id,
    protocol_version: protocol.document.version,
    status: completedAt ? 'completed' : 'in_progress',
    consent: wanted.consent,
    imminent_danger: wanted.imminentDanger,
    imminent_danger_note_sealed: wanted.imminentDanger
      ? plain(
          e.language === 'fr'
            ? 'Menacée au téléphone pendant l’appel; la personne est enfermée dans la chambre.'
            : 'Threatened on the phone during the call; she is locked in the room.',
        )
      : null,
    next_step: done,
    ...record,
    outcome: completedAt ? (wanted.outcome ?? 'reported') : null,
    outcome_note_sealed: null,
    started_by: staff.advocate,
    started_at: e.startedAt,
    completed_by: completedAt ? staff.advocate : null,
    completed_at: completedAt,
    review_status: review,
    reviewed_by: reviewedAt ? staff.supervisor : null,
    reviewed_at: reviewedAt,
    updated_at: reviewedAt ?? completedAt ?? at,
  } as Row<'case_escalation'>)
  for (const personId of evaluation.personIds)
    plan.escalationPeople.push({ escalation_id: id, person_id: personId })
}

// ---------------------------------------------------------------------------------------------------
// Writing

type Db = Kysely<DB>

/** Seals every `Plain` of a row; everything else goes as planned. */
function sealed<T extends Record<string, unknown>>(secrets: Secrets, row: T): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(row))
    out[key] =
      value !== null && typeof value === 'object' && 'plain' in value
        ? secrets.seal((value as Plain).plain)
        : value
  return out
}

/** Multi-row inserts of a few hundred rows each, under the bind-parameter limit. */
async function insertAll(db: Db, table: keyof DB, rows: Record<string, unknown>[]) {
  if (rows.length === 0) return
  const columns = new Set(rows.flatMap((row) => Object.keys(row))).size
  const size = Math.max(1, Math.floor(20_000 / columns))
  for (let i = 0; i < rows.length; i += size)
    await db
      .insertInto(table)
      .values(rows.slice(i, i + size) as never)
      .execute()
}

/** Writes a plan: personal values sealed, addresses found again by their blind index, in bulk. */
export async function writeCaseDemo(db: Db, secrets: Secrets, plan: CaseDemoPlan) {
  const seal = (rows: Record<string, unknown>[]) => rows.map((row) => sealed(secrets, row))
  await insertAll(
    db,
    'intake_contact',
    plan.contacts.map((contact) => ({
      ...sealed(secrets, contact),
      blind_index: contactIndex(
        secrets,
        contact.kind as ContactKind,
        (contact.address_sealed as Plain).plain,
      ),
    })),
  )
  await insertAll(db, 'intake_signal', seal(plan.signals))
  await insertAll(db, 'intake_message', seal(plan.messages))
  await insertAll(db, 'case_file', seal(plan.cases))
  await insertAll(db, 'case_worker', seal(plan.workers))
  await insertAll(db, 'case_signal', seal(plan.caseSignals))
  await insertAll(db, 'case_person', seal(plan.people))
  await insertAll(db, 'case_exploiter', seal(plan.exploiters))
  await insertAll(db, 'case_need', seal(plan.needs))
  await insertAll(db, 'case_note', seal(plan.notes))
  await insertAll(db, 'case_escalation', seal(plan.escalations))
  await insertAll(db, 'case_escalation_person', seal(plan.escalationPeople))
  await insertAll(db, 'case_escalation_step', seal(plan.steps))
  for (const [year, last] of plan.caseNumbers)
    await sql`insert into case_number_counter (year, last) values (${year}, ${last})
      on conflict (year) do update set last = greatest(case_number_counter.last, excluded.last)`.execute(db)
}

/**
 * The agency each escalating scenario contacts: the first the directory names for the place, among
 * the kinds the protocol lists, in its order (the place's own first, as the escalation screen offers).
 */
export async function scenarioAgencies(db: Db, protocols: readonly StoredProtocol[], day: string) {
  const agencies = new Map<number, DemoAgency>()
  for (const [index, scenario] of scenarios.entries()) {
    if (!scenario.escalation) continue
    const place = scenarioPlace(scenario)
    const protocol = protocolInForce(protocols, place.province, day)
    const kinds = protocol?.document.escalations[scenario.escalation.kind].agencyKinds ?? []
    const found = await findResponsibleAgencies(db, {
      point: { latitude: place.latitude, longitude: place.longitude },
      province: place.province,
      municipality: place.name,
      kinds: [...kinds],
      lang: 'en',
      includeConfidential: true,
    })
    const chosen = kinds.map((kind) => found.find((agency) => agency.kind === kind)).find(Boolean)
    const record = chosen ? await agencyRecord(db, chosen.organizationId) : undefined
    if (record) agencies.set(index, record)
  }
  return agencies
}

/** The cases module's demo data, once: skipped when any case exists. */
export async function seedDemoCases(context: DemoContext, now = new Date()) {
  const started = performance.now()
  const outcome = await context.database.db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('case_file')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    if (Number(existing.n) > 0) return { skipped: Number(existing.n) }
    const staff = await trx
      .selectFrom('staff_user')
      .select(['id', 'email'])
      .where('email', 'in', [demoEmail('advocate'), demoEmail('supervisor')])
      .execute()
    const advocate = staff.find((row) => row.email === demoEmail('advocate'))?.id
    const supervisor = staff.find((row) => row.email === demoEmail('supervisor'))?.id
    if (!advocate || !supervisor) return { missingStaff: true }
    const protocols = await allProtocols(trx)
    const agencies = await scenarioAgencies(trx, protocols, now.toISOString().slice(0, 10))
    const counters = await trx.selectFrom('case_number_counter').select(['year', 'last']).execute()
    const plan = planCaseDemo({
      random: context.random,
      now,
      staff: { advocate, supervisor },
      protocols,
      agencies,
      lastCaseNumbers: new Map(counters.map((row) => [row.year, row.last])),
    })
    await writeCaseDemo(trx, context.secrets, plan)
    const counts = {
      signals: plan.signals.length,
      cases: plan.cases.length,
      open: plan.cases.filter((row) => row.status === 'open').length,
      escalations: plan.escalations.length,
    }
    await appendAuditEvent(trx, context.audit, { action: 'case.demo_seeded', details: counts })
    return { counts }
  })
  if ('skipped' in outcome) {
    context.report.push(`Demo cases: ${outcome.skipped} cases (already there).`)
    return
  }
  if ('missingStaff' in outcome) {
    context.report.push('Demo cases: skipped (the demo advocate and supervisor accounts are missing).')
    return
  }
  const { counts } = outcome
  const n = (value: number) => value.toLocaleString('en-CA')
  context.report.push(
    `Demo cases: a year of ${n(counts.signals)} signals (72 % by phone), ${n(counts.cases)} cases (${counts.open} open) with ${counts.escalations} escalations, written in ${((performance.now() - started) / 1000).toFixed(1)} s.`,
  )
}
