import { type ProvinceCode, provinceCodes } from '../../../common/geography.ts'
import { type Random, seededRandom } from '../../demo/demo.ts'
import type {
  AttributeRecord,
  BilingualText,
  DirectoryBundle,
  LocationRecord,
  MultiPolygon,
  OrganizationRecord,
  ServiceAtLocationRecord,
  ServiceRecord,
} from '../directory.records.ts'
import type { HsdsDoc, ReferralStatus, ServiceStatus } from '../directory.tables.ts'
import { populationTermId, relaisTaxonomies, relaisTaxonomyTerms, serviceTypeTermId } from '../taxonomies.ts'
import {
  type ChildProtectionAgency,
  childProtectionAgencies,
  type PoliceAgency,
  policeAgencies,
} from './agencies.ts'
import {
  distanceKm,
  type Municipality,
  municipalities,
  municipality as municipalityById,
  municipalityRecords,
  provinceAreaCodes,
  slug,
} from './municipalities.ts'
import {
  type Archetype,
  archetypes,
  catalogue,
  communityIndigenousLanguages,
  communityLanguages,
  deFr,
  type Hours,
  indigenousLanguages,
  languageNames,
  nameWords,
  type Pair,
  type ServiceTemplate,
  streetsEn,
  streetsFr,
  type TemplateKey,
} from './vocabulary.ts'

/**
 * Share of the directory's providers in each province and territory, in percent: the hotline's
 * evaluation counts 40% of its partners in Ontario and 17% in Quebec; the rest follows population.
 */
export const provinceShares: Record<ProvinceCode, number> = {
  ON: 40,
  QC: 17,
  BC: 12,
  AB: 9,
  NS: 7,
  MB: 4,
  SK: 3,
  NB: 3,
  NL: 2,
  PE: 1,
  NT: 0.8,
  NU: 0.6,
  YT: 0.6,
}

export const DEFAULT_DEMO_SERVICES = 4000
/** Services per provider on average (the evaluation counts 3,690 services for 923 providers). */
export const SERVICES_PER_PROVIDER = 4

export interface GenerateOptions {
  seed: number
  /** Services of the service providers; police and child-protection services come on top. */
  services?: number
  /** Service providers; by default one for every four services. */
  providers?: number
  /** The day verification and referral dates count back from; today by default. */
  today?: Date
}

/** When an entry was last confirmed by a directory manager, in days before `today`. */
export interface DemoVerification {
  entityType: 'organization' | 'service'
  entityId: string
  daysAgo: number
}

export interface GeneratedDirectory {
  bundle: DirectoryBundle
  verifications: DemoVerification[]
  counts: {
    providers: number
    services: number
    police: number
    childProtection: number
    agencyServices: number
    locations: number
    confidentialServices: number
    municipalities: number
  }
}

type Language = 'en' | 'fr'
type Texts = 'both' | Language

interface Place {
  municipality: Municipality
  /** English first, French first, or both official languages alike (New Brunswick). */
  primary: Language
  bilingualRegion: boolean
}

/** Largest-remainder apportionment of `total` by shares. */
export function apportion<K extends string>(total: number, shares: Record<K, number>): Record<K, number> {
  const keys = Object.keys(shares) as K[]
  const sum = keys.reduce((acc, key) => acc + shares[key], 0)
  const exact = keys.map((key) => ({ key, value: (total * shares[key]) / sum }))
  const result = Object.fromEntries(exact.map(({ key, value }) => [key, Math.floor(value)])) as Record<
    K,
    number
  >
  let left = total - keys.reduce((acc, key) => acc + result[key], 0)
  for (const { key } of [...exact].sort(
    (a, b) => (b.value % 1) - (a.value % 1) || (a.key < b.key ? -1 : 1),
  )) {
    if (left <= 0) break
    result[key] += 1
    left -= 1
  }
  return result
}

function weightedPick<T>(random: Random, items: readonly T[], weight: (item: T) => number): T {
  const total = items.reduce((acc, item) => acc + weight(item), 0)
  let target = random.next() * total
  for (const item of items) {
    target -= weight(item)
    if (target < 0) return item
  }
  return items[items.length - 1]!
}

const pad = (value: number, length: number) => String(value).padStart(length, '0')

function dateBefore(today: Date, days: number): string {
  return new Date(today.getTime() - days * 86_400_000).toISOString().slice(0, 10)
}

/** A regular polygon approximating a circle, as a GeoJSON MultiPolygon (longitude, latitude). */
export function circleArea(latitude: number, longitude: number, radiusKm: number, sides = 24): MultiPolygon {
  const ring: number[][] = []
  for (let i = 0; i <= sides; i += 1) {
    const angle = ((i % sides) / sides) * 2 * Math.PI
    const lat = latitude + (radiusKm / 111.32) * Math.cos(angle)
    const lng = longitude + (radiusKm / (111.32 * Math.cos((latitude * Math.PI) / 180))) * Math.sin(angle)
    ring.push([round6(Math.max(-180, Math.min(180, lng))), round6(Math.max(-90, Math.min(90, lat)))])
  }
  return { type: 'MultiPolygon', coordinates: [[ring]] }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))
