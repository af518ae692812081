import { type Insertable, type Kysely, sql } from 'kysely'
import type {
  Age,
  AgeBand,
  Answer,
  CommunitySize,
  ExploiterRelationship,
  NeedKind,
  NeedStatus,
  PersonRole,
  ResidencyStatus,
  SafetyStatus,
} from '../../common/contracts/cases.ts'
import type { EscalationKind, Outcome, ShareableField } from '../../common/contracts/escalations.ts'
import type { ReferralOutcome, ShareableReferralField } from '../../common/contracts/referrals.ts'
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
import { choose, type DemoContext, type Random } from '../demo/demo.ts'
import { provinceShares } from '../directory/demo/generate.ts'
import { type Municipality, municipalities } from '../directory/demo/municipalities.ts'
import { findResponsibleAgencies } from '../directory/directory.search.ts'
import { serviceTypeTermId } from '../directory/taxonomies.ts'
import { demoEmail } from '../identity/identity.demo.ts'
import { demoWrapUpFacts } from '../intake/intake.demo.ts'
import { contactIndex } from '../intake/intake.service.ts'
import type {
  CallerType,
  Channel,
  Classification,
  ContactKind,
  SignalProvince,
} from '../intake/intake.tables.ts'
import { queueName } from '../intake/signals.ts'
import { ageColumns, answerColumns } from './cases.answers.ts'
import { nationalBounds, protocolInForce, type StoredProtocol } from './protocols/catalogue.ts'
import { allProtocols } from './protocols/escalations.service.ts'
import { agencyRecord } from './protocols/escalations.store.ts'
import { type EvaluatedPerson, evaluateChildProtection, evaluateEscalations } from './protocols/evaluate.ts'

/**
 * The cases module's share of the demo: a year of the line's history before today's (which the
 * intake demo writes). Signals on every channel in the hotline's proportions, classified at wrap-up
 * with the person's province and who reached out when they said; a case for each trafficking-related
 * conversation, some gathering a call back or a second caller; what the people chose to share, needs
 * referred to services of the demo directory with their outcomes, sealed notes; and a few escalations
 * under the shipped protocols (child-protection reports in Ontario and Quebec, a tip with consent, an
 * emergency dispatch) to the agencies the demo directory holds for the place.
 *
 * Two steps: `planCaseDemo` decides every row, ids included, from the seeded generator alone (so a
 * seed always gives the same plan), then `writeCaseDemo` seals what is personal and writes the rows
 * in bulk. Old signals not about trafficking keep their bodies and addresses here: retention purges
 * them at start, as it would have over the year.
 */

/** The numbers the demo is built to: exact, so the demo and its test agree on them. */
export const caseDemoDesign = {
  signals: 2000,
  /** 72 % by phone, as at the hotline; then web chat, SMS, email, the web form and WhatsApp. */
  channels: { voice: 1440, web_chat: 220, sms: 120, email: 100, web_form: 80, whatsapp: 40 },
  /** Hung up or left before an advocate answered: never classified. */
  abandoned: 100,
  classifications: { trafficking: 210, non_trafficking_concern: 520, information_request: 760, other: 410 },
  cases: 150,
  /** How many cases gather 1, 2, 3 or 4 signals: 105 + 2×33 + 3×9 + 4×3 = 210 trafficking signals. */
  signalsPerCase: { 1: 105, 2: 33, 3: 9, 4: 3 },
  /** The history ends a day before now, where the intake demo's day begins. */
  days: 365,
  /** Days until a referral's next follow-up (RELAIS_REFERRAL_FOLLOW_UP_DAYS's default). */
  followUpDays: 7,
} as const satisfies {
  channels: Record<Channel, number>
  classifications: Record<Classification, number>
  [key: string]: unknown
}

const HOUR = 3_600_000
const DAY = 24 * HOUR
const MINUTE = 60_000

// ---------------------------------------------------------------------------------------------------
// The plan: each table's rows, with a `Plain` where a sealed column goes (sealed when written)

/** Text the writer seals before it is stored: the plan itself never holds a sealed value. */
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
  referrals: Row<'case_referral'>[]
  referralEvents: Row<'case_referral_event'>[]
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

/** A directory service a need may be referred to, as a referral copies it. */
export interface DemoService {
  id: string
  organizationId: string
  nameEn: string | null
  nameFr: string | null
  organizationNameEn: string | null
  organizationNameFr: string | null
  confidential: boolean
  referralStatus: 'accepting' | 'waitlist' | 'not_accepting' | null
  province: string
  municipality: string | null
  types: string[]
}

export interface CaseDemoInput {
  random: Random
  now: Date
  staff: { advocate: string; supervisor: string }
  protocols: readonly StoredProtocol[]
  /** The agency each escalating scenario contacts, by scenario index. */
  agencies: ReadonlyMap<number, DemoAgency>
  /** The directory's active services, to refer needs to. */
  services: readonly DemoService[]
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
    /** Two steps done when in progress; every step, the outcome and the review asked for when completed. */
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
 * made, one awaiting a supervisor; a 17-year-old in Ontario, for whom none is required; an adult's
 * tip with her consent; a dispatch for someone in danger.
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

const handoffTexts: Texts = {
  en: [
    'Spoke with the intake worker, who expects her call tomorrow morning.',
    'Three-way call with the provider; an appointment was offered for this week.',
    'Provider told about the safe times to call; no voicemail.',
  ],
  fr: [
    'Parlé à l’intervenante d’accueil, qui attend son appel demain matin.',
    'Appel à trois avec l’organisme; un rendez-vous a été proposé cette semaine.',
    'Organisme informé des moments sûrs pour appeler; pas de message vocal.',
  ],
}

const aliases = ['Sam', 'Mia', 'Jo', 'Alex', 'Lina', 'K.', 'Dee', 'Noor']

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

/** An item of a list, drawn in proportion to its weight. */
function chooseWeighted<T>(random: Random, items: readonly T[], weight: (item: T) => number): T {
  let roll = random.next() * items.reduce((sum, item) => sum + weight(item), 0)
  for (const item of items) {
    roll -= weight(item)
    if (roll < 0) return item
  }
  return items[items.length - 1]!
}

function shuffle<T>(random: Random, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1))
    ;[items[i], items[j]] = [items[j]!, items[i]!]
  }
  return items
}

