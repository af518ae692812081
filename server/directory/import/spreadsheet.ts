import { provinceCode } from '../../../common/geography.ts'
import type {
  BilingualText,
  LocationRecord,
  OrganizationRecord,
  ServiceRecord,
} from '../directory.records.ts'
import {
  POPULATION,
  populationTermId,
  relaisTaxonomyTerms,
  SERVICE_TYPE,
  serviceTypeTermId,
} from '../taxonomies.ts'
import type { BundleBuilder } from './builder.ts'
import type { CsvRow } from './csv.ts'
import { agencyKinds, isCalendarDate, parseBoolean, referralStatuses, serviceStatuses } from './hsds.ts'
import type { EntryKind, IssueCode, Origin } from './issues.ts'
import { shorten } from './issues.ts'

/**
 * The Relais spreadsheet: one row per service, with its organization and its location on the same
 * row (repeated on each row of the organization's services). Documented in
 * docs/directory-spreadsheet.md; keep both in step.
 */
export const spreadsheetColumns = [
  'organization_id',
  'organization_name_en',
  'organization_name_fr',
  'organization_description_en',
  'organization_description_fr',
  'agency_kind',
  'organization_email',
  'organization_website',
  'emergency_phone',
  'organization_confidential',
  'service_id',
  'service_name_en',
  'service_name_fr',
  'description_en',
  'description_fr',
  'status',
  'service_types',
  'populations',
  'languages',
  'phone',
  'email',
  'website',
  'hours',
  'minimum_age',
  'maximum_age',
  'referral_status',
  'referral_status_as_of',
  'status_independent',
  'substance_use_accepted',
  'confidential',
  'verification_interval_days',
  'location_id',
  'location_name_en',
  'location_name_fr',
  'address',
  'city',
  'province',
  'postal_code',
  'latitude',
  'longitude',
  'location_confidential',
] as const
export type SpreadsheetColumn = (typeof spreadsheetColumns)[number]
export const requiredColumns: SpreadsheetColumn[] = ['organization_id', 'service_id']

const locationColumns: SpreadsheetColumn[] = [
  'location_id',
  'location_name_en',
  'location_name_fr',
  'address',
  'city',
  'province',
  'postal_code',
  'latitude',
  'longitude',
]

const codesOf = (taxonomy: string) =>
  new Set(relaisTaxonomyTerms.filter((term) => term.taxonomyId === taxonomy).map((term) => term.code!))
const serviceTypeCodes = codesOf(SERVICE_TYPE)
const populationCodes = codesOf(POPULATION)

const days = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const
const frenchDays: Record<string, string> = { LU: 'MO', MA: 'TU', ME: 'WE', JE: 'TH', VE: 'FR', DI: 'SU' }
const languageNames = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' })

export interface WeeklyHours {
  byday: string
  opens_at: string
  closes_at: string
}

/**
 * Opening hours as written in the spreadsheet: `MO-FR 09:00-17:00; SA 10:00-14:00`, several ranges
 * `MO-FR 09:00-12:00,13:00-17:00`, day lists `MO,WE,FR 09:00-12:00`, French day codes (LU MA ME JE
 * VE SA DI), or `24/7`. Undefined when the text cannot be read.
 */
export function parseHours(text: string): WeeklyHours[] | undefined {
  const out: WeeklyHours[] = []
  for (const part of text
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)) {
    if (/^24\s*\/\s*7$/.test(part)) {
      out.push({ byday: days.join(','), opens_at: '00:00', closes_at: '23:59' })
      continue
    }
    const match =
      /^([A-Za-z,\s-]+?)\s+(\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2}(?:\s*,\s*\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2})*)$/.exec(
        part,
      )
    if (!match) return undefined
    const selected = new Set<string>()
    for (const group of match[1]!
      .split(',')
      .map((g) => g.trim().toUpperCase())
      .filter(Boolean)) {
      const [from, to, extra] = group.split('-').map((d) => d.trim())
      const day = (code: string | undefined) => {
        const normal = code ? (frenchDays[code] ?? code) : undefined
        const index = days.indexOf(normal as (typeof days)[number])
        return index >= 0 ? index : undefined
      }
      const start = day(from)
      const end = to === undefined ? start : day(to)
      if (start === undefined || end === undefined || extra !== undefined) return undefined
      for (let i = start; ; i = (i + 1) % 7) {
        selected.add(days[i]!)
        if (i === end) break
      }
    }
    const byday = days.filter((d) => selected.has(d)).join(',')
    for (const range of match[2]!.split(',')) {
      const [opens, closes] = range.split('-').map((t) => t.trim().padStart(5, '0'))
      const valid = (time: string) => {
        const [h, m] = time.split(':').map(Number)
        return h! <= 24 && m! < 60 && (h! < 24 || m === 0)
      }
      if (!valid(opens!) || !valid(closes!)) return undefined
      out.push({ byday, opens_at: opens!, closes_at: closes === '24:00' ? '23:59' : closes! })
    }
  }
  return out.length > 0 ? out : undefined
}