const round6 = (value: number) => Math.round(value * 1e6) / 1e6

/** How far from the centre a place's entries spread, in km: a few in a village, 20 in Toronto. */
export const spreadKm = (m: Municipality) => Math.min(20, 1.5 + 0.35 * Math.sqrt(m.population))

/**
 * Builds a synthetic, realistic Canadian referral directory: service providers in the evaluation's
 * proportions per province and territory, with bilingual names and descriptions (French first in
 * Quebec and French-speaking communities, both in New Brunswick, English first elsewhere, and some
 * in one language only), locations around real municipalities, HSDS schedules, languages, service
 * types and populations, eligibility, referral status and verification dates; plus police and
 * child-protection agencies for every province and territory. The same seed gives the same
 * directory.
 */
export function generateDirectory(options: GenerateOptions): GeneratedDirectory {
  const services = Math.max(1, Math.round(options.services ?? DEFAULT_DEMO_SERVICES))
  const providers = Math.max(
    1,
    Math.min(services, Math.round(options.providers ?? services / SERVICES_PER_PROVIDER)),
  )
  const today = options.today ?? new Date(new Date().toISOString().slice(0, 10))
  return new Generator(options.seed, today).run(providers, services)
}

class Generator {
  private readonly random: Random
  private readonly idRandom: Random
  private readonly organizations: OrganizationRecord[] = []
  private readonly locations: LocationRecord[] = []
  private readonly services: ServiceRecord[] = []
  private readonly serviceAtLocations: ServiceAtLocationRecord[] = []
  private readonly attributes: AttributeRecord[] = []
  private readonly verifications: DemoVerification[] = []
  private readonly usedNames = new Set<string>()
  private readonly nameNumbers = new Map<string, number>()

  constructor(
    seed: number,
    private readonly today: Date,
  ) {
    this.random = seededRandom(seed)
    this.idRandom = seededRandom(Math.imul(seed ^ 0x5bd1e995, 2654435761) >>> 0)
  }

  run(providers: number, services: number): GeneratedDirectory {
    // Every provider has a service; the services beyond those follow the same shares, among the
    // provinces and territories that have providers at all (a tiny directory may leave some out).
    const providersPer = apportion(providers, provinceShares)
    const present = provinceCodes.filter((province) => providersPer[province] > 0)
    const extraPer = apportion(
      services - providers,
      Object.fromEntries(present.map((province) => [province, provinceShares[province]])),
    )
    for (const province of present)
      this.province(province, providersPer[province], providersPer[province] + (extraPer[province] ?? 0))
    const providerServices = this.services.length
    for (const police of policeAgencies) this.police(police)
    for (const agency of childProtectionAgencies) this.childProtection(agency)
    const agencyServices = this.services.length - providerServices

    const confidentialOrgs = new Set(this.organizations.filter((o) => o.confidential).map((o) => o.id))
    const confidentialLocations = new Set(this.locations.filter((l) => l.confidential).map((l) => l.id))
    const locationsOf = new Map<string, string[]>()
    for (const sal of this.serviceAtLocations) {
      const list = locationsOf.get(sal.serviceId)
      if (list) list.push(sal.locationId)
      else locationsOf.set(sal.serviceId, [sal.locationId])
    }
    const confidentialServices = this.services.filter(
      (s) =>
        s.confidential ||
        confidentialOrgs.has(s.organizationId) ||
        (locationsOf.get(s.id) ?? []).some((id) => confidentialLocations.has(id)),
    ).length

    return {
      bundle: {
        taxonomies: relaisTaxonomies,
        taxonomyTerms: relaisTaxonomyTerms,
        organizations: this.organizations,
        locations: this.locations,
        services: this.services,
        serviceAtLocations: this.serviceAtLocations,
        attributes: this.attributes,
        municipalities: municipalityRecords(),
      },
      verifications: this.verifications,
      counts: {
        providers,
        services: providerServices,
        police: policeAgencies.length,
        childProtection: childProtectionAgencies.length,
        agencyServices,
        locations: this.locations.length,
        confidentialServices,
        municipalities: municipalities.length,
      },
    }
  }

  // --- small helpers -------------------------------------------------------------------------