/** Each key as many times as its count, in a seeded order: exact proportions. */
function dealt<K extends string>(random: Random, counts: Partial<Record<K, number>>): K[] {
  const entries = Object.entries(counts) as [K, number][]
  return shuffle(
    random,
    entries.flatMap(([value, count]) => Array.from({ length: count }, () => value)),
  )
}

/** A version 4 UUID drawn from the seeded generator, so ids are part of the plan. */
function uuid(random: Random): string {
  const bytes = Array.from({ length: 16 }, () => Math.floor(random.next() * 256))
  bytes[6] = (bytes[6]! & 0x0f) | 0x40
  bytes[8] = (bytes[8]! & 0x3f) | 0x80
  const hex = bytes.map((byte) => byte.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

const some = <T>(random: Random, items: readonly T[], min: number, max: number): T[] =>
  shuffle(random, [...items]).slice(0, random.int(min, Math.min(max, items.length)))

/** An answer given with probability `given`; otherwise unknown, declined or not asked. */
function answer<T>(random: Random, given: number, value: () => T): Answer<T> {
  if (random.next() < given) return { state: 'given', value: value() }
  return { state: choose(random, { unknown: 4, declined: 2, not_asked: 4 }) }
}

const plain = (text: string): Plain => ({ plain: text })
const later = (a: Date, b: Date) => (a > b ? a : b)

const hourWeight = (hour: number) => (hour < 7 ? 1 : hour < 9 ? 2 : hour < 18 ? 4 : hour < 23 ? 3 : 2)
const hours = Array.from({ length: 24 }, (_, hour) => hour)

/**
 * A time on the day `daysAgo` before `now`, more often by day and in the evening (Eastern time), and
 * never within the last day, which is the intake demo's.
 */
function timeOn(random: Random, now: Date, daysAgo: number): Date {
  const day = new Date(now.getTime() - daysAgo * DAY)
  day.setUTCHours(0, 0, 0, 0)
  const at =
    day.getTime() + (chooseWeighted(random, hours, hourWeight) + 5) * HOUR + random.int(0, 3599) * 1000
  return new Date(at > now.getTime() - DAY ? at - DAY : at)
}

const bandLimits: [AgeBand, number][] = [
  ['under_12', 12],
  ['12_15', 16],
  ['16_17', 18],
  ['18_24', 25],
  ['25_34', 35],
  ['35_44', 45],
  ['45_54', 55],
  ['55_64', 65],
]
const bandOf = (years: number): AgeBand => bandLimits.find(([, below]) => years < below)?.[0] ?? '65_plus'

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
  return random.next() < french ? 'fr' : 'en'
}

// ---------------------------------------------------------------------------------------------------
// The year of signals

interface SignalPlan {
  id: string
  receivedAt: Date
  channel: Channel
  language: Lang
  province: ProvinceCode
  caseIndex: number | null
  /** A case's later signal from the person who called first (the same contact when the kind allows). */
  callback: boolean
  classification: Classification | null
  inDanger: boolean
}

const contactKinds: Partial<Record<Channel, ContactKind>> = {
  voice: 'phone',
  sms: 'phone',
  whatsapp: 'whatsapp',
  email: 'email',
}
const providerOf = {
  sms: 'twilio',
  whatsapp: 'whatsapp',
  email: 'email',
  web_chat: 'relais',
  web_form: 'relais',
} as const
const interpreterLanguages = ['es', 'tl', 'zh', 'ar', 'pa', 'uk', 'vi', 'ko']

/** Plans the whole year: every row, from the seeded generator and the input alone. */
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
    referrals: [],
    referralEvents: [],
    escalations: [],
    escalationPeople: [],
    steps: [],
    caseNumbers: new Map(input.lastCaseNumbers ?? []),
  }
  const anyPlace = () => {
    const province = choose<ProvinceCode>(random, provinceShares)
    return chooseWeighted(random, placesOf.get(province)!, (place) => Math.sqrt(place.population + 1))
  }

  // Cases first: where, when, and how many signals each gathers (later ones within two months).
  const perCase = dealt<string>(random, design.signalsPerCase).map(Number)
  const caseSeeds = perCase.map((count, index) => {
    const scenario = scenarios[index] ?? null
    const place = scenario ? scenarioPlace(scenario) : anyPlace()
    const first = timeOn(random, now, scenario ? scenario.daysAgo : random.int(2, design.days))
    const span = Math.max(0, Math.min(60 * DAY, now.getTime() - DAY - first.getTime() - 2 * HOUR))
    const times = [
      first,
      ...Array.from({ length: count - 1 }, () => new Date(first.getTime() + HOUR + random.next() * span)),
    ].sort((a, b) => a.getTime() - b.getTime())
    const language: Lang = place.province === 'QC' && scenario ? 'fr' : languageFor(random, place.province)
    return { index, scenario, place, times, language }
  })

  const signals: SignalPlan[] = caseSeeds.flatMap((seed) =>
    seed.times.map((receivedAt, position) => ({
      id: uuid(random),
      receivedAt,
      channel: 'voice' as Channel,
      language: seed.language,
      province: seed.place.province,
      caseIndex: seed.index,
      callback: position > 0 && random.next() < 0.7,
      classification: 'trafficking' as Classification | null,
      inDanger: position === 0 && seed.scenario?.safety === 'no',
    })),
  )
  const caseSignalCount = signals.length
  while (signals.length < design.signals) {
    const province = choose<ProvinceCode>(random, provinceShares)
    signals.push({
      id: uuid(random),
      receivedAt: timeOn(random, now, random.int(1, design.days)),
      channel: 'voice',
      language: languageFor(random, province),
      province,
      caseIndex: null,
      callback: false,
      classification: null,
      inDanger: random.next() < 0.01,
    })
  }
  // Channels in the design's proportions across all signals; then who hung up, and what the rest were.
  dealt(random, design.channels).forEach((channel, i) => {
    signals[i]!.channel = channel
  })
  const others = signals.slice(caseSignalCount)
  const mayAbandon = others.filter((s) => ['voice', 'web_chat', 'sms', 'whatsapp'].includes(s.channel))
  const abandoned = new Set(
    shuffle(random, mayAbandon)
      .slice(0, design.abandoned)
      .map((s) => s.id),
  )
  const { trafficking: _inCases, ...otherClasses } = design.classifications
  const classes = dealt<Classification>(random, otherClasses)
  for (const signal of others) if (!abandoned.has(signal.id)) signal.classification = classes.pop()!

  const contactOf = planContacts(plan, random, signals)
  const times = new Map<string, { answered: Date; ended: Date; wrapped: Date }>()
  for (const signal of signals) {
    const isAbandoned = abandoned.has(signal.id)
    const preferred = random.next() < 0.04 ? random.pick(interpreterLanguages) : null
    const waitSeconds =
      signal.channel === 'voice'
        ? random.int(5, 120)
        : signal.channel === 'email' || signal.channel === 'web_form'
          ? random.int(600, 8 * 3600)
          : random.int(10, 240)
    const received = signal.receivedAt
    const answered = new Date(received.getTime() + waitSeconds * 1000)
    const minutes = signal.classification === 'trafficking' ? random.int(15, 55) : random.int(3, 25)
    const ended = new Date(answered.getTime() + minutes * MINUTE)
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
      safe_to_chat: signal.channel === 'web_chat' ? choose(random, { yes: 8, unsure: 2 }) : null,
      received_at: received,
      enqueued_at: received,
      fallback_at: new Date(received.getTime() + MINUTE),
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
    // Calls have no messages; every other channel has the person's first words, sealed.
    if (signal.channel !== 'voice')
      plan.messages.push({
        id: uuid(random),
        signal_id: signal.id,
        seq: 1,
        direction: 'in',
        body_sealed: plain(random.pick(openings[signal.classification ?? 'other'][signal.language])),
        provider: providerOf[signal.channel],
        external_id: `demo-${signal.id}`,
        received_at: received,
      })
  }

  // The cases, in the order they were opened (numbered per year).
  const signalsOf = new Map<number, SignalPlan[]>()
  for (const signal of signals.slice(0, caseSignalCount))
    signalsOf.set(signal.caseIndex!, [...(signalsOf.get(signal.caseIndex!) ?? []), signal])
  const opened = caseSeeds
    .map((seed) => ({ seed, own: signalsOf.get(seed.index)! }))
    .sort((a, b) => a.own[0]!.receivedAt.getTime() - b.own[0]!.receivedAt.getTime())
  const told = opened.map(({ seed, own }) => ({
    own,
    ...planCase(plan, input, {
      scenarioIndex: seed.scenario ? seed.index : null,
      place: seed.place,
      language: seed.language,
      signals: own.map((signal) => ({ id: signal.id, ...times.get(signal.id)! })),
    }),
  }))
  recordWrapUpFacts(plan, random, told, others)
  return plan
}

