import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { provinceCodes } from '../../../common/geography.ts'
import type {
  AttributeRecord,
  BilingualText,
  DirectoryBundle,
  LocationRecord,
  OrganizationRecord,
  ServiceRecord,
} from '../directory.records.ts'
import { populationTermId, relaisTaxonomyTerms, serviceTypeTermId } from '../taxonomies.ts'
import { BundleBuilder } from './builder.ts'
import { csvLine, parseCsvTable } from './csv.ts'
import { agencyKinds, referralStatuses, serviceStatuses } from './hsds.ts'
import { IssueLog } from './issues.ts'
import { readSpreadsheet, type SpreadsheetColumn, spreadsheetColumns } from './spreadsheet.ts'

const codes = (taxonomy: string) =>
  relaisTaxonomyTerms.filter((term) => term.taxonomyId === taxonomy).map((term) => term.code!)
const serviceTypes = codes('relais-service-type')
const populations = codes('relais-population')
const languageNames: Record<string, string> = { en: 'English', fr: 'French', es: 'Spanish', iu: 'Inuktitut' }
const days = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU']

/** Cell text as people type it: commas, quotes, line breaks and accents included, trimmed. */
const text = fc
  .array(fc.constantFrom('a', 'B', 'é', 'ç', ' ', ',', '"', '\n', ';', '’', '1'), {
    minLength: 1,
    maxLength: 12,
  })
  .map((chars) => `x${chars.join('')}`.trim())
const bilingual = (required: boolean): fc.Arbitrary<BilingualText> =>
  fc
    .record({ en: fc.option(text, { nil: undefined }), fr: fc.option(text, { nil: undefined }) })
    .filter((t) => !required || Boolean(t.en || t.fr))
    .map((t) => Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined)) as BilingualText)
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null })
const subset = (list: string[]) => fc.uniqueArray(fc.constantFrom(...list), { maxLength: 3 })
const time = fc
  .tuple(fc.integer({ min: 0, max: 22 }), fc.constantFrom(0, 15, 30, 45))
  .map(([h, m]) => [h, m] as const)
const hours = fc.array(
  fc
    .tuple(
      fc.integer({ min: 0, max: 6 }),
      fc.integer({ min: 0, max: 6 }),
      time,
      fc.integer({ min: 15, max: 60 }),
    )
    .map(([from, to, [h, m], length]) => {
      const first = Math.min(from, to)
      const last = Math.max(from, to)
      const close = h * 60 + m + length
      const pad = (n: number) => String(n).padStart(2, '0')
      return {
        byday: days.slice(first, last + 1).join(','),
        opens_at: `${pad(h)}:${pad(m)}`,
        closes_at: `${pad(Math.floor(close / 60))}:${pad(close % 60)}`,
      }
    }),
  { maxLength: 3 },
)

interface Generated {
  organization: OrganizationRecord
  services: {
    service: ServiceRecord
    location: LocationRecord | null
    types: string[]
    populations: string[]
  }[]
}

