import { provinceCode } from '../../../common/geography.ts'
import type { BilingualText, Jurisdiction, MultiPolygon } from '../directory.records.ts'
import type { AgencyKind, HsdsDoc, LinkEntity, ReferralStatus, ServiceStatus } from '../directory.tables.ts'
import type { BundleBuilder } from './builder.ts'
import { type EntryKind, type IssueCode, type Origin, pointer, shorten } from './issues.ts'

export type Language = 'en' | 'fr'
type Json = Record<string, unknown>
type Entry = { kind: EntryKind; id: string }

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const absent = (value: unknown) => value === undefined || value === null || value === ''

export const serviceStatuses = ['active', 'inactive', 'defunct', 'temporarily closed'] as const
export const agencyKinds = [
  'service_provider',
  'law_enforcement',
  'child_protection',
  'emergency_dispatch',
] as const
export const referralStatuses = ['accepting', 'waitlist', 'not_accepting'] as const
export const locationTypes = ['physical', 'postal', 'virtual'] as const
export const linkEntities = ['organization', 'service', 'location', 'service_at_location'] as const
const weekdays = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const

/** The language of a taxonomy term's `language` field (ISO 639-1 or -2), if English or French. */
export function languageOf(value: unknown): Language | undefined {
  if (typeof value !== 'string') return undefined
  const code = value.trim().toLowerCase().split(/[-_]/)[0]
  if (code === 'en' || code === 'eng') return 'en'
  if (code === 'fr' || code === 'fra' || code === 'fre') return 'fr'
  return undefined
}

/**
 * Reads HSDS 3.1 objects (with the Relais profile's extensions) into the builder's bundle, checking
 * each field and reporting problems where they are: a JSON pointer in the file, or the CSV line and
 * column an object was built from (`origins`).
 */
export class HsdsReader {
  constructor(
    readonly builder: BundleBuilder,
    readonly file: string,
    readonly language: Language,
    /** For objects built from a table's rows: the CSV line or JSON row they come from; their fields are columns. */
    readonly rowOrigins: WeakMap<object, Origin> = new WeakMap(),
  ) {}

  /** The language of an object's untranslated text, when its file says (a tabular table's metadata). */
  readonly textLanguage = new WeakMap<object, Language>()

  private get log() {
    return this.builder.log
  }

  /** Where a field of an object is: in a row of JSON, the field's own pointer. */
  at(object: object, path: string, field?: string): Origin {
    const row = this.rowOrigins.get(object)
    if (row)
      return row.path !== undefined && field !== undefined ? { ...row, path: pointer(row.path, field) } : row
    return { file: this.file, path: field === undefined ? path : pointer(path, field) }
  }

  private fail(object: object, path: string, field: string, code: IssueCode, entry?: Entry, extra = {}) {
    const value = shorten(object[field as keyof typeof object])
    this.log.error(this.at(object, path, field), code, field, { entry, value, ...extra })
  }

  private warn(object: object, path: string, field: string, code: IssueCode, entry?: Entry, extra = {}) {
    const value = shorten(object[field as keyof typeof object])
    this.log.warn(this.at(object, path, field), code, field, { entry, value, ...extra })
  }

  private string(object: Json, path: string, field: string, entry?: Entry, required = false) {
    const value = object[field]
    if (absent(value) || (typeof value === 'string' && !value.trim())) {
      if (required) this.log.error(this.at(object, path, field), 'required', field, { entry })
      return undefined
    }
    if (typeof value === 'number') return String(value)
    if (typeof value !== 'string') {
      this.fail(object, path, field, 'invalid_type', entry, { params: { expected: 'string' } })
      return undefined
    }
    return value.trim()
  }

  private number(object: Json, path: string, field: string, entry?: Entry) {
    const value = object[field]
    if (absent(value)) return undefined
    const parsed = typeof value === 'string' && this.rowOrigins.has(object) ? Number(value) : value
    if (typeof parsed !== 'number' || !Number.isFinite(parsed)) {
      this.fail(object, path, field, 'invalid_number', entry)
      return undefined
    }
    return parsed
  }