  /** A version-4 UUID drawn from the generator's own stream, so ids repeat with the seed. */
  private uuid(): string {
    const word = () => Math.floor(this.idRandom.next() * 0x1_0000_0000)
    const bytes = (value: number) =>
      HEX[value >>> 24]! + HEX[(value >>> 16) & 0xff]! + HEX[(value >>> 8) & 0xff]! + HEX[value & 0xff]!
    const a = bytes(word())
    const b = bytes(((word() & 0xffff0fff) | 0x00004000) >>> 0)
    const c = bytes(((word() & 0x3fffffff) | 0x80000000) >>> 0)
    const d = bytes(word())
    return `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d}`
  }

  private chance(p: number | undefined) {
    return p !== undefined && this.random.next() < p
  }

  private phone(m: Municipality) {
    return `${m.areaCode ?? provinceAreaCodes[m.province]}-555-01${pad(this.random.int(0, 99), 2)}`
  }

  private postalCode(m: Municipality) {
    const letters = 'ABCEGHJKLMNPRSTVWXYZ'
    const letter = () => letters[this.random.int(0, letters.length - 1)]!
    const digit = () => String(this.random.int(0, 9))
    const prefix = m.postal ?? 'K'
    const fsa = prefix.length >= 2 ? prefix.slice(0, 2) + letter() : prefix + digit() + letter()
    return `${fsa} ${digit()}${letter()}${digit()}`
  }

  private point(m: Municipality, spread = spreadKm(m)) {
    const [from, to] = m.land ?? [0, 360]
    const bearing = ((from + this.random.next() * (to - from)) * Math.PI) / 180
    const distance = spread * this.random.next() ** 1.3
    const latitude = m.latitude + (distance * Math.cos(bearing)) / 111.32
    const longitude =
      m.longitude + (distance * Math.sin(bearing)) / (111.32 * Math.cos((m.latitude * Math.PI) / 180))
    return { latitude: round6(latitude), longitude: round6(longitude) }
  }

  private place(m: Municipality): Place {
    if (m.province === 'QC') return { municipality: m, primary: 'fr', bilingualRegion: false }
    if (m.province === 'NB')
      return { municipality: m, primary: m.francophone ? 'fr' : 'en', bilingualRegion: true }
    return { municipality: m, primary: m.francophone ? 'fr' : 'en', bilingualRegion: m.bilingual ?? false }
  }

  /** Which official languages an entry's text is in. */
  private texts(place: Place): Texts {
    const both = place.bilingualRegion
      ? 0.95
      : place.municipality.province === 'QC'
        ? 0.65
        : place.municipality.francophone
          ? 0.85
          : 0.7
    if (this.random.next() < both) return 'both'
    return place.bilingualRegion && this.chance(0.5) ? (place.primary === 'en' ? 'fr' : 'en') : place.primary
  }

  private bilingual(pair: Pair, texts: Texts): BilingualText {
    return { en: texts === 'fr' ? null : pair.en, fr: texts === 'en' ? null : pair.fr }
  }

  private address(m: Municipality, type: 'physical' | 'postal', french: boolean): HsdsDoc {
    const number = this.random.int(1, 2400)
    const address1 =
      type === 'postal'
        ? french
          ? `C.P. ${this.random.int(10, 9999)}`
          : `PO Box ${this.random.int(10, 9999)}`
        : french
          ? `${number}, ${this.random.pick(streetsFr)}`
          : `${number} ${this.random.pick(streetsEn)}`
    return {
      id: this.uuid(),
      address_1: address1,
      ...(type === 'physical' && this.chance(0.25)
        ? { address_2: french ? `Bureau ${this.random.int(100, 450)}` : `Suite ${this.random.int(100, 450)}` }
        : {}),
      city: m.name,
      state_province: m.province,
      postal_code: this.postalCode(m),
      country: 'CA',
      address_type: type,
    }
  }

  private languages(codes: string[]): HsdsDoc[] {
    return [...new Set(codes)].map((code) => ({ id: this.uuid(), code, name: languageNames[code] ?? code }))
  }