const organization = (n: number): fc.Arbitrary<Generated> =>
  fc
    .record({
      name: bilingual(true),
      description: bilingual(true),
      kind: fc.constantFrom(...agencyKinds),
      confidential: fc.boolean(),
      emergencyPhone: maybe(fc.constantFrom('911', '613-555-0111')),
      services: fc.array(
        fc.record({
          name: bilingual(true),
          description: bilingual(false),
          status: fc.constantFrom(...serviceStatuses),
          confidential: fc.boolean(),
          referralStatus: maybe(fc.constantFrom(...referralStatuses)),
          ages: fc.tuple(maybe(fc.integer({ min: 0, max: 30 })), maybe(fc.integer({ min: 30, max: 99 }))),
          statusIndependent: maybe(fc.boolean()),
          substanceUseAccepted: maybe(fc.boolean()),
          types: subset(serviceTypes),
          populations: subset(populations),
          languages: subset(Object.keys(languageNames)),
          hours,
          phone: fc.option(fc.constantFrom('514-555-0100', '+1 867 555 0120'), { nil: undefined }),
          location: fc.option(
            fc.record({
              province: fc.constantFrom(...provinceCodes),
              city: text,
              address: text,
              point: fc.option(
                fc.tuple(
                  fc.integer({ min: -900000, max: 900000 }),
                  fc.integer({ min: -1800000, max: 1800000 }),
                ),
                { nil: null },
              ),
              confidential: fc.boolean(),
            }),
            { nil: null },
          ),
        }),
        { minLength: 1, maxLength: 3 },
      ),
    })
    .map((o) => {
      const organizationId = `org-${n}`
      return {
        organization: {
          id: organizationId,
          name: o.name,
          description: o.description,
          kind: o.kind,
          confidential: o.confidential,
          emergencyPhone: o.emergencyPhone,
          doc: {},
        },
        services: o.services.map((s, index) => {
          const id = `svc-${n}-${index}`
          const doc: Record<string, unknown> = {}
          if (s.phone) doc.phones = [{ id: `${id}-phone`, number: s.phone }]
          if (s.languages.length > 0)
            doc.languages = s.languages.map((code) => ({
              id: `${id}-language-${code}`,
              code,
              name: languageNames[code],
            }))
          if (s.hours.length > 0)
            doc.schedules = s.hours.map((h, i) => ({ id: `${id}-hours-${i + 1}`, freq: 'WEEKLY', ...h }))
          const locationId = `${id}-location`
          const location: LocationRecord | null = s.location && {
            id: locationId,
            organizationId,
            locationType: 'physical',
            name: {},
            description: {},
            confidential: s.location.confidential,
            latitude: s.location.point ? s.location.point[0] / 10000 : null,
            longitude: s.location.point ? s.location.point[1] / 10000 : null,
            province: s.location.province,
            municipality: s.location.city,
            doc: {
              addresses: [
                {
                  id: `${locationId}-address`,
                  address_1: s.location.address,
                  city: s.location.city,
                  state_province: s.location.province,
                  postal_code: '',
                  country: 'CA',
                  address_type: 'physical',
                },
              ],
            },
          }
          const service: ServiceRecord = {
            id,
            organizationId,
            name: s.name,
            description: s.description,
            status: s.status,
            confidential: s.confidential,
            referralStatus: s.referralStatus,
            referralStatusAt: null,
            minimumAge: s.ages[0],
            maximumAge: s.ages[1],
            statusIndependent: s.statusIndependent,
            substanceUseAccepted: s.substanceUseAccepted,
            verificationIntervalDays: null,
            doc,
          }
          return { service, location, types: s.types, populations: s.populations }
        }),
      }
    })