  private boolean(object: Json, path: string, field: string, entry?: Entry) {
    const value = object[field]
    if (absent(value)) return undefined
    if (typeof value === 'boolean') return value
    if (this.rowOrigins.has(object) && typeof value === 'string') {
      const parsed = parseBoolean(value)
      if (parsed !== undefined) return parsed
    }
    this.fail(object, path, field, 'invalid_boolean', entry)
    return undefined
  }

  private oneOf<T extends string>(
    object: Json,
    path: string,
    field: string,
    allowed: readonly T[],
    entry?: Entry,
    required = false,
  ): T | undefined {
    const value = this.string(object, path, field, entry, required)
    if (value === undefined) return undefined
    const found = allowed.find((option) => option.toLowerCase() === value.toLowerCase())
    if (!found)
      this.fail(object, path, field, 'invalid_enum', entry, { params: { allowed: allowed.join(', ') } })
    return found
  }

  private date(object: Json, path: string, field: string, entry?: Entry) {
    const value = this.string(object, path, field, entry)
    if (value === undefined) return undefined
    if (!isCalendarDate(value.slice(0, 10)) || !/^\d{4}-\d{2}-\d{2}($|T)/.test(value)) {
      this.fail(object, path, field, 'invalid_date', entry)
      return undefined
    }
    return value.slice(0, 10)
  }

  private child(object: Json, path: string, field: string, entry?: Entry): Json | undefined {
    const value = object[field]
    if (absent(value)) return undefined
    if (!isObject(value)) {
      this.fail(object, path, field, 'invalid_type', entry, { params: { expected: 'object' } })
      return undefined
    }
    return value
  }

  private children(object: Json, path: string, field: string, entry?: Entry): [Json, string][] {
    const value = object[field]
    if (absent(value)) return []
    if (!Array.isArray(value)) {
      this.fail(object, path, field, 'invalid_type', entry, { params: { expected: 'array' } })
      return []
    }
    const out: [Json, string][] = []
    value.forEach((item, index) => {
      const itemPath = pointer(pointer(path, field), index)
      if (isObject(item)) out.push([item, itemPath])
      else
        this.log.error(this.at(object, itemPath), 'invalid_type', field, {
          entry,
          params: { expected: 'object' },
        })
    })
    return out
  }

  private id(object: Json, path: string): string | undefined {
    return this.string(object, path, 'id', undefined, true)
  }

  /** A nested object read as an entry, or, when it holds nothing but its id, as a reference to one. */
  private nested(object: Json, path: string, read: (object: Json, path: string) => string | undefined) {
    if (Object.keys(object).every((key) => key === 'id')) return this.id(object, path)
    return read(object, path)
  }

  /** Name and description in each language, from `translations` and the untranslated fields. */
  private texts(object: Json, path: string, entry: Entry, hint?: Language) {
    const name: BilingualText = {}
    const description: BilingualText = {}
    const translations = this.child(object, path, 'translations', entry)
    if (translations) {
      for (const [language, text] of Object.entries(translations)) {
        const lang = languageOf(language)
        const textPath = pointer(pointer(path, 'translations'), language)
        if (!lang) {
          // Relais keeps English and French; other languages are left out, with a warning.
          this.log.warn(this.at(object, textPath), 'invalid_language', 'translations', {
            entry,
            value: language,
          })
          continue
        }
        if (!isObject(text)) {
          this.log.error(this.at(object, textPath), 'invalid_type', 'translations', {
            entry,
            params: { expected: 'object' },
          })
          continue
        }
        const n = this.string(text, textPath, 'name', entry)
        const d = this.string(text, textPath, 'description', entry)
        if (n) name[lang] = n
        if (d) description[lang] = d
      }
    }
    const language = hint ?? this.textLanguage.get(object) ?? this.language
    const n = this.string(object, path, 'name', entry)
    const d = this.string(object, path, 'description', entry)
    if (n && !name[language]) name[language] = n
    if (d && !description[language]) description[language] = d
    return { name, description }
  }

  private requireText(
    object: Json,
    path: string,
    field: 'name' | 'description',
    text: BilingualText,
    entry: Entry,
  ) {
    if (!text.en && !text.fr) this.log.error(this.at(object, path, field), 'required', field, { entry })
  }