/** Someone other than the first caller reaching the line about a case's situation. */
const anotherCaller: Partial<Record<CallerType, number>> = { concerned_other: 4, professional: 2, unknown: 4 }

/**
 * What the advocates recorded at each wrap-up of where the person is and who reached out, drawn after
 * everything else so the rest of the plan draws the same numbers. A case's signals carry the province
 * as its case records it; its first signal the caller the case holds, a call back the same person
 * again, another of its signals someone else (unless the line dropped before they said). Signals
 * outside cases draw both by their classification.
 */
function recordWrapUpFacts(
  plan: CaseDemoPlan,
  random: Random,
  cases: { own: SignalPlan[]; province: SignalProvince | null; callerType: CallerType }[],
  others: SignalPlan[],
) {
  const rowOf = new Map(plan.signals.map((row) => [row.id as string, row]))
  for (const { own, province, callerType } of cases)
    own.forEach((signal, position) => {
      const caller = position === 0 || signal.callback ? callerType : choose(random, anotherCaller)
      // Now and then the line drops before the person says who they are.
      Object.assign(rowOf.get(signal.id)!, {
        province,
        caller_type: random.next() < 0.05 ? 'unknown' : caller,
      })
    })
  for (const signal of others)
    if (signal.classification)
      Object.assign(rowOf.get(signal.id)!, demoWrapUpFacts(random, signal.classification, signal.province))
}

/**
 * The people behind the signals that have an address: a phone number (555-01XX, fictional) for calls
 * and texts, a WhatsApp number, an email address. A case's later signal is often the same person
 * again; now and then someone who wrote before about something else comes back.
 */