  private schedules(hours: Hours): HsdsDoc[] {
    const weekly = (byday: string, opens: string, closes: string) => ({
      id: this.uuid(),
      freq: 'WEEKLY',
      wkst: 'MO',
      byday,
      opens_at: opens,
      closes_at: closes,
    })
    switch (hours) {
      case 'always':
        return [weekly('MO,TU,WE,TH,FR,SA,SU', '00:00', '23:59')]
      case 'office':
        return [
          weekly(
            'MO,TU,WE,TH,FR',
            this.random.pick(['08:00', '08:30', '09:00']),
            this.random.pick(['16:00', '16:30', '17:00']),
          ),
        ]
      case 'extended':
        return [
          weekly(
            'MO,TU,WE,TH',
            this.random.pick(['08:00', '08:30', '09:00']),
            this.random.pick(['19:00', '20:00', '21:00']),
          ),
          weekly('FR', '09:00', '17:00'),
          ...(this.chance(0.6) ? [weekly('SA', '10:00', this.random.pick(['14:00', '16:00']))] : []),
        ]
      case 'drop_in':
        return [
          weekly(
            this.random.pick(['MO,WE,FR', 'TU,TH', 'MO,TU,WE,TH,FR']),
            '13:00',
            this.random.pick(['17:00', '19:00']),
          ),
          ...(this.chance(0.5) ? [weekly('SA', '10:00', '15:00')] : []),
        ]
      case 'evenings':
        return [
          weekly(
            this.random.pick(['MO,TU,WE,TH,FR', 'MO,WE', 'TU,TH', 'WE']),
            this.random.pick(['17:00', '18:00']),
            this.random.pick(['21:00', '22:00', '23:00']),
          ),
        ]
      case 'part_time':
        return [
          weekly(
            this.random.pick(['MO,WE', 'TU,TH', 'MO,TU,WE', 'WE,TH,FR', 'TH']),
            this.random.pick(['09:00', '10:00']),
            this.random.pick(['15:00', '16:00']),
          ),
        ]
    }
  }

  private verify(entityType: 'organization' | 'service', entityId: string, interval: number) {
    const roll = this.random.next()
    if (roll < 0.08) return
    const daysAgo = roll < 0.8 ? this.random.int(0, interval - 1) : interval + this.random.int(1, 240)
    this.verifications.push({ entityType, entityId, daysAgo })
  }

  private attribute(linkEntity: AttributeRecord['linkEntity'], linkId: string, termId: string) {
    this.attributes.push({ id: this.uuid(), linkEntity, linkId, taxonomyTermId: termId })
  }

  private uniqueName(make: () => Pair, place: Municipality): Pair {
    const claim = (pair: Pair) => {
      const key = `${place.province}:${pair.en}`
      if (this.usedNames.has(key)) return false
      this.usedNames.add(key)
      return true
    }
    for (let attempt = 0; attempt < 6; attempt += 1) {
      const pair = make()
      if (claim(pair)) return pair
    }
    const base = make()
    const local = base.en.includes(place.name)
      ? base
      : { en: `${base.en} ${place.name}`, fr: `${base.fr} ${deFr(place.name)}` }
    if (claim(local)) return local
    // A large generated directory runs out of names: number the sites of a name.
    const key = `${place.province}:${local.en}`
    for (let number = (this.nameNumbers.get(key) ?? 1) + 1; ; number += 1) {
      const pair = { en: `${local.en} ${number}`, fr: `${local.fr} ${number}` }
      if (claim(pair)) {
        this.nameNumbers.set(key, number)
        return pair
      }
    }
  }

  private indigenousGroup(m: Municipality): string {
    if (m.province === 'NU' || m.id === 'qc-kuujjuaq' || m.id === 'nl-nain') return 'inuit'
    if (['MB', 'SK', 'AB'].includes(m.province) && this.chance(0.35)) return 'metis'
    if (m.province === 'NT' && this.chance(0.3)) return this.chance(0.5) ? 'inuit' : 'metis'
    return 'first-nations'
  }

  // --- service providers ---------------------------------------------------------------------

  private province(province: ProvinceCode, providers: number, services: number) {
    const places = municipalities.filter((m) => m.province === province)
    const northern = (m: Municipality) =>
      ['NT', 'NU', 'YT'].includes(m.province) || m.latitude > 52 || m.id in communityIndigenousLanguages
    const plans = Array.from({ length: providers }, () => {
      const municipality = weightedPick(this.random, places, (m) => m.population ** 0.75 + 0.5)
      const archetype = weightedPick(
        this.random,
        archetypes,
        (a) => a.weight * (northern(municipality) ? (a.north ?? 1) : 1),
      )
      const optional = archetype.services.slice(1)
      const chosen = optional.filter(([, p]) => this.chance(p)).map(([key]) => key)
      const rest = optional.map(([key]) => key).filter((key) => !chosen.includes(key))
      return {
        municipality,
        archetype,
        templates: [archetype.services[0]![0], ...chosen, ...rest] as TemplateKey[],
        count: 1 + chosen.length,
      }
    })
    // Match the province's number of services exactly: add the archetype's other services first.
    let total = plans.reduce((acc, plan) => acc + plan.count, 0)
    const keys = Object.keys(catalogue) as TemplateKey[]
    while (total < services) {
      const plan = plans[this.random.int(0, plans.length - 1)]!
      if (plan.count >= plan.templates.length) {
        const extra = keys.filter((key) => !plan.templates.includes(key))
        if (extra.length === 0) continue
        plan.templates.push(this.random.pick(extra))
      }
      plan.count += 1
      total += 1
    }
    while (total > services) {
      const plan = plans[this.random.int(0, plans.length - 1)]!
      if (plan.count <= 1) continue
      plan.count -= 1
      total -= 1
    }
    for (const plan of plans)
      this.provider(plan.municipality, plan.archetype, plan.templates.slice(0, plan.count))
  }