  private verificationInterval(object: Json, path: string, entry: Entry) {
    const verification = this.child(object, path, 'verification', entry)
    if (!verification) return undefined
    const vPath = pointer(path, 'verification')
    const days = this.number(verification, vPath, 'interval_days', entry)
    if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 3650)) {
      this.fail(verification, vPath, 'interval_days', 'invalid_number', entry, {
        params: { min: 1, max: 3650 },
      })
      return undefined
    }
    return days
  }

  /** The rest of an HSDS object, and a check of the sub-objects Relais reads (schedules, addresses, ...). */
  private doc(object: Json, path: string, taken: readonly string[], entry: Entry): HsdsDoc {
    const doc: HsdsDoc = {}
    for (const [key, value] of Object.entries(object)) if (!taken.includes(key)) doc[key] = value
    for (const [schedule, schedulePath] of this.children(object, path, 'schedules', entry)) {
      this.oneOf(schedule, schedulePath, 'freq', ['WEEKLY', 'MONTHLY'], entry)
      this.oneOf(schedule, schedulePath, 'wkst', weekdays, entry)
      const byday = schedule.byday
      if (typeof byday === 'string' && byday.trim()) {
        const days = byday.split(',').map((day) =>
          day
            .trim()
            .toUpperCase()
            .replace(/^[+-]?\d+/, ''),
        )
        if (days.some((day) => !(weekdays as readonly string[]).includes(day)))
          this.fail(schedule, schedulePath, 'byday', 'invalid_enum', entry, {
            params: { allowed: weekdays.join(', ') },
          })
      }
      for (const field of ['opens_at', 'closes_at']) {
        const time = schedule[field]
        if (!absent(time) && (typeof time !== 'string' || !/^([01]?\d|2[0-4]):[0-5]\d(:[0-5]\d)?/.test(time)))
          this.fail(schedule, schedulePath, field, 'invalid_hours', entry)
      }
    }
    for (const [address, addressPath] of this.children(object, path, 'addresses', entry)) {
      this.oneOf(address, addressPath, 'address_type', locationTypes, entry)
      const country = typeof address.country === 'string' ? address.country.trim().toUpperCase() : ''
      const province = address.state_province
      if ((country === '' || country === 'CA' || country === 'CAN') && !absent(province)) {
        if (typeof province !== 'string' || !provinceCode(province))
          this.fail(address, addressPath, 'state_province', 'unknown_province', entry)
      }
    }
    for (const [phone, phonePath] of this.children(object, path, 'phones', entry))
      this.string(phone, phonePath, 'number', entry, true)
    return doc
  }

  private attributes(object: Json, path: string, linkEntity: LinkEntity, linkId: string, entry: Entry) {
    for (const [attribute, attributePath] of this.children(object, path, 'attributes', entry))
      this.attribute(attribute, attributePath, { linkEntity, linkId, entry })
  }

  /** An HSDS attribute: a taxonomy term attached to an entry. */
  attribute(object: Json, path: string, link?: { linkEntity: LinkEntity; linkId: string; entry: Entry }) {
    const id = this.string(object, path, 'id', link?.entry, true)
    let linkEntity = link?.linkEntity
    let linkId = link?.linkId
    let entry = link?.entry
    if (!link) {
      linkEntity = this.oneOf(object, path, 'link_entity', linkEntities, undefined, true)
      linkId = this.string(object, path, 'link_id', undefined, true)
      if (linkEntity && linkId) entry = { kind: linkEntity, id: linkId }
    }
    const term = this.child(object, path, 'taxonomy_term', entry)
    const termId = term
      ? this.nested(term, pointer(path, 'taxonomy_term'), (o, p) => this.term(o, p))
      : this.string(object, path, 'taxonomy_term_id', entry, true)
    if (!id || !linkEntity || !linkId || !termId) return
    this.builder.attribute({
      id,
      linkEntity,
      linkId,
      linkType: this.string(object, path, 'link_type', entry) ?? null,
      taxonomyTermId: termId,
      value: this.string(object, path, 'value', entry) ?? null,
      label: this.string(object, path, 'label', entry) ?? null,
    })
    this.builder.origins.set(`attribute:${id}`, this.at(object, path, 'taxonomy_term_id'))
  }

  taxonomy(object: Json, path: string): string | undefined {
    const id = this.id(object, path)
    if (!id) return undefined
    const entry: Entry = { kind: 'taxonomy', id }
    const name = this.string(object, path, 'name', entry, true)
    const description = this.string(object, path, 'description', entry, true)
    this.builder.put(
      'taxonomy',
      {
        id,
        name: name ?? '',
        description: description ?? '',
        uri: this.string(object, path, 'uri', entry) ?? null,
        version: this.string(object, path, 'version', entry) ?? null,
      },
      this.at(object, path),
    )
    return id
  }

  term(object: Json, path: string): string | undefined {
    const id = this.id(object, path)
    if (!id) return undefined
    const entry: Entry = { kind: 'taxonomy_term', id }
    const { name, description } = this.texts(object, path, entry, languageOf(object.language))
    this.requireText(object, path, 'name', name, entry)
    this.requireText(object, path, 'description', description, entry)
    const detail = this.child(object, path, 'taxonomy_detail', entry)
    const taxonomyId = detail
      ? this.nested(detail, pointer(path, 'taxonomy_detail'), (o, p) => this.taxonomy(o, p))
      : this.string(object, path, 'taxonomy_id', entry)
    this.builder.put(
      'taxonomy_term',
      {
        id,
        taxonomyId: taxonomyId ?? null,
        code: this.string(object, path, 'code', entry) ?? null,
        name,
        description,
        parentId: this.string(object, path, 'parent_id', entry) ?? null,
        termUri: this.string(object, path, 'term_uri', entry) ?? null,
      },
      this.at(object, path),
    )
    return id
  }

  organization(object: Json, path: string): string | undefined {
    const id = this.id(object, path)
    if (!id) return undefined
    const entry: Entry = { kind: 'organization', id }
    const { name, description } = this.texts(object, path, entry)
    this.requireText(object, path, 'name', name, entry)
    this.requireText(object, path, 'description', description, entry)
    const kind = this.oneOf<AgencyKind>(object, path, 'agency_kind', agencyKinds, entry)
    let jurisdiction: Jurisdiction | null = null
    const place = this.child(object, path, 'jurisdiction', entry)
    if (place) {
      const placePath = pointer(path, 'jurisdiction')
      const province = this.string(place, placePath, 'state_province', entry)
      if (province && !provinceCode(province))
        this.fail(place, placePath, 'state_province', 'unknown_province', entry)
      const area = this.child(place, placePath, 'area', entry)
      const areaValid = area ? isMultiPolygon(area) : false
      if (area && !areaValid)
        this.fail(place, placePath, 'area', 'invalid_type', entry, { params: { expected: 'MultiPolygon' } })
      jurisdiction = {
        country: this.string(place, placePath, 'country', entry) ?? null,
        province: provinceCode(province) ?? null,
        municipality: this.string(place, placePath, 'municipality', entry) ?? null,
        area: area && areaValid ? (area as unknown as MultiPolygon) : null,
      }
    }
    const taken = [
      'id',
      'name',
      'description',
      'translations',
      'confidential',
      'agency_kind',
      'jurisdiction',
      'emergency_phone',
      'verification',
      'locations',
      'services',
      'attributes',
    ]
    this.builder.put(
      'organization',
      {
        id,
        name,
        description,
        kind: kind ?? 'service_provider',
        confidential: this.boolean(object, path, 'confidential', entry) ?? false,
        jurisdiction,
        emergencyPhone: this.string(object, path, 'emergency_phone', entry) ?? null,
        verificationIntervalDays: this.verificationInterval(object, path, entry) ?? null,
        doc: this.doc(object, path, taken, entry),
      },
      this.at(object, path),
    )
    for (const [location, locationPath] of this.children(object, path, 'locations', entry))
      this.location(location, locationPath, id)
    for (const [service, servicePath] of this.children(object, path, 'services', entry))
      this.service(service, servicePath, id)
    this.attributes(object, path, 'organization', id, entry)
    return id
  }

  location(object: Json, path: string, organizationId?: string): string | undefined {
    const id = this.id(object, path)
    if (!id) return undefined
    const entry: Entry = { kind: 'location', id }
    const { name, description } = this.texts(object, path, entry)
    const locationType = this.oneOf(object, path, 'location_type', locationTypes, entry, true)
    let latitude = this.number(object, path, 'latitude', entry)
    let longitude = this.number(object, path, 'longitude', entry)
    if (latitude !== undefined && (latitude < -90 || latitude > 90)) {
      this.warn(object, path, 'latitude', 'invalid_coordinates', entry, { params: { min: -90, max: 90 } })
      latitude = undefined
      longitude = undefined
    }
    if (longitude !== undefined && (longitude < -180 || longitude > 180)) {
      this.warn(object, path, 'longitude', 'invalid_coordinates', entry, { params: { min: -180, max: 180 } })
      latitude = undefined
      longitude = undefined
    }
    const ownOrganization = this.string(object, path, 'organization_id', entry)
    if (organizationId && ownOrganization && ownOrganization !== organizationId)
      this.fail(object, path, 'organization_id', 'conflicting_value', entry, {
        params: { previous: organizationId },
      })
    const taken = [
      'id',
      'organization_id',
      'location_type',
      'name',
      'description',
      'translations',
      'confidential',
      'latitude',
      'longitude',
      'verification',
      'attributes',
    ]
    this.builder.put(
      'location',
      {
        id,
        organizationId: organizationId ?? ownOrganization ?? null,
        locationType: locationType ?? 'physical',
        name,
        description,
        confidential: this.boolean(object, path, 'confidential', entry) ?? false,
        latitude: latitude ?? null,
        longitude: longitude ?? null,
        verificationIntervalDays: this.verificationInterval(object, path, entry) ?? null,
        doc: this.doc(object, path, taken, entry),
      },
      this.at(object, path),
    )
    this.attributes(object, path, 'location', id, entry)
    return id
  }

  service(object: Json, path: string, organizationId?: string): string | undefined {
    const id = this.id(object, path)
    if (!id) return undefined
    const entry: Entry = { kind: 'service', id }
    const { name, description } = this.texts(object, path, entry)
    this.requireText(object, path, 'name', name, entry)
    const status = this.oneOf<ServiceStatus>(object, path, 'status', serviceStatuses, entry, true)
    const nested = this.child(object, path, 'organization', entry)
    const nestedId = nested
      ? this.nested(nested, pointer(path, 'organization'), (o, p) => this.organization(o, p))
      : undefined
    const ownOrganization = this.string(object, path, 'organization_id', entry)
    const organization = organizationId ?? nestedId ?? ownOrganization
    if (!organization && !nested)
      this.log.error(this.at(object, path, 'organization_id'), 'required', 'organization_id', { entry })
    for (const other of [nestedId, ownOrganization])
      if (organization && other && other !== organization)
        this.fail(object, path, 'organization_id', 'conflicting_value', entry, {
          params: { previous: organization },
        })

    const minimumAge = this.number(object, path, 'minimum_age', entry)
    const maximumAge = this.number(object, path, 'maximum_age', entry)
    for (const [field, age] of [
      ['minimum_age', minimumAge],
      ['maximum_age', maximumAge],
    ] as const)
      if (age !== undefined && (age < 0 || age > 150)) this.fail(object, path, field, 'invalid_number', entry)
    if (minimumAge !== undefined && maximumAge !== undefined && minimumAge > maximumAge)
      this.fail(object, path, 'maximum_age', 'invalid_age_range', entry, { params: { minimum: minimumAge } })

    let referralStatus: ReferralStatus | undefined
    let referralStatusAt: string | undefined
    const referral = this.child(object, path, 'referral_status', entry)
    if (referral) {
      const referralPath = pointer(path, 'referral_status')
      referralStatus = this.oneOf(referral, referralPath, 'status', referralStatuses, entry)
      referralStatusAt = this.date(referral, referralPath, 'as_of', entry)
    }
    let statusIndependent: boolean | undefined
    let substanceUseAccepted: boolean | undefined
    const eligibility = this.child(object, path, 'eligibility', entry)
    if (eligibility) {
      const eligibilityPath = pointer(path, 'eligibility')
      statusIndependent = this.boolean(eligibility, eligibilityPath, 'status_independent', entry)
      substanceUseAccepted = this.boolean(eligibility, eligibilityPath, 'substance_use_accepted', entry)
    }
    const taken = [
      'id',
      'organization',
      'organization_id',
      'name',
      'description',
      'translations',
      'status',
      'confidential',
      'referral_status',
      'eligibility',
      'minimum_age',
      'maximum_age',
      'verification',
      'service_at_locations',
      'attributes',
    ]
    this.builder.put(
      'service',
      {
        id,
        organizationId: organization ?? '',
        name,
        description,
        status: status ?? 'active',
        confidential: this.boolean(object, path, 'confidential', entry) ?? false,
        referralStatus: referralStatus ?? null,
        referralStatusAt: referralStatusAt ?? null,
        minimumAge: minimumAge ?? null,
        maximumAge: maximumAge ?? null,
        statusIndependent: statusIndependent ?? null,
        substanceUseAccepted: substanceUseAccepted ?? null,
        verificationIntervalDays: this.verificationInterval(object, path, entry) ?? null,
        doc: this.doc(object, path, taken, entry),
      },
      this.at(object, path),
    )
    for (const [placement, placementPath] of this.children(object, path, 'service_at_locations', entry))
      this.serviceAtLocation(placement, placementPath, id)
    this.attributes(object, path, 'service', id, entry)
    return id
  }

  serviceAtLocation(object: Json, path: string, serviceId?: string): string | undefined {
    const id = this.id(object, path)
    if (!id) return undefined
    const entry: Entry = { kind: 'service_at_location', id }
    const service = this.child(object, path, 'service', entry)
    const location = this.child(object, path, 'location', entry)
    const nestedService = service
      ? this.nested(service, pointer(path, 'service'), (o, p) => this.service(o, p))
      : undefined
    const nestedLocation = location
      ? this.nested(location, pointer(path, 'location'), (o, p) => this.location(o, p))
      : undefined
    const ownService = this.string(object, path, 'service_id', entry)
    const ownLocation = this.string(object, path, 'location_id', entry)
    const resolvedService = serviceId ?? nestedService ?? ownService
    const resolvedLocation = nestedLocation ?? ownLocation
    if (!resolvedService && !service)
      this.log.error(this.at(object, path, 'service_id'), 'required', 'service_id', { entry })
    if (!resolvedLocation && !location)
      this.log.error(this.at(object, path, 'location_id'), 'required', 'location_id', { entry })
    const taken = ['id', 'service', 'location', 'service_id', 'location_id', 'attributes']
    this.builder.put(
      'service_at_location',
      {
        id,
        serviceId: resolvedService ?? '',
        locationId: resolvedLocation ?? '',
        doc: this.doc(object, path, taken, entry),
      },
      this.at(object, path),
    )
    this.attributes(object, path, 'service_at_location', id, entry)
    return id
  }

  /** What an HSDS object is, from the fields it has; undefined when it is none of the kinds read. */
  static kindOf(object: Json): EntryKind | undefined {
    const has = (...keys: string[]) => keys.some((key) => key in object)
    if (!has('id')) return undefined
    if (has('service', 'location', 'service_id', 'location_id') && !has('name')) return 'service_at_location'
    if (
      has(
        'service_at_locations',
        'status',
        'referral_status',
        'eligibility',
        'program',
        'program_id',
        'minimum_age',
        'maximum_age',
        'eligibility_description',
        'application_process',
        'fees_description',
        'interpretation_services',
        'cost_options',
        'required_documents',
        'service_areas',
        'capacities',
        'additional_urls',
      )
    )
      return 'service'
    if (isObject(object.organization) && has('name')) return 'service'
    if (has('location_type', 'latitude', 'longitude', 'addresses', 'accessibility', 'transportation'))
      return 'location'
    if (has('taxonomy_detail', 'taxonomy_id', 'taxonomy', 'parent_id', 'code', 'term_uri', 'language'))
      return 'taxonomy_term'
    if (
      has(
        'services',
        'locations',
        'website',
        'legal_status',
        'tax_status',
        'tax_id',
        'year_incorporated',
        'organization_identifiers',
        'parent_organization_id',
        'agency_kind',
        'jurisdiction',
        'emergency_phone',
        'logo',
      )
    )
      return 'organization'
    // Organizations have no organization_id: a named object with one is a service missing its status.
    if (has('organization_id') && has('name')) return 'service'
    // Only a taxonomy's fields, with its uri or version: a taxonomy. A bare id, name and description
    // is taken as an organization, the commoner thing to import.
    if (
      has('uri', 'version') &&
      Object.keys(object).every((key) => ['id', 'name', 'description', 'uri', 'version'].includes(key))
    )
      return 'taxonomy'
    if (has('name')) return 'organization'
    return undefined
  }

  /** Reads one top-level object of the given (or guessed) kind. */
  entry(object: Json, path: string, kind = HsdsReader.kindOf(object)): boolean {
    switch (kind) {
      case 'organization':
        this.organization(object, path)
        return true
      case 'service':
        this.service(object, path)
        return true
      case 'location':
        this.location(object, path)
        return true
      case 'service_at_location':
        this.serviceAtLocation(object, path)
        return true
      case 'taxonomy':
        this.taxonomy(object, path)
        return true
      case 'taxonomy_term':
        this.term(object, path)
        return true
      default:
        return false
    }
  }
}