function planContacts(plan: CaseDemoPlan, random: Random, signals: SignalPlan[]): Map<string, string> {
  const contactOf = new Map<string, string>()
  const contacts = new Map<
    string,
    { id: string; kind: ContactKind; address: string; first: Date; last: Date }
  >()
  const earlier: Record<ContactKind, string[]> = { phone: [], whatsapp: [], email: [] }
  const ofCase = new Map<number, Map<ContactKind, string>>()
  const numbersUsed = new Map<string, number>()
  let emails = 0
  const newAddress = (kind: ContactKind, province: ProvinceCode): string | null => {
    if (kind === 'email') return `person${String(++emails).padStart(4, '0')}@example.net`
    for (const code of shuffle(random, [...areaCodes[province]])) {
      const used = numbersUsed.get(code) ?? 0
      if (used < 100) {
        numbersUsed.set(code, used + 1)
        return `+1${code}55501${String(used).padStart(2, '0')}`
      }
    }
    return null
  }
  for (const signal of [...signals].sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime())) {
    const kind = contactKinds[signal.channel]
    if (!kind) continue
    let address = signal.callback ? ofCase.get(signal.caseIndex!)?.get(kind) : undefined
    if (!address && signal.caseIndex === null && earlier[kind].length > 0 && random.next() < 0.08)
      address = random.pick(earlier[kind])
    if (!address) {
      address = newAddress(kind, signal.province) ?? undefined
      if (!address) continue
      contacts.set(address, {
        id: uuid(random),
        kind,
        address,
        first: signal.receivedAt,
        last: signal.receivedAt,
      })
      if (signal.caseIndex === null) earlier[kind].push(address)
    }
    const contact = contacts.get(address)!
    contact.last = signal.receivedAt
    contactOf.set(signal.id, contact.id)
    if (signal.caseIndex !== null) {
      const known = ofCase.get(signal.caseIndex) ?? new Map<ContactKind, string>()
      ofCase.set(signal.caseIndex, known.set(kind, address))
    }
  }
  for (const contact of contacts.values())
    plan.contacts.push({
      id: contact.id,
      kind: contact.kind,
      address_sealed: plain(contact.address),
      first_seen_at: contact.first,
      last_seen_at: contact.last,
    })
  return contactOf
}

// ---------------------------------------------------------------------------------------------------
// A case

interface CaseSeed {
  scenarioIndex: number | null
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
  sex: ['PsychologicalAbuse', 'TakesEarnings', 'PhysicalThreats', 'PsychoactiveSubstance', 'SexualAbuse'],
  labour: [
    'WithholdsDocuments',
    'DebtBondage',
    'ExcessiveWorkingHours',
    'TakesEarnings',
    'ThreatsLawEnforcement',
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
  sex: ['ThroughOnlineSocialNetworks', 'ThroughFriendsOrSocialEvents', 'ThroughFamilyOrFamilyEvents'],
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
    'peer-support',
  ],
  labour: ['labour-rights', 'immigration', 'housing', 'legal-aid', 'material-needs', 'identity-documents'],
  servitude: ['housing-transitional', 'immigration', 'identity-documents', 'counselling', 'labour-rights'],
  marriage: ['housing-emergency', 'counselling', 'immigration', 'legal-aid'],
  unknown: ['case-management', 'counselling', 'housing'],
}
const residencies: Record<Profile, Partial<Record<ResidencyStatus, number>>> = {
  sex: { citizen: 8, permanent_resident: 1, international_student: 1, refugee_claimant: 1 },
  labour: {
    temporary_foreign_worker: 6,
    international_student: 2,
    no_status: 1,
    visitor: 1,
    refugee_claimant: 1,
  },
  servitude: { temporary_foreign_worker: 2, visitor: 2, no_status: 1, permanent_resident: 1 },
  marriage: { permanent_resident: 2, citizen: 1, refugee_claimant: 1 },
  unknown: { citizen: 2, permanent_resident: 1 },
}
const genders: Record<'sex' | 'other', Partial<Record<Gender, number>>> = {
  sex: { Feminine: 86, Masculine: 6, TransgenderFeminine: 5, NonConforming: 3 },
  other: { Masculine: 55, Feminine: 42, NonConforming: 3 },
}

interface PlannedPerson {
  id: string
  role: PersonRole | null
  age: Answer<Age>
}

/**
 * Adds one case and everything it holds to the plan; returns what its first signal's wrap-up recorded:
 * the province as the case holds it, and who reached out.
 */