  private provider(m: Municipality, archetype: Archetype, templates: TemplateKey[]) {
    const place = this.place(m)
    const texts = this.texts(place)
    const primaryFrench = texts === 'fr' || (texts === 'both' && place.primary === 'fr')
    const nameOf = () => this.random.pick(archetype.names)(this.random.pick(nameWords), m.name)
    const name = this.uniqueName(nameOf, m)
    const organizationId = this.uuid()
    const confidentialOrganization = this.chance(archetype.confidentialOrganization)
    const confidentialLocation = confidentialOrganization || this.chance(archetype.confidentialLocation)
    const year = this.random.int(1965, 2021)
    const domain = `${slug(name.en ?? name.fr)
      .slice(0, 40)
      .replace(/-$/, '')}.example.org`

    this.organizations.push({
      id: organizationId,
      name: this.bilingual(name, texts),
      description: this.bilingual(
        {
          en: `${archetype.description.en} Serving ${m.name} and the surrounding area since ${year}.`,
          fr: `${archetype.description.fr} Au service de la population ${deFr(m.name)} et des environs depuis ${year}.`,
        },
        texts,
      ),
      kind: 'service_provider',
      confidential: confidentialOrganization,
      verificationIntervalDays: 365,
      doc: {
        email: `info@${domain}`,
        ...(confidentialOrganization ? {} : { website: `https://${domain}` }),
        phones: [{ id: this.uuid(), number: this.phone(m), type: 'voice' }],
        year_incorporated: year,
        legal_status: this.chance(0.7) ? 'Registered charity' : 'Non-profit corporation',
      },
    })
    this.verify('organization', organizationId, 365)
    for (const population of archetype.populations ?? []) {
      this.attribute('organization', organizationId, populationTermId(population))
      if (population === 'indigenous')
        this.attribute('organization', organizationId, populationTermId(this.indigenousGroup(m)))
    }

    // Locations: the main one, sometimes a second site, a virtual one for remote services, and a
    // public mailing address for a shelter whose building is confidential.
    const main = this.location(organizationId, m, place, primaryFrench, texts, confidentialLocation, {
      en: confidentialLocation ? 'Shelter (confidential address)' : 'Main office',
      fr: confidentialLocation ? 'Maison d’hébergement (adresse confidentielle)' : 'Bureau principal',
    })
    let second: string | undefined
    if (this.chance(0.22)) {
      const nearby = municipalities.filter(
        (other) => other.province === m.province && other.id !== m.id && distanceKm(m, other) < 150,
      )
      const where = nearby.length > 0 && this.chance(0.4) ? this.random.pick(nearby) : m
      second = this.location(
        organizationId,
        where,
        this.place(where),
        primaryFrench,
        texts,
        confidentialOrganization,
        {
          en: where === m ? 'Second site' : `${where.name} office`,
          fr: where === m ? 'Deuxième point de service' : `Bureau ${deFr(where.name)}`,
        },
      )
    }
    if (confidentialLocation && !confidentialOrganization) {
      this.locations.push({
        id: this.uuid(),
        organizationId,
        locationType: 'postal',
        name: this.bilingual({ en: 'Mailing address', fr: 'Adresse postale' }, texts),
        description: {},
        confidential: false,
        province: m.province,
        municipality: m.name,
        doc: { addresses: [this.address(m, 'postal', primaryFrench)] },
      })
    }
    let virtual: string | undefined
    const virtualLocation = () => {
      virtual ??= (() => {
        const id = this.uuid()
        this.locations.push({
          id,
          organizationId,
          locationType: 'virtual',
          name: this.bilingual(
            { en: 'By phone, text and online', fr: 'Par téléphone, texto et en ligne' },
            texts,
          ),
          description: {},
          confidential: confidentialOrganization,
          province: m.province,
          doc: { url: `https://${domain}/help` },
        })
        return id
      })()
      return virtual
    }

    const baseLanguages: string[] = texts === 'both' ? (primaryFrench ? ['fr', 'en'] : ['en', 'fr']) : [texts]
    for (const key of templates) {
      const template: ServiceTemplate = catalogue[key]
      const locationIds = template.remote
        ? [virtualLocation()]
        : second && this.chance(0.35)
          ? [main, second]
          : [main]
      this.service(organizationId, m, archetype, template, texts, primaryFrench, baseLanguages, locationIds)
    }
  }