/** Two cells say the same thing: `NS` and `Nova Scotia`, `45.5` and `45.50`, `yes` and `oui`. */
function comparable(column: SpreadsheetColumn, value: string): string {
  if (column === 'province') return provinceCode(value) ?? value
  if (column === 'latitude' || column === 'longitude') return String(Number(value.replace(',', '.')))
  if (column.endsWith('confidential')) return String(parseBoolean(value) ?? value)
  return value
}

const list = (value: string) =>
  value
    .split(/[;|]/)
    .map((item) => item.trim())
    .filter(Boolean)

/** Reads the rows of a Relais spreadsheet into the builder's bundle. */
export function readSpreadsheet(
  builder: BundleBuilder,
  file: string,
  header: string[],
  rows: CsvRow[],
  language: 'en' | 'fr',
) {
  const log = builder.log
  for (const column of requiredColumns)
    if (!header.includes(column)) log.error({ file, line: 1 }, 'missing_column', column)
  const known = new Set<string>(spreadsheetColumns)
  for (const column of header)
    if (column && !known.has(column)) log.warn({ file, line: 1 }, 'unknown_column', column)
  if (requiredColumns.some((column) => !header.includes(column))) return

  const organizations = new Map<
    string,
    { record: OrganizationRecord; origin: Origin; seen: Map<string, string> }
  >()
  const locations = new Map<
    string,
    {
      organizationId: string | null
      confidential: boolean
      point?: [number, number]
      origin: Origin
      /** The first value given for each location column, on whichever row. */
      seen: Map<string, string>
    }
  >()
  const services = new Set<string>()

  for (const row of rows) {
    const origin: Origin = { file, line: row.line }
    const get = (column: SpreadsheetColumn) => (row.values[column] ?? '').trim()
    const fail = (column: SpreadsheetColumn, code: IssueCode, kind?: EntryKind, id?: string, extra = {}) =>
      log.error(origin, code, column, {
        value: shorten(get(column)) || undefined,
        entry: kind && id ? { kind, id } : undefined,
        ...extra,
      })
    const bool = (column: SpreadsheetColumn, kind: EntryKind, id: string) => {
      const value = get(column)
      if (!value) return undefined
      const parsed = parseBoolean(value)
      if (parsed === undefined) fail(column, 'invalid_boolean', kind, id)
      return parsed
    }
    const number = (column: SpreadsheetColumn, kind: EntryKind, id: string) => {
      const value = get(column).replace(',', '.')
      if (!value) return undefined
      const parsed = Number(value)
      if (!Number.isFinite(parsed)) {
        fail(column, 'invalid_number', kind, id)
        return undefined
      }
      return parsed
    }
    const oneOf = <T extends string>(
      column: SpreadsheetColumn,
      allowed: readonly T[],
      kind: EntryKind,
      id: string,
    ) => {
      const value = get(column)
      if (!value) return undefined
      // `not accepting`, `Not-Accepting` and `not_accepting` are one value.
      const normal = (text: string) => text.toLowerCase().replace(/[\s_-]+/g, '_')
      const found = allowed.find((option) => normal(option) === normal(value))
      if (!found) fail(column, 'invalid_enum', kind, id, { params: { allowed: allowed.join(', ') } })
      return found
    }
    const text = (en: SpreadsheetColumn, fr: SpreadsheetColumn): BilingualText => {
      const out: BilingualText = {}
      if (get(en)) out.en = get(en)
      if (get(fr)) out.fr = get(fr)
      return out
    }
    /** Fields shared by the rows of one organization (or location) must agree. */
    const agree = (seen: Map<string, string>, columns: SpreadsheetColumn[], kind: EntryKind, id: string) => {
      for (const column of columns) {
        const value = get(column)
        if (!value) continue
        const before = seen.get(column)
        if (before === undefined) seen.set(column, value)
        else if (comparable(column, before) !== comparable(column, value))
          fail(column, 'conflicting_value', kind, id, { params: { previous: before } })
      }
    }

    const organizationId = get('organization_id')
    const serviceId = get('service_id')
    if (!organizationId) fail('organization_id', 'required', serviceId ? 'service' : undefined, serviceId)
    if (!serviceId) {
      fail('service_id', 'required')
      continue
    }
    if (services.has(serviceId)) {
      fail('service_id', 'duplicate_id', 'service', serviceId)
      continue
    }
    services.add(serviceId)

    // The organization, once per id.
    if (organizationId) {
      const orgColumns: SpreadsheetColumn[] = [
        'organization_name_en',
        'organization_name_fr',
        'organization_description_en',
        'organization_description_fr',
        'agency_kind',
        'organization_email',
        'organization_website',
        'emergency_phone',
        'organization_confidential',
      ]
      let entry = organizations.get(organizationId)
      if (!entry) {
        entry = {
          record: {
            id: organizationId,
            name: {},
            description: {},
            kind: 'service_provider',
            confidential: false,
            emergencyPhone: null,
            doc: {},
          },
          origin,
          seen: new Map(),
        }
        organizations.set(organizationId, entry)
      }
      agree(entry.seen, orgColumns, 'organization', organizationId)
      const record = entry.record
      const name = text('organization_name_en', 'organization_name_fr')
      const description = text('organization_description_en', 'organization_description_fr')
      record.name = { ...name, ...record.name }
      record.description = { ...description, ...record.description }
      const kind = oneOf('agency_kind', agencyKinds, 'organization', organizationId)
      if (kind) record.kind = kind
      if (bool('organization_confidential', 'organization', organizationId)) record.confidential = true
      if (get('emergency_phone')) record.emergencyPhone = get('emergency_phone')
      if (get('organization_email')) record.doc.email = get('organization_email')
      if (get('organization_website')) record.doc.website = get('organization_website')
    }

    // The service.
    const name = text('service_name_en', 'service_name_fr')
    if (!name.en && !name.fr)
      fail(language === 'fr' ? 'service_name_fr' : 'service_name_en', 'required', 'service', serviceId)
    const minimumAge = number('minimum_age', 'service', serviceId)
    const maximumAge = number('maximum_age', 'service', serviceId)
    for (const [column, age] of [
      ['minimum_age', minimumAge],
      ['maximum_age', maximumAge],
    ] as const)
      if (age !== undefined && (age < 0 || age > 150)) fail(column, 'invalid_number', 'service', serviceId)
    if (minimumAge !== undefined && maximumAge !== undefined && minimumAge > maximumAge)
      fail('maximum_age', 'invalid_age_range', 'service', serviceId, { params: { minimum: minimumAge } })
    const referralAt = get('referral_status_as_of')
    if (referralAt && !isCalendarDate(referralAt))
      fail('referral_status_as_of', 'invalid_date', 'service', serviceId)
    const interval = number('verification_interval_days', 'service', serviceId)
    if (interval !== undefined && (!Number.isInteger(interval) || interval < 1 || interval > 3650))
      fail('verification_interval_days', 'invalid_number', 'service', serviceId, {
        params: { min: 1, max: 3650 },
      })

    const doc: Record<string, unknown> = {}
    if (get('email')) doc.email = get('email')
    if (get('website')) doc.url = get('website')
    if (get('phone')) doc.phones = [{ id: `${serviceId}-phone`, number: get('phone') }]
    const languages: { id: string; code: string; name: string }[] = []
    for (const code of list(get('languages')).map((c) => c.toLowerCase())) {
      let known: string | undefined
      try {
        known = /^[a-z]{2,3}$/.test(code) ? languageNames.of(code) : undefined
      } catch {
        known = undefined
      }
      if (!known)
        log.error(origin, 'invalid_language', 'languages', {
          value: code,
          entry: { kind: 'service', id: serviceId },
        })
      else languages.push({ id: `${serviceId}-language-${code}`, code, name: known })
    }
    if (languages.length > 0) doc.languages = languages
    const hours = get('hours')
    if (hours) {
      const weekly = parseHours(hours)
      if (!weekly) fail('hours', 'invalid_hours', 'service', serviceId)
      else
        doc.schedules = weekly.map((w, index) => ({
          id: `${serviceId}-hours-${index + 1}`,
          freq: 'WEEKLY',
          ...w,
        }))
    }
    const service: ServiceRecord = {
      id: serviceId,
      organizationId,
      name,
      description: text('description_en', 'description_fr'),
      status: oneOf('status', serviceStatuses, 'service', serviceId) ?? 'active',
      confidential: bool('confidential', 'service', serviceId) ?? false,
      referralStatus: oneOf('referral_status', referralStatuses, 'service', serviceId) ?? null,
      referralStatusAt: referralAt || null,
      minimumAge: minimumAge ?? null,
      maximumAge: maximumAge ?? null,
      statusIndependent: bool('status_independent', 'service', serviceId) ?? null,
      substanceUseAccepted: bool('substance_use_accepted', 'service', serviceId) ?? null,
      verificationIntervalDays: interval ?? null,
      doc,
    }
    builder.put('service', service, origin)
    for (const [column, codes, termId, taxonomy] of [
      ['service_types', serviceTypeCodes, serviceTypeTermId, SERVICE_TYPE],
      ['populations', populationCodes, populationTermId, POPULATION],
    ] as const) {
      for (const code of list(get(column)).map((c) => c.toLowerCase())) {
        if (!codes.has(code)) {
          log.error(origin, 'unknown_taxonomy_code', column, {
            value: code,
            params: { taxonomy },
            entry: { kind: 'service', id: serviceId },
          })
          continue
        }
        const id = `${serviceId}-${termId(code)}`
        builder.attribute({ id, linkEntity: 'service', linkId: serviceId, taxonomyTermId: termId(code) })
        builder.origins.set(`attribute:${id}`, origin)
      }
    }

    // The location, when the row has one.
    if (locationColumns.some((column) => get(column))) {
      const locationId = get('location_id') || `${serviceId}-location`
      const latitude = number('latitude', 'location', locationId)
      const longitude = number('longitude', 'location', locationId)
      if (latitude !== undefined && (latitude < -90 || latitude > 90))
        log.warn(origin, 'invalid_coordinates', 'latitude', {
          value: get('latitude'),
          params: { min: -90, max: 90 },
          entry: { kind: 'location', id: locationId },
        })
      if (longitude !== undefined && (longitude < -180 || longitude > 180))
        log.warn(origin, 'invalid_coordinates', 'longitude', {
          value: get('longitude'),
          params: { min: -180, max: 180 },
          entry: { kind: 'location', id: locationId },
        })
      const pointValid =
        latitude !== undefined &&
        longitude !== undefined &&
        Math.abs(latitude) <= 90 &&
        Math.abs(longitude) <= 180
      if ((latitude === undefined) !== (longitude === undefined))
        fail(latitude === undefined ? 'latitude' : 'longitude', 'required', 'location', locationId)
      const province = get('province')
      if (province && !provinceCode(province)) fail('province', 'unknown_province', 'location', locationId)
      let entry = locations.get(locationId)
      if (!entry) {
        entry = { organizationId: organizationId || null, confidential: false, origin, seen: new Map() }
        locations.set(locationId, entry)
      }
      if (pointValid) entry.point = [latitude, longitude]
      agree(entry.seen, [...locationColumns, 'location_confidential'], 'location', locationId)
      if (bool('location_confidential', 'location', locationId)) entry.confidential = true
      const placementId = `${serviceId}@${locationId}`
      builder.put('service_at_location', { id: placementId, serviceId, locationId, doc: {} }, origin)
    }
  }
  for (const { record, origin } of organizations.values()) {
    const entry = { kind: 'organization' as const, id: record.id }
    if (!record.name.en && !record.name.fr)
      log.error(origin, 'required', language === 'fr' ? 'organization_name_fr' : 'organization_name_en', {
        entry,
      })
    if (!record.description.en && !record.description.fr)
      log.error(
        origin,
        'required',
        language === 'fr' ? 'organization_description_fr' : 'organization_description_en',
        {
          entry,
        },
      )
    builder.put('organization', record, origin)
  }
  for (const [id, entry] of locations) {
    const value = (column: SpreadsheetColumn) => entry.seen.get(column) ?? ''
    const province = value('province')
    const address = {
      id: `${id}-address`,
      address_1: value('address'),
      city: value('city'),
      state_province: provinceCode(province) ?? province,
      postal_code: value('postal_code').toUpperCase(),
      country: 'CA',
      address_type: 'physical',
    }
    const name: BilingualText = {}
    if (value('location_name_en')) name.en = value('location_name_en')
    if (value('location_name_fr')) name.fr = value('location_name_fr')
    const record: LocationRecord = {
      id,
      organizationId: entry.organizationId,
      locationType: 'physical',
      name,
      description: {},
      confidential: entry.confidential,
      latitude: entry.point?.[0] ?? null,
      longitude: entry.point?.[1] ?? null,
      province: provinceCode(province) ?? null,
      municipality: value('city') || null,
      doc: address.address_1 || address.city || address.postal_code ? { addresses: [address] } : {},
    }
    builder.put('location', record, entry.origin)
  }
}