function planCase(
  plan: CaseDemoPlan,
  input: CaseDemoInput,
  seed: CaseSeed,
): { province: SignalProvince | null; callerType: CallerType } {
  const { random, now, staff } = input
  const scenario = seed.scenarioIndex !== null ? scenarios[seed.scenarioIndex]! : null
  const { place, language } = seed
  const first = seed.signals[0]!
  const last = seed.signals[seed.signals.length - 1]!
  const id = uuid(random)
  const createdAt = new Date(first.answered.getTime() + random.int(3, 12) * MINUTE)
  const year = createdAt.getUTCFullYear()
  const number = (plan.caseNumbers.get(year) ?? 0) + 1
  plan.caseNumbers.set(year, number)
  const profile =
    scenario?.profile ??
    choose<Profile>(random, { sex: 58, labour: 28, servitude: 6, marriage: 3, unknown: 5 })
  const lastSignal = later(last.wrapped, createdAt)
  // Drawn whatever the dates, so the rest of the plan draws the same numbers on any day.
  const stillWorked = random.next() < 0.12
  const open = scenario ? scenario.open : now.getTime() - lastSignal.getTime() < 30 * DAY || stillWorked
  // Work goes on after the last conversation (follow-ups, referrals) until the case closes.
  const closedAt = open
    ? null
    : new Date(Math.min(lastSignal.getTime() + random.int(2, 30) * DAY, now.getTime() - HOUR))
  const workEnds =
    closedAt ?? new Date(Math.min(lastSignal.getTime() + random.int(0, 10) * DAY, now.getTime() - HOUR))

  // Where it happens: always known for a scenario.
  const provinceAnswer: Answer<ProvinceCode> = scenario
    ? { state: 'given', value: place.province }
    : answer(random, 0.88, () => place.province)
  const municipality: Answer<string> =
    provinceAnswer.state !== 'given'
      ? { state: provinceAnswer.state }
      : scenario
        ? { state: 'given', value: place.name }
        : answer(random, 0.75, () => place.name)
  const province = provinceAnswer.state === 'given' ? provinceAnswer.value : null
  const today = now.toISOString().slice(0, 10)
  const protocol = protocolInForce(input.protocols, province, today)?.document ?? null
  const bounds = nationalBounds(input.protocols, today)

  const safety =
    scenario?.safety ?? choose<SafetyStatus>(random, { yes: 50, no: 10, unsure: 18, not_asked: 22 })
  const safetyPlan =
    safety === 'no' || (safety === 'unsure' && random.next() < 0.5)
      ? random.pick(safetyPlans[language])
      : null
  const types = profileTypes[profile]
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
    ...answerColumns(
      'people_affected',
      answer(random, 0.8, () => Number(choose(random, { 1: 75, 2: 12, 3: 6, 5: 4, 12: 3 }))),
    ),
    ...answerColumns(
      'trafficking_types',
      types
        ? answer(random, 0.92, () =>
            profile === 'sex' && random.next() < 0.1 ? [...types, 'ForcedLabour'] : types,
          )
        : { state: 'unknown' },
    ),
    ...answerColumns(
      'trafficking_status',
      answer(random, 0.85, () =>
        choose<TraffickingStatus>(random, {
          PossibleVictimOfTrafficking: 62,
          ActualVictimOfTrafficking: 36,
          NotAVictimOfTrafficking: 2,
        }),
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
    ...answerColumns('municipality', municipality),
    ...answerColumns(
      'community_size',
      municipality.state === 'given'
        ? answer(random, 0.7, () => communitySize(place))
        : { state: 'not_asked' },
    ),
    created_by: staff.advocate,
    assigned_to: staff.advocate,
    created_at: createdAt,
    updated_at: workEnds,
    last_worked_at: workEnds,
    closed_at: closedAt,
    closed_by: closedAt ? staff.advocate : null,
    closure_reason_sealed: closedAt ? plain(random.pick(closureTexts[language])) : null,
  } as Row<'case_file'>)
  const worker: Row<'case_worker'> = {
    case_id: id,
    staff_id: staff.advocate,
    via: 'created',
    first_at: createdAt,
    last_worked_at: workEnds,
  }
  plan.workers.push(worker)
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
  const people: PlannedPerson[] = []
  const addPerson = (role: PersonRole | null, age: Answer<Age>, subject: boolean) => {
    const person: PlannedPerson = { id: uuid(random), role, age }
    const at = new Date(createdAt.getTime() + (people.length + 1) * MINUTE)
    const languages =
      language === 'fr'
        ? ['fr']
        : profile !== 'sex' && random.next() < 0.25
          ? [random.pick(['es', 'tl', 'pa', 'uk', 'zh', 'vi']), 'en']
          : ['en']
    const ifSubject = <T>(given: number, value: () => T): Answer<T> =>
      subject ? answer(random, given, value) : { state: 'not_asked' }
    const safeContact = subject &&
      random.next() < 0.6 && {
        callBack: answer(random, 0.8, () => random.next() < 0.6),
        voicemail: answer(random, 0.6, () => random.next() < 0.2),
        text: answer(random, 0.7, () => random.next() < 0.7),
        email: answer(random, 0.3, () => random.next() < 0.5),
        codeWord: answer(random, 0.4, () => random.pick(codeWords)),
        safeTimes: answer(random, 0.5, () => random.pick(safeTimes[language])),
      }
    plan.people.push({
      id: person.id,
      case_id: id,
      ...answerColumns('role', role ? { state: 'given', value: role } : { state: 'unknown' }),
      ...ageColumns(age),
      ...answerColumns(
        'gender',
        answer(random, subject ? 0.85 : 0.5, () =>
          choose(random, genders[profile === 'sex' ? 'sex' : 'other']),
        ),
      ),
      ...answerColumns(
        'languages',
        answer(random, 0.8, () => languages),
      ),
      ...answerColumns(
        'residency',
        ifSubject(0.65, () => choose(random, residencies[profile])),
      ),
      ...answerColumns(
        'indigenous',
        ifSubject(0.35, () =>
          choose(random, {
            not_indigenous: 80,
            first_nations: 10,
            metis: 5,
            inuit: 3,
            indigenous_unspecified: 2,
          }),
        ),
      ),
      ...answerColumns(
        'two_spirit_lgbtqi',
        ifSubject(0.3, () => random.next() < 0.15),
      ),
      ...answerColumns(
        'disability',
        ifSubject(0.3, () => random.next() < 0.12),
      ),
      safe_contact_sealed: safeContact ? plain(JSON.stringify(safeContact)) : null,
      created_by: staff.advocate,
      created_at: at,
      updated_at: at,
    } as Row<'case_person'>)
    people.push(person)
  }
  const caller = scenario
    ? (scenario.caller ?? null)
    : choose(random, { self: 70, concerned_other: 20, professional: 10 })
  const subjectRole = choose(random, { victim: 55, survivor: 35, unknown: 10 })
  addPerson(
    caller && caller !== 'self' ? 'victim' : subjectRole === 'unknown' ? null : subjectRole,
    scenario?.minor ? { state: 'given', value: scenario.minor } : adultAge(random, profile, protocol, bounds),
    true,
  )
  if (caller && caller !== 'self')
    addPerson(
      caller,
      answer(random, 0.4, () => ({ years: random.int(30, 60) })),
      false,
    )

  // The exploiter, when the person spoke of them.
  if (random.next() < 0.6) {
    const detail = (text: { en: string; fr: string }, given: number) =>
      answer(random, given, () => text[language])
    const platforms: OnlinePlatform[] = [
      'Instagram',
      'SnapChat',
      'WhatsApp',
      'Telegram',
      'TikTok',
      'FacebookMessenger',
    ]
    const at = new Date(createdAt.getTime() + 5 * MINUTE)
    plan.exploiters.push({
      id: uuid(random),
      case_id: id,
      ...answerColumns(
        'count',
        answer(random, 0.7, () => Number(choose(random, { 1: 70, 2: 20, 3: 10 }))),
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
          onlinePlatforms: answer(random, profile === 'sex' ? 0.5 : 0.15, () =>
            some(random, platforms, 1, 2),
          ),
        }),
      ),
      created_by: staff.advocate,
      created_at: at,
      updated_at: at,
    } as Row<'case_exploiter'>)
  }

  // Needs, referred to services where the directory has one, and how far each went.
  const kinds = some(random, needsOf[profile], 1, 4)
  if (scenario?.minor && !kinds.includes('counselling')) kinds.push('counselling')
  kinds.forEach((kind, position) => {
    const at = new Date(createdAt.getTime() + (position + 6) * MINUTE)
    const need = {
      id: uuid(random),
      case_id: id,
      person_id: people[0]!.id,
      kind,
      created_by: staff.advocate,
      created_at: at,
    }
    const { status, changedAt } = planReferral(plan, input, {
      caseId: id,
      need,
      province,
      municipality: municipality.state === 'given' ? municipality.value : null,
      language,
      open,
      workEnds,
    })
    plan.needs.push({ ...need, status, updated_at: changedAt, status_changed_at: changedAt })
  })

  // Notes: at each conversation, and now and then between them.
  const noteTimes = seed.signals.map((signal) => signal.ended)
  if (random.next() < 0.4)
    noteTimes.push(
      new Date(first.ended.getTime() + random.next() * (workEnds.getTime() - first.ended.getTime())),
    )
  for (const at of noteTimes.sort((a, b) => a.getTime() - b.getTime()))
    plan.notes.push({
      id: uuid(random),
      case_id: id,
      author_id: staff.advocate,
      body_sealed: plain(random.pick(noteTexts[language])),
      created_at: at,
    })

  if (scenario?.escalation) {
    const escalation = planEscalation(plan, input, {
      caseId: id,
      scenarioIndex: seed.scenarioIndex!,
      province: place.province,
      people,
      startedAt: new Date(createdAt.getTime() + random.int(5, 15) * MINUTE),
      language,
    })
    // Its steps touch the case as any change does; a supervisor's review makes them one of its workers.
    const file = plan.cases[plan.cases.length - 1]!
    const touched = later(escalation.touchedAt, file.last_worked_at as Date)
    if (!closedAt) Object.assign(file, { updated_at: touched, last_worked_at: touched })
    worker.last_worked_at = file.last_worked_at
    if (escalation.reviewedAt)
      plan.workers.push({
        case_id: id,
        staff_id: staff.supervisor,
        via: 'worked',
        first_at: escalation.reviewedAt,
        last_worked_at: escalation.reviewedAt,
      })
  }
  return {
    province:
      provinceAnswer.state === 'given'
        ? provinceAnswer.value
        : provinceAnswer.state === 'not_asked'
          ? null
          : provinceAnswer.state,
    callerType: caller && caller !== 'self' ? caller : subjectRole,
  }
}