/** The spreadsheet writer: one row per service, the organization's columns on its first row only. */
function toSpreadsheet(generated: Generated[]): string {
  const yes = (value: boolean | null | undefined) =>
    value === null || value === undefined ? '' : value ? 'yes' : 'no'
  const lines = [csvLine([...spreadsheetColumns])]
  for (const { organization: o, services } of generated) {
    services.forEach(({ service: s, location: l, types, populations: p }, index) => {
      const schedules = (s.doc.schedules ?? []) as { byday: string; opens_at: string; closes_at: string }[]
      const cells: Partial<Record<SpreadsheetColumn, string>> = {
        organization_id: o.id,
        ...(index === 0
          ? {
              organization_name_en: o.name.en ?? '',
              organization_name_fr: o.name.fr ?? '',
              organization_description_en: o.description.en ?? '',
              organization_description_fr: o.description.fr ?? '',
              agency_kind: o.kind,
              emergency_phone: o.emergencyPhone ?? '',
              organization_confidential: yes(o.confidential),
            }
          : {}),
        service_id: s.id,
        service_name_en: s.name.en ?? '',
        service_name_fr: s.name.fr ?? '',
        description_en: s.description.en ?? '',
        description_fr: s.description.fr ?? '',
        status: s.status,
        confidential: yes(s.confidential),
        referral_status: s.referralStatus ?? '',
        minimum_age: s.minimumAge?.toString() ?? '',
        maximum_age: s.maximumAge?.toString() ?? '',
        status_independent: yes(s.statusIndependent),
        substance_use_accepted: yes(s.substanceUseAccepted),
        service_types: types.join(';'),
        populations: p.join(';'),
        languages: ((s.doc.languages ?? []) as { code: string }[]).map((x) => x.code).join(';'),
        phone: ((s.doc.phones ?? []) as { number: string }[])[0]?.number ?? '',
        hours: schedules.map((h) => `${h.byday} ${h.opens_at}-${h.closes_at}`).join('; '),
        ...(l
          ? {
              location_id: l.id,
              address: String((l.doc.addresses as { address_1: string }[])[0]!.address_1),
              city: l.municipality ?? '',
              province: l.province ?? '',
              latitude: l.latitude?.toString() ?? '',
              longitude: l.longitude?.toString() ?? '',
              location_confidential: yes(l.confidential),
            }
          : {}),
      }
      lines.push(csvLine(spreadsheetColumns.map((column) => cells[column] ?? '')))
    })
  }
  return `${lines.join('\r\n')}\r\n`
}

const expectedBundle = (generated: Generated[]): Partial<DirectoryBundle> => {
  const attributes: AttributeRecord[] = []
  for (const { services } of generated)
    for (const { service, types, populations: p } of services) {
      for (const code of types)
        attributes.push({
          id: `${service.id}-${serviceTypeTermId(code)}`,
          linkEntity: 'service',
          linkId: service.id,
          taxonomyTermId: serviceTypeTermId(code),
        })
      for (const code of p)
        attributes.push({
          id: `${service.id}-${populationTermId(code)}`,
          linkEntity: 'service',
          linkId: service.id,
          taxonomyTermId: populationTermId(code),
        })
    }
  const all = generated.flatMap((g) => g.services)
  return {
    organizations: generated.map((g) => g.organization),
    services: all.map((s) => s.service),
    locations: all.flatMap((s) => (s.location ? [s.location] : [])),
    serviceAtLocations: all.flatMap((s) =>
      s.location
        ? [
            {
              id: `${s.service.id}@${s.location.id}`,
              serviceId: s.service.id,
              locationId: s.location.id,
              doc: {},
            },
          ]
        : [],
    ),
    attributes,
  }
}

describe('the Relais spreadsheet', () => {
  it('reads back the entries a spreadsheet was written from', () => {
    const directory = fc
      .integer({ min: 1, max: 4 })
      .chain((count) => fc.tuple(...Array.from({ length: count }, (_, n) => organization(n))))
    fc.assert(
      fc.property(directory, (generated) => {
        const csv = toSpreadsheet(generated)
        const table = parseCsvTable(csv)
        expect(table.problems).toEqual([])
        const log = new IssueLog()
        const builder = new BundleBuilder(log)
        readSpreadsheet(builder, 'directory.csv', table.header, table.rows, 'en')
        expect(log.issues).toEqual([])
        const { organizations, services, locations, serviceAtLocations, attributes } = builder.bundle
        const normal = <T>(rows: T[]) => JSON.parse(JSON.stringify(rows)) as T[]
        const expected = expectedBundle(generated)
        expect(normal(organizations)).toEqual(normal(expected.organizations!))
        expect(normal(services)).toEqual(normal(expected.services!))
        expect(normal(locations)).toEqual(normal(expected.locations!))
        expect(serviceAtLocations).toEqual(expected.serviceAtLocations)
        expect(attributes).toEqual(expected.attributes)
      }),
      { numRuns: 150 },
    )
  })
})