  private location(
    organizationId: string,
    m: Municipality,
    place: Place,
    primaryFrench: boolean,
    texts: Texts,
    confidential: boolean,
    name: Pair,
  ): string {
    const id = this.uuid()
    const french =
      place.municipality.province === 'QC' || (place.municipality.francophone ?? false) || primaryFrench
    this.locations.push({
      id,
      organizationId,
      locationType: 'physical',
      name: this.bilingual(name, texts),
      description: {},
      confidential,
      ...this.point(m),
      province: m.province,
      municipality: m.name,
      verificationIntervalDays: 365,
      doc: {
        addresses: [this.address(m, 'physical', french)],
        phones: [{ id: this.uuid(), number: this.phone(m), type: 'voice' }],
        ...(this.chance(0.6)
          ? {
              accessibility: [
                {
                  id: this.uuid(),
                  description: this.random.pick([
                    'Wheelchair accessible entrance and washroom',
                    'Elevator; accessible washroom',
                    'Step-free entrance',
                    'Ground floor; accessible parking',
                  ]),
                },
              ],
            }
          : {}),
        ...(confidential
          ? {}
          : this.chance(0.5)
            ? { transportation: `Bus routes ${this.random.int(1, 40)} and ${this.random.int(41, 99)}` }
            : {}),
      },
    })
    return id
  }

  private service(
    organizationId: string,
    m: Municipality,
    archetype: Archetype,
    template: ServiceTemplate,
    texts: Texts,
    primaryFrench: boolean,
    baseLanguages: string[],
    locationIds: string[],
  ) {
    const id = this.uuid()
    // Some services of a bilingual provider are described in one language only.
    const serviceTexts: Texts = texts === 'both' && this.chance(0.12) ? (primaryFrench ? 'fr' : 'en') : texts
    const [minimumAge, maximumAge] =
      template.ages ??
      (() => {
        const roll = this.random.next()
        return roll < 0.6 ? [null, null] : roll < 0.9 ? [18, null] : [16, null]
      })()
    const substanceUseAccepted =
      template.substanceUse !== undefined
        ? this.chance(template.substanceUse)
        : this.random.next() < 0.5
          ? null
          : this.chance(0.5)
    const statusIndependent =
      template.statusIndependent !== undefined
        ? this.chance(template.statusIndependent)
        : this.random.next() < 0.6
          ? null
          : this.chance(0.6)
    const status: ServiceStatus = weightedPick(
      this.random,
      ['active', 'temporarily closed', 'inactive'] as const,
      (s) => ({ active: 95, 'temporarily closed': 3, inactive: 2 })[s],
    )
    const referralStatus: ReferralStatus | null = weightedPick(
      this.random,
      ['accepting', 'waitlist', 'not_accepting', null] as const,
      (s) => (s === 'accepting' ? 65 : s === 'waitlist' ? 22 : s === 'not_accepting' ? 8 : 5),
    )
    const housing = template.types.some((type) => type.startsWith('housing') || type === 'immediate-safety')
    const interval = housing ? 180 : 365

    // Languages: the official ones, community and Indigenous languages where they are spoken.
    const languages = [...baseLanguages]
    if (template.remote || this.chance(0.25)) languages.push(baseLanguages.includes('fr') ? 'en' : 'fr')
    const community = communityLanguages[m.province] ?? []
    const extra = archetype.languages ?? []
    for (
      let i = 0, n = extra.length > 0 ? this.random.int(1, 4) : this.chance(0.3) ? this.random.int(1, 2) : 0;
      i < n;
      i += 1
    )
      languages.push(
        this.random.pick(
          extra.length > 0 && this.chance(0.7) ? extra : community.length > 0 ? community : ['es'],
        ),
      )
    const indigenousServing =
      archetype.key === 'indigenous' || (template.populations ?? []).includes('indigenous')
    const local = communityIndigenousLanguages[m.id]
    if (local && this.chance(indigenousServing ? 0.9 : 0.5)) languages.push(this.random.pick(local))
    else if (
      indigenousServing || ['NT', 'NU', 'YT'].includes(m.province) ? this.chance(0.7) : this.chance(0.03)
    )
      languages.push(this.random.pick(indigenousLanguages[m.province] ?? ['cr']))
    if (m.province === 'NU' && !languages.includes('iu')) languages.unshift('iu')
    if (this.chance(0.04)) languages.push(baseLanguages[0] === 'fr' ? 'fcs' : 'ase')
    const offered = [...new Set(languages)]

    const sentences = (language: Language) => {
      const out: string[] = [template.description[language]]
      const age =
        minimumAge !== null && maximumAge !== null
          ? language === 'en'
            ? `For people aged ${minimumAge} to ${maximumAge}.`
            : `Pour les personnes de ${minimumAge} à ${maximumAge} ans.`
          : minimumAge !== null
            ? language === 'en'
              ? `For people aged ${minimumAge} and over.`
              : `Pour les personnes de ${minimumAge} ans et plus.`
            : null
      if (age) out.push(age)
      if (substanceUseAccepted)
        out.push(
          language === 'en'
            ? 'People who use substances are welcome.'
            : 'Les personnes qui consomment des substances sont les bienvenues.',
        )
      if (statusIndependent)
        out.push(
          language === 'en' ? 'No immigration status required.' : 'Aucun statut d’immigration n’est exigé.',
        )
      if (offered.length > 2)
        out.push(
          language === 'en'
            ? 'Interpretation available on request.'
            : 'Service d’interprétation offert sur demande.',
        )
      return out.join(' ')
    }
    const primary: Language = serviceTexts === 'both' ? (primaryFrench ? 'fr' : 'en') : serviceTexts
    this.services.push({
      id,
      organizationId,
      name: this.bilingual(template.name, serviceTexts),
      description: this.bilingual({ en: sentences('en'), fr: sentences('fr') }, serviceTexts),
      status,
      confidential: this.chance(template.confidential),
      referralStatus,
      referralStatusAt: referralStatus ? dateBefore(this.today, this.random.int(0, 120)) : null,
      minimumAge,
      maximumAge,
      statusIndependent,
      substanceUseAccepted,
      verificationIntervalDays: interval,
      doc: {
        phones: [
          { id: this.uuid(), number: this.phone(m), type: 'voice' },
          ...(template.remote && this.chance(0.5)
            ? [{ id: this.uuid(), number: this.phone(m), type: 'text' }]
            : []),
        ],
        schedules: this.schedules(template.hours),
        languages: this.languages(offered),
        fees_description: primary === 'en' ? 'Free' : 'Gratuit',
        application_process:
          primary === 'en'
            ? this.random.pick([
                'Call or walk in.',
                'Call to book an intake appointment.',
                'Self-referral or referral by an agency.',
              ])
            : this.random.pick([
                'Appelez ou présentez-vous.',
                'Appelez pour prendre un rendez-vous d’accueil.',
                'Demande directe ou par un organisme.',
              ]),
        ...(offered.length > 2
          ? {
              interpretation_services:
                primary === 'en'
                  ? 'Telephone interpreters in over 200 languages.'
                  : 'Interprètes par téléphone dans plus de 200 langues.',
            }
          : {}),
      },
    })
    this.verify('service', id, interval)
    for (const locationId of locationIds)
      this.serviceAtLocations.push({ id: this.uuid(), serviceId: id, locationId, doc: {} })

    for (const type of template.types) this.attribute('service', id, serviceTypeTermId(type))
    const populations = new Set(template.populations ?? [])
    if (this.chance(0.15))
      populations.add(
        this.random.pick([
          'youth',
          '2slgbtqi',
          'indigenous',
          'migrant-workers',
          'disabilities',
          'black-racialised',
        ]),
      )
    if (archetype.key === 'indigenous') populations.add('indigenous')
    if (populations.has('indigenous')) populations.add(this.indigenousGroup(m))
    for (const population of populations) this.attribute('service', id, populationTermId(population))
  }