/**
 * An adult's age as the person gave it: years, a band, or not given. A band is kept only where it
 * cannot hold a child under the protocol in force (or, the place unknown, under any protocol), so no
 * demo case silently owes a child-protection report.
 */
function adultAge(
  random: Random,
  profile: Profile,
  protocol: StoredProtocol['document'] | null,
  bounds: { requiredUnder: number; mayUnder: number },
): Answer<Age> {
  const years = profile === 'labour' || profile === 'servitude' ? random.int(20, 52) : random.int(19, 38)
  const form = choose(random, { years: 45, band: 40, unknown: 6, declined: 4, not_asked: 5 })
  if (form !== 'years' && form !== 'band') return { state: form }
  if (form === 'band') {
    const band: Answer<Age> = { state: 'given', value: { band: bandOf(years) } }
    const { verdict } = evaluateChildProtection({
      protocol,
      bounds,
      people: [{ id: 'person', role: 'victim', age: evaluatedAge(band) }],
      consent: 'not_asked',
      imminentDanger: false,
    })
    if (verdict !== 'required' && verdict !== 'possibly_required') return band
  }
  return { state: 'given', value: { years } }
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

// ---------------------------------------------------------------------------------------------------
// Referrals

/** How a referral went, by what became of its need. */
const referralPaths: Record<'open' | 'closed', Partial<Record<string, number>>> = {
  open: { none: 30, pending: 25, accepted: 20, completed: 10, declined: 8, no_capacity: 7 },
  closed: { none: 35, completed: 40, declined: 8, no_capacity: 7, unknown: 10 },
}
const needAfter: Record<ReferralOutcome, NeedStatus> = {
  pending: 'referred',
  accepted: 'referred',
  unknown: 'referred',
  completed: 'met',
  declined: 'unmet',
  no_capacity: 'unmet',
}

/**
 * Refers a need to a service of its kind in the case's place (its municipality if the directory has
 * one there, else its province), as the referral service would: consent and what it allows, an
 * alias and a warm-handoff note, then the provider's answers in order, and the follow-up while it is
 * open. Returns the need's status as the referral left it; a need not referred is met, declined or
 * still unmet.
 */
function planReferral(
  plan: CaseDemoPlan,
  input: CaseDemoInput,
  r: {
    caseId: string
    need: { id: string; kind: NeedKind; person_id: string; created_at: Date }
    province: ProvinceCode | null
    municipality: string | null
    language: Lang
    open: boolean
    workEnds: Date
  },
): { status: NeedStatus; changedAt: Date } {
  const { random, staff } = input
  const path = choose(random, referralPaths[r.open ? 'open' : 'closed'])
  const type = serviceTypeTermId(r.need.kind)
  const candidates = r.province
    ? input.services.filter((service) => service.province === r.province && service.types.includes(type))
    : []
  const local = candidates.filter((service) => service.municipality === r.municipality)
  const pool = local.length > 0 ? local : candidates
  const service = pool.length > 0 ? random.pick(pool) : null
  const span = r.workEnds.getTime() - r.need.created_at.getTime()
  const at = (share: number) => new Date(r.need.created_at.getTime() + share * span)
  if (path === 'none' || !service) {
    const status = choose<NeedStatus>(
      random,
      r.open ? { unmet: 6, met: 2, declined: 2 } : { met: 6, declined: 3, unmet: 1 },
    )
    return { status, changedAt: status === 'unmet' ? r.need.created_at : at(random.next()) }
  }
  const outcome = path as ReferralOutcome
  const id = uuid(random)
  const createdAt = at(random.next() * 0.3)
  const answeredAt = at(0.3 + random.next() * 0.6)
  const consent = random.next() < 0.85
  const fields: ShareableReferralField[] = consent
    ? [
        'needs',
        'location',
        ...some(random, ['ageBand', 'gender', 'languages', 'safeContact', 'handoffNote'] as const, 1, 4),
      ]
    : []
  const alias = consent && random.next() < 0.4 ? random.pick(aliases) : null
  if (alias) fields.unshift('alias')
  const events: { status: ReferralOutcome; at: Date }[] = [{ status: 'pending', at: createdAt }]
  if (outcome === 'completed') events.push({ status: 'accepted', at: answeredAt })
  if (outcome !== 'pending')
    events.push({ status: outcome, at: outcome === 'completed' ? at(0.95) : answeredAt })
  const last = events[events.length - 1]!
  const stillOpen = outcome === 'pending' || outcome === 'accepted'
  plan.referrals.push({
    id,
    case_id: r.caseId,
    need_id: r.need.id,
    need_kind: r.need.kind,
    person_id: r.need.person_id,
    service_id: service.id,
    organization_id: service.organizationId,
    service_name_en: service.nameEn,
    service_name_fr: service.nameFr,
    organization_name_en: service.organizationNameEn,
    organization_name_fr: service.organizationNameFr,
    service_confidential: service.confidential,
    service_referral_status: service.referralStatus,
    consent_given: consent,
    consent_at: createdAt,
    shared_fields: [...new Set(fields)],
    alias_sealed: alias ? plain(alias) : null,
    handoff_note_sealed: plain(random.pick(handoffTexts[r.language])),
    status: outcome,
    status_changed_at: last.at,
    // Open referrals fall due a week after their last news: the overdue ones are the follow-up list.
    follow_up_due_at: stillOpen ? new Date(last.at.getTime() + caseDemoDesign.followUpDays * DAY) : null,
    created_by: staff.advocate,
    created_at: createdAt,
    updated_at: last.at,
  })
  for (const event of events)
    plan.referralEvents.push({
      id: uuid(random),
      referral_id: id,
      status: event.status,
      note_sealed: null,
      occurred_at: event.at,
      recorded_by: staff.advocate,
      recorded_at: event.at,
    })
  return { status: needAfter[outcome], changedAt: last.at }
}

// ---------------------------------------------------------------------------------------------------
// Escalations

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
    province: ProvinceCode
    people: PlannedPerson[]
    startedAt: Date
    language: Lang
  },
): { touchedAt: Date; reviewedAt: Date | null } {
  const { random, staff } = input
  const scenario = scenarios[e.scenarioIndex]!
  const wanted = scenario.escalation!
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
      `${protocol.document.id} does not allow the demo's ${wanted.kind} (${evaluation.verdict})`,
    )
  const agency = input.agencies.get(e.scenarioIndex)
  if (!agency) throw new Error(`the demo directory has no agency for a ${wanted.kind} at ${scenario.place}`)

  const rule = protocol.document.escalations[wanted.kind]
  const id = uuid(random)
  const done = wanted.stage === 'completed' ? rule.steps.length : 2
  let at = e.startedAt
  const recorded: Record<string, unknown> = {}
  rule.steps.slice(0, done).forEach((step, position) => {
    at = new Date(at.getTime() + random.int(3, 12) * MINUTE)
    if (step.action === 'share') recorded.shared_fields = [...(wanted.shared ?? ['location', 'situation'])]
    if (step.action === 'contact')
      Object.assign(recorded, {
        agency_id: agency.id,
        agency_kind: agency.kind,
        agency_name_en: agency.name_en,
        agency_name_fr: agency.name_fr,
        agency_phone: agency.emergency_phone,
        contacted_at: at,
      })
    if (step.action === 'reference')
      recorded.report_reference_sealed = plain(
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
    review === 'approved' && completedAt ? new Date(completedAt.getTime() + random.int(2, 20) * HOUR) : null
  const danger = {
    en: 'Threatened on the phone during the call; she is locked in the room.',
    fr: 'Menacée au téléphone pendant l’appel; elle est enfermée dans la chambre.',
  }
  plan.escalations.push({
    id,
    case_id: e.caseId,
    kind: wanted.kind,
    protocol_id: protocol.document.id,
    protocol_version: protocol.document.version,
    status: completedAt ? 'completed' : 'in_progress',
    consent: wanted.consent,
    imminent_danger: wanted.imminentDanger,
    imminent_danger_note_sealed: wanted.imminentDanger ? plain(danger[e.language]) : null,
    next_step: done,
    ...recorded,
    outcome: completedAt ? (wanted.outcome ?? 'reported') : null,
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
  return { touchedAt: reviewedAt ?? completedAt ?? at, reviewedAt }
}

// ---------------------------------------------------------------------------------------------------
// Reading the directory, writing the plan

type Db = Kysely<DB>

/**
 * The agency each escalating scenario contacts: of the kinds its protocol lists, in their order, the
 * first the directory names as responsible for the place (its own area first).
 */
export async function scenarioAgencies(db: Db, protocols: readonly StoredProtocol[], day: string) {
  const agencies = new Map<number, DemoAgency>()
  for (const [index, scenario] of scenarios.entries()) {
    if (!scenario.escalation) continue
    const place = scenarioPlace(scenario)
    const kinds = protocolInForce(protocols, place.province, day)?.document.escalations[
      scenario.escalation.kind
    ].agencyKinds
    if (!kinds) continue
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

/** The directory's active services and where they are offered, to refer needs to. */
export async function referableServices(db: Db): Promise<DemoService[]> {
  const rows = await db
    .selectFrom('directory_search as e')
    .innerJoin('directory_service as s', 's.id', 'e.service_id')
    .innerJoin('directory_organization as o', 'o.id', 's.organization_id')
    .select([
      's.id',
      's.organization_id',
      's.name_en',
      's.name_fr',
      'o.name_en as organization_name_en',
      'o.name_fr as organization_name_fr',
      's.confidential',
      'o.confidential as organization_confidential',
      's.referral_status',
      'e.province',
      'e.municipality',
      'e.term_ids',
    ])
    .where('e.kind', '=', 'service_provider')
    .where('s.status', '=', 'active')
    .where('e.province', 'is not', null)
    .orderBy('e.id')
    .execute()
  const services = new Map<string, DemoService>()
  for (const row of rows)
    if (!services.has(row.id))
      services.set(row.id, {
        id: row.id,
        organizationId: row.organization_id,
        nameEn: row.name_en,
        nameFr: row.name_fr,
        organizationNameEn: row.organization_name_en,
        organizationNameFr: row.organization_name_fr,
        confidential: row.confidential || row.organization_confidential,
        referralStatus: row.referral_status,
        province: row.province!,
        municipality: row.municipality,
        types: row.term_ids,
      })
  return [...services.values()]
}

/** Seals every `Plain` of a row; everything else goes as planned. */
function sealed(secrets: Secrets, row: object): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(row))
    out[key] =
      value !== null && typeof value === 'object' && 'plain' in value
        ? secrets.seal((value as Plain).plain)
        : value
  return out
}

/** Multi-row inserts, each under the engines' bind-parameter limit. */
async function insertAll(db: Db, table: keyof DB, rows: Record<string, unknown>[]) {
  if (rows.length === 0) return
  const size = Math.max(1, Math.floor(20_000 / new Set(rows.flatMap((row) => Object.keys(row))).size))
  for (let i = 0; i < rows.length; i += size)
    await db
      .insertInto(table)
      .values(rows.slice(i, i + size) as never)
      .execute()
}

/** Writes a plan: personal values sealed, addresses found again by their blind index, in bulk. */
export async function writeCaseDemo(db: Db, secrets: Secrets, plan: CaseDemoPlan) {
  const contacts = plan.contacts.map((contact) => ({
    ...sealed(secrets, contact),
    blind_index: contactIndex(secrets, contact.kind as ContactKind, (contact.address_sealed as Plain).plain),
  }))
  const tables: [keyof DB, object[]][] = [
    ['intake_signal', plan.signals],
    ['intake_message', plan.messages],
    ['case_file', plan.cases],
    ['case_worker', plan.workers],
    ['case_signal', plan.caseSignals],
    ['case_person', plan.people],
    ['case_exploiter', plan.exploiters],
    ['case_need', plan.needs],
    ['case_note', plan.notes],
    ['case_referral', plan.referrals],
    ['case_referral_event', plan.referralEvents],
    ['case_escalation', plan.escalations],
    ['case_escalation_person', plan.escalationPeople],
    ['case_escalation_step', plan.steps],
  ]
  await insertAll(db, 'intake_contact', contacts)
  for (const [table, rows] of tables)
    await insertAll(
      db,
      table,
      rows.map((row) => sealed(secrets, row)),
    )
  for (const [year, last] of plan.caseNumbers)
    await sql`insert into case_number_counter (year, last) values (${year}, ${last})
      on conflict (year) do update set last = greatest(case_number_counter.last, excluded.last)`.execute(db)
}

/** The cases module's demo data, once: skipped when any case exists. */
export async function seedDemoCases(context: DemoContext, now = new Date()) {
  const started = performance.now()
  const outcome = await context.database.db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('case_file')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    if (Number(existing.n) > 0) return { existing: Number(existing.n) }
    const staff = await trx
      .selectFrom('staff_user')
      .select(['id', 'email'])
      .where('email', 'in', [demoEmail('advocate'), demoEmail('supervisor')])
      .execute()
    const advocate = staff.find((row) => row.email === demoEmail('advocate'))?.id
    const supervisor = staff.find((row) => row.email === demoEmail('supervisor'))?.id
    if (!advocate || !supervisor) return { missingStaff: true }
    const protocols = await allProtocols(trx)
    const counters = await trx.selectFrom('case_number_counter').select(['year', 'last']).execute()
    const plan = planCaseDemo({
      random: context.random,
      now,
      staff: { advocate, supervisor },
      protocols,
      agencies: await scenarioAgencies(trx, protocols, now.toISOString().slice(0, 10)),
      services: await referableServices(trx),
      lastCaseNumbers: new Map(counters.map((row) => [row.year, row.last])),
    })
    await writeCaseDemo(trx, context.secrets, plan)
    const counts = {
      signals: plan.signals.length,
      cases: plan.cases.length,
      open: plan.cases.filter((row) => row.status === 'open').length,
      referrals: plan.referrals.length,
      escalations: plan.escalations.length,
    }
    await appendAuditEvent(trx, context.audit, { action: 'case.demo_seeded', details: counts })
    return { counts }
  })
  if ('existing' in outcome) {
    context.report.push(`Demo cases: ${outcome.existing} cases (already there).`)
  } else if ('missingStaff' in outcome) {
    context.report.push('Demo cases: skipped (the demo advocate and supervisor accounts are missing).')
  } else {
    const { counts } = outcome
    const n = (value: number) => value.toLocaleString('en-CA')
    context.report.push(
      `Demo cases: a year of ${n(counts.signals)} signals (72 % by phone), ${n(counts.cases)} cases (${counts.open} open) with ${n(counts.referrals)} referrals and ${counts.escalations} escalations, written in ${((performance.now() - started) / 1000).toFixed(1)} s.`,
    )
  }
}