/** A real day written YYYY-MM-DD (not 2026-02-30, which JavaScript's Date would roll over). */
export function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  if (!match) return false
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const date = new Date(Date.UTC(year, month - 1, day))
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

/** A GeoJSON MultiPolygon: polygons of closed rings of at least four [longitude, latitude] positions. */
export function isMultiPolygon(value: Json): boolean {
  if (value.type !== 'MultiPolygon' || !Array.isArray(value.coordinates) || value.coordinates.length === 0)
    return false
  const position = (p: unknown) =>
    Array.isArray(p) &&
    p.length >= 2 &&
    typeof p[0] === 'number' &&
    typeof p[1] === 'number' &&
    Math.abs(p[0]) <= 180 &&
    Math.abs(p[1]) <= 90
  const ring = (r: unknown) =>
    Array.isArray(r) &&
    r.length >= 4 &&
    r.every(position) &&
    r[0][0] === r.at(-1)[0] &&
    r[0][1] === r.at(-1)[1]
  return value.coordinates.every(
    (polygon: unknown) => Array.isArray(polygon) && polygon.length > 0 && polygon.every(ring),
  )
}

export function parseBoolean(value: string): boolean | undefined {
  const text = value.trim().toLowerCase()
  if (['true', 'yes', 'y', 'oui', 'o', '1', 'x'].includes(text)) return true
  if (['false', 'no', 'n', 'non', '0'].includes(text)) return false
  return undefined
}