  // --- agencies --------------------------------------------------------------------------------

  private agencyOrganization(
    m: Municipality,
    kind: 'law_enforcement' | 'child_protection',
    name: Pair,
    description: Pair,
    jurisdiction: OrganizationRecord['jurisdiction'],
    emergencyPhone: string,
  ) {
    const id = this.uuid()
    const domain = `${slug(name.en).slice(0, 40).replace(/-$/, '')}.example.ca`
    this.organizations.push({
      id,
      name,
      description,
      kind,
      confidential: false,
      jurisdiction,
      emergencyPhone,
      verificationIntervalDays: 180,
      doc: {
        email: `info@${domain}`,
        website: `https://${domain}`,
        phones: [
          { id: this.uuid(), number: emergencyPhone, type: 'voice', description: 'Answered 24/7' },
          { id: this.uuid(), number: this.phone(m), type: 'voice', description: 'Administration' },
        ],
        legal_status: 'Government agency',
      },
    })
    this.verify('organization', id, 180)
    const location = this.location(id, m, this.place(m), m.province === 'QC', 'both', false, {
      en: kind === 'law_enforcement' ? 'Headquarters' : 'Main office',
      fr: kind === 'law_enforcement' ? 'Quartier général' : 'Bureau principal',
    })
    return { id, location }
  }