const collections: [string, EntryKind][] = [
  ['taxonomies', 'taxonomy'],
  ['taxonomy_terms', 'taxonomy_term'],
  ['organizations', 'organization'],
  ['locations', 'location'],
  ['services', 'service'],
  ['service_at_locations', 'service_at_location'],
]

/**
 * Reads an HSDS JSON document: one object, an array of objects, an HSDS API page (`contents`), or an
 * object of collections (`organizations`, `services`, ...).
 */
export function readHsdsJson(reader: HsdsReader, document: unknown) {
  const log = reader.builder.log
  const one = (item: unknown, path: string, kind?: EntryKind) => {
    if (!isObject(item) || !reader.entry(item, path, kind ?? HsdsReader.kindOf(item)))
      log.error({ file: reader.file, path: path || '/' }, 'not_hsds', '', { value: shorten(item) })
  }
  if (Array.isArray(document)) {
    document.forEach((item, index) => {
      one(item, pointer('', index))
    })
    return
  }
  if (isObject(document) && Array.isArray(document.contents)) {
    document.contents.forEach((item, index) => {
      one(item, pointer('/contents', index))
    })
    return
  }
  if (
    isObject(document) &&
    !('id' in document) &&
    collections.some(([key]) => Array.isArray(document[key]))
  ) {
    for (const [key, kind] of collections) {
      const list = document[key]
      if (!Array.isArray(list)) continue
      list.forEach((item, index) => {
        one(item, pointer(pointer('', key), index), kind)
      })
    }
    if (Array.isArray(document.attributes))
      document.attributes.forEach((item, index) => {
        const path = pointer('/attributes', index)
        if (isObject(item)) reader.attribute(item, path)
        else
          log.error({ file: reader.file, path }, 'invalid_type', 'attributes', {
            params: { expected: 'object' },
          })
      })
    return
  }
  one(document, '')
}