  private agencyService(
    organizationId: string,
    locationId: string,
    m: Municipality,
    name: Pair,
    description: Pair,
    types: string[],
    populations: string[],
    hours: Hours,
    languages: string[],
    maximumAge: number | null = null,
  ) {
    const id = this.uuid()
    this.services.push({
      id,
      organizationId,
      name,
      description,
      status: 'active',
      confidential: false,
      referralStatus: null,
      minimumAge: null,
      maximumAge,
      statusIndependent: true,
      substanceUseAccepted: null,
      verificationIntervalDays: 180,
      doc: {
        phones: [{ id: this.uuid(), number: this.phone(m), type: 'voice' }],
        schedules: this.schedules(hours),
        languages: this.languages(languages),
        fees_description: 'Free',
      },
    })
    this.verify('service', id, 180)
    this.serviceAtLocations.push({ id: this.uuid(), serviceId: id, locationId, doc: {} })
    for (const type of types) this.attribute('service', id, serviceTypeTermId(type))
    for (const population of populations) this.attribute('service', id, populationTermId(population))
  }

  private police(police: PoliceAgency) {
    const m = municipalityById(police.municipality)
    const emergency = this.phone(m)
    const officials: Language[] = m.province === 'QC' ? ['fr', 'en'] : ['en', 'fr']
    const local =
      communityIndigenousLanguages[m.id] ??
      (police.kind === 'first_nations' || ['NU', 'NT'].includes(m.province)
        ? (indigenousLanguages[m.province] ?? []).slice(0, 1)
        : [])
    const { id, location } = this.agencyOrganization(
      m,
      'law_enforcement',
      police.name,
      {
        en: `Police service for ${m.name} and its area. In an emergency, call 911; for a tip about human trafficking, call the 24/7 line.`,
        fr: `Service de police ${deFr(m.name)} et de sa région. En cas d’urgence, composez le 911; pour signaler un cas de traite des personnes, appelez la ligne 24/7.`,
      },
      {
        country: 'CA',
        province: m.province,
        municipality: m.name,
        area: circleArea(m.latitude, m.longitude, police.radiusKm),
      },
      emergency,
    )
    this.agencyService(
      id,
      location,
      m,
      { en: 'Police emergency response and dispatch', fr: 'Intervention policière d’urgence et répartition' },
      {
        en: 'Officers respond day and night. Advocates can reach the dispatch centre directly when a caller is in danger.',
        fr: 'Des policiers interviennent jour et nuit. Les intervenants peuvent joindre directement le centre de répartition lorsqu’une personne est en danger.',
      },
      ['law-enforcement', 'immediate-safety'],
      [],
      'always',
      [...officials, ...local],
    )
    if (police.traffickingUnit)
      this.agencyService(
        id,
        location,
        m,
        { en: 'Human trafficking unit', fr: 'Unité de lutte contre la traite des personnes' },
        {
          en: 'Investigators specialised in sex trafficking and forced labour; victim-centred, with victim services on the team.',
          fr: 'Des enquêteurs spécialisés en traite à des fins sexuelles et en travail forcé; une approche centrée sur la victime, avec des services aux victimes dans l’équipe.',
        },
        ['law-enforcement'],
        ['women', 'youth', 'migrant-workers'],
        'office',
        [...officials, ...(communityLanguages[m.province] ?? []).slice(0, 2)],
      )
  }

  private childProtection(agency: ChildProtectionAgency) {
    const m = municipalityById(agency.municipality)
    const regionName = agency.regionKm ? m.name : null
    const officials: Language[] = m.province === 'QC' ? ['fr', 'en'] : ['en', 'fr']
    const local = agency.indigenous
      ? (communityIndigenousLanguages[m.id] ?? (indigenousLanguages[m.province] ?? []).slice(0, 2))
      : []
    const { id, location } = this.agencyOrganization(
      m,
      'child_protection',
      agency.name,
      {
        en: `Child protection for children and youth up to age ${agency.maximumAge} ${regionName ? `in ${regionName} and its region` : 'across the province or territory'}. Reports are taken 24/7.`,
        fr: `Protection des enfants et des jeunes jusqu’à ${agency.maximumAge} ans ${regionName ? `dans la région ${deFr(regionName)}` : 'dans toute la province ou tout le territoire'}. Les signalements sont reçus 24/7.`,
      },
      {
        country: 'CA',
        province: agency.province,
        municipality: regionName,
        area: agency.regionKm ? circleArea(m.latitude, m.longitude, agency.regionKm) : null,
      },
      this.phone(m),
    )
    this.agencyService(
      id,
      location,
      m,
      {
        en: 'Child protection intake (24/7)',
        fr: 'Réception des signalements en protection de l’enfance (24/7)',
      },
      {
        en: 'Report a concern about the trafficking, abuse or neglect of a child. A worker answers at any hour.',
        fr: 'Signalez une situation de traite, de maltraitance ou de négligence d’un enfant. Une intervenante répond à toute heure.',
      },
      ['child-protection', 'immediate-safety'],
      ['children', 'youth', ...(agency.indigenous ? ['indigenous', this.indigenousGroup(m)] : [])],
      'always',
      [...officials, ...local],
      agency.maximumAge,
    )
  }
}
