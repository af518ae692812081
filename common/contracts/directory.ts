import { z } from 'zod'
import { provinceCodes } from '../geography.ts'

const csv = <T extends z.ZodType<string, string>>(item: T) =>
  z
    .string()
    .max(2000)
    .transform((value) =>
      value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item).max(30))

const flag = z.enum(['true', 'false']).transform((value) => value === 'true')
export const termCode = z.string().regex(/^[a-z0-9-]{1,60}$/)
export const languageCode = z.string().regex(/^[a-z]{2,3}$/)
export const provinceSchema = z.enum(provinceCodes as [string, ...string[]])
export const agencyKinds = [
  'service_provider',
  'law_enforcement',
  'child_protection',
  'emergency_dispatch',
] as const
export const referralStatuses = ['accepting', 'waitlist', 'not_accepting'] as const

/** The directory search's query string, shared by the staff search, the portal and their UIs. */
export const directorySearchQuery = z
  .strictObject({
    q: z
      .string()
      .trim()
      .max(200)
      .optional()
      .describe('Free text, English or French; accents and small typos tolerated'),
    serviceType: csv(termCode)
      .optional()
      .describe('Service type codes, comma-separated (any of them); an unknown code is refused'),
    population: csv(termCode)
      .optional()
      .describe('Population codes, comma-separated (any of them); an unknown code is refused'),
    language: csv(languageCode).optional().describe('ISO 639 language codes, comma-separated (any of them)'),
    province: provinceSchema.optional().describe('Province or territory (ISO 3166-2:CA code)'),
    municipality: z.string().trim().min(1).max(120).optional().describe('Municipality, with province'),
    lat: z.coerce.number().min(-90).max(90).optional().describe('Latitude of the point to search around'),
    lng: z.coerce.number().min(-180).max(180).optional().describe('Longitude of the point to search around'),
    nearMunicipality: z
      .string()
      .trim()
      .min(1)
      .max(120)
      .optional()
      .describe('Search around this municipality (with province)'),
    radiusKm: z.coerce
      .number()
      .positive()
      .max(2000)
      .optional()
      .describe('Distance from the point, in km (default 50)'),
    openNow: flag.optional(),
    open247: flag.optional().describe('Only services open 24 hours a day, 7 days a week'),
    accepting: flag.optional().describe('Only services accepting new referrals'),
    age: z.coerce
      .number()
      .int()
      .min(0)
      .max(120)
      .optional()
      .describe('Only services whose age range includes this age'),
    substanceUse: flag.optional().describe('Only services that accept people who use substances'),
    kind: csv(z.enum(agencyKinds)).optional().describe('Kinds of organization (default: all)'),
    lang: z.enum(['en', 'fr']).optional(),
    page: z.coerce.number().int().min(1).max(1000).default(1),
    perPage: z.coerce.number().int().min(1).max(100).default(20),
  })
  .refine((query) => (query.lat === undefined) === (query.lng === undefined), {
    path: ['lng'],
    message: 'lat_lng_together',
  })
  .refine((query) => !query.municipality || query.province, {
    path: ['province'],
    message: 'required_with_municipality',
  })
  .refine((query) => !query.nearMunicipality || query.province, {
    path: ['province'],
    message: 'required_with_municipality',
  })
export type DirectorySearchQuery = z.infer<typeof directorySearchQuery>

const facet = z.array(z.object({ value: z.string(), count: z.number().int() }))

export const directoryResult = z.object({
  id: z.string().describe('Search entry: a service at a location'),
  serviceId: z.string(),
  locationId: z.string().nullable(),
  organizationId: z.string(),
  name: z.string(),
  organizationName: z.string(),
  description: z.string().nullable(),
  kind: z.enum(agencyKinds),
  confidential: z.boolean(),
  address: z.string().nullable(),
  municipality: z.string().nullable(),
  province: z.string().nullable(),
  distanceKm: z.number().nullable(),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  phones: z.array(z.string()),
  hours: z.array(z.string()).describe('Opening hours as given by the provider'),
  open247: z.boolean(),
  openNow: z.boolean(),
  languages: z.array(z.string()),
  serviceTypes: z.array(z.string()),
  populations: z.array(z.string()),
  referralStatus: z.enum(referralStatuses).nullable(),
  minimumAge: z.number().nullable(),
  maximumAge: z.number().nullable(),
  substanceUseAccepted: z.boolean().nullable(),
  lastVerifiedAt: z.string().nullable(),
})
export type DirectoryResult = z.infer<typeof directoryResult>

export const termSchema = z.object({
  facet: z.enum(['serviceType', 'population']),
  code: z.string(),
  parent: z.string().nullable(),
  name: z.string(),
})
export type FilterTerm = z.infer<typeof termSchema>

export const agencySchema = z.object({
  organizationId: z.string(),
  name: z.string(),
  kind: z.enum(agencyKinds),
  emergencyPhone: z.string().nullable(),
  jurisdiction: z.object({
    province: z.string().nullable(),
    municipality: z.string().nullable(),
    hasArea: z.boolean(),
  }),
  scope: z
    .enum(['area', 'municipality', 'province'])
    .describe('How the agency was found responsible for the place'),
})
export type Agency = z.infer<typeof agencySchema>

export const directorySearchResponse = z.object({
  total: z.number().int(),
  page: z.number().int(),
  perPage: z.number().int(),
  results: z.array(directoryResult),
  facets: z.object({
    serviceType: facet,
    population: facet,
    language: facet,
    province: facet,
    referralStatus: facet,
    openNow: facet.describe('`yes`: how many are open now'),
    open247: facet.describe('`yes`: how many are open 24/7'),
    substanceUse: facet.describe('`yes`: how many accept people who use substances'),
  }),
  agencies: z
    .array(agencySchema)
    .describe('Police, child-protection and dispatch agencies responsible for the place'),
  origin: z.object({ latitude: z.number(), longitude: z.number() }).nullable(),
})
export type DirectorySearchResponse = z.infer<typeof directorySearchResponse>

export const agenciesQuery = z
  .strictObject({
    kind: csv(z.enum(agencyKinds)).optional(),
    province: provinceSchema.optional(),
    municipality: z.string().trim().min(1).max(120).optional(),
    lat: z.coerce.number().min(-90).max(90).optional(),
    lng: z.coerce.number().min(-180).max(180).optional(),
    lang: z.enum(['en', 'fr']).optional(),
  })
  .refine((query) => (query.lat === undefined) === (query.lng === undefined), {
    path: ['lng'],
    message: 'lat_lng_together',
  })
  .refine((query) => query.province || query.lat !== undefined, { path: ['province'], message: 'required' })

// ---- Curation: what a directory manager edits. Every field but the names may be left empty.

const optionalText = (max: number) => z.string().trim().max(max).nullish()
export const bilingualName = z
  .strictObject({ en: optionalText(300), fr: optionalText(300) })
  .refine((value) => Boolean(value.en || value.fr), { path: ['en'], message: 'required' })
  .describe('Text in English and French; one of the two is enough, each falls back to the other')
export const bilingualDescription = z.strictObject({ en: optionalText(5000), fr: optionalText(5000) })
const phone = z
  .string()
  .trim()
  .regex(/^[0-9+()\-.\s x]{3,40}$/)
const weekday = z.enum(['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'])
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/)
export const hoursInput = z
  .array(z.strictObject({ days: z.array(weekday).min(1).max(7), opens: clock, closes: clock }))
  .max(14)
  .describe('Weekly opening hours, local time of the place')

export const organizationInput = z.strictObject({
  name: bilingualName,
  description: bilingualDescription.default({}),
  kind: z.enum(agencyKinds).default('service_provider'),
  confidential: z.boolean().default(false),
  email: z.email().max(254).nullish(),
  website: z
    .url({ protocol: /^https?$/ })
    .max(500)
    .nullish(),
  phone: phone.nullish(),
  emergencyPhone: phone.nullish().describe('A number answered 24/7 (agencies)'),
  jurisdiction: z
    .strictObject({ province: provinceSchema.nullish(), municipality: optionalText(120) })
    .nullish(),
  verificationIntervalDays: z.number().int().min(1).max(3650).nullish(),
})
export type OrganizationInput = z.infer<typeof organizationInput>

export const locationInput = z.strictObject({
  organizationId: z.string().min(1).max(100),
  name: bilingualName,
  description: bilingualDescription.default({}),
  confidential: z.boolean().default(false),
  address: z
    .strictObject({
      address1: z.string().trim().min(1).max(200),
      city: z.string().trim().min(1).max(120),
      province: provinceSchema,
      postalCode: z.string().trim().max(12).default(''),
    })
    .nullish(),
  latitude: z.number().min(-90).max(90).nullish(),
  longitude: z.number().min(-180).max(180).nullish(),
  phone: phone.nullish(),
  verificationIntervalDays: z.number().int().min(1).max(3650).nullish(),
})
export type LocationInput = z.infer<typeof locationInput>

export const serviceInput = z.strictObject({
  organizationId: z.string().min(1).max(100),
  name: bilingualName,
  description: bilingualDescription.default({}),
  status: z.enum(['active', 'inactive', 'defunct', 'temporarily closed']).default('active'),
  confidential: z.boolean().default(false),
  serviceTypes: z.array(termCode).max(30).default([]),
  populations: z.array(termCode).max(30).default([]),
  languages: z.array(languageCode).max(40).default([]),
  locationIds: z.array(z.string().min(1).max(100)).max(50).default([]),
  hours: hoursInput.default([]),
  phone: phone.nullish(),
  referralStatus: z.enum(referralStatuses).nullish(),
  minimumAge: z.number().int().min(0).max(120).nullish(),
  maximumAge: z.number().int().min(0).max(120).nullish(),
  substanceUseAccepted: z.boolean().nullish(),
  statusIndependent: z.boolean().nullish().describe('Immigration status is not a condition'),
  verificationIntervalDays: z.number().int().min(1).max(3650).nullish(),
})
export type ServiceInput = z.infer<typeof serviceInput>

export const entityTypes = ['organization', 'service', 'location'] as const
export const verificationOutcomes = ['confirmed', 'changed', 'unreachable', 'closed'] as const

export const verificationInput = z.strictObject({
  entityType: z.enum(entityTypes),
  entityId: z.string().min(1).max(100),
  outcome: z.enum(verificationOutcomes),
  note: z.string().trim().max(2000).nullish(),
})

export const verificationQueueQuery = z.strictObject({
  entityType: z.enum(entityTypes).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  lang: z.enum(['en', 'fr']).optional(),
})

export const queueEntry = z.object({
  entityType: z.enum(entityTypes),
  id: z.string(),
  name: z.string(),
  organizationName: z.string().nullable(),
  confidential: z.boolean(),
  lastVerifiedAt: z.string().nullable(),
  dueAt: z.string().describe('When the entry became due (now, if it was never verified)'),
  lastOutcome: z.enum(verificationOutcomes).nullable(),
})

const bilingualView = z.object({ en: z.string().nullable(), fr: z.string().nullable() })
const verificationView = z.object({
  lastVerifiedAt: z.string().nullable(),
  intervalDays: z.number().int().nullable(),
  history: z.array(
    z.object({
      outcome: z.enum(verificationOutcomes),
      note: z.string().nullable(),
      verifiedBy: z.string(),
      verifiedAt: z.string(),
    }),
  ),
})

export const locationView = z.object({
  id: z.string(),
  organizationId: z.string().nullable(),
  name: bilingualView,
  description: bilingualView,
  confidential: z.boolean(),
  address: z
    .object({ address1: z.string(), city: z.string(), province: z.string(), postalCode: z.string() })
    .nullable(),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  phone: z.string().nullable(),
  verification: verificationView,
})

export const serviceView = z.object({
  id: z.string(),
  organizationId: z.string(),
  name: bilingualView,
  description: bilingualView,
  status: z.enum(['active', 'inactive', 'defunct', 'temporarily closed']),
  confidential: z.boolean(),
  serviceTypes: z.array(z.string()),
  populations: z.array(z.string()),
  languages: z.array(z.string()),
  locationIds: z.array(z.string()),
  hours: z.array(z.object({ days: z.array(z.string()), opens: z.string(), closes: z.string() })),
  phone: z.string().nullable(),
  referralStatus: z.enum(referralStatuses).nullable(),
  referralStatusAt: z.string().nullable(),
  minimumAge: z.number().nullable(),
  maximumAge: z.number().nullable(),
  substanceUseAccepted: z.boolean().nullable(),
  statusIndependent: z.boolean().nullable(),
  verification: verificationView,
})

export const organizationView = z.object({
  id: z.string(),
  name: bilingualView,
  description: bilingualView,
  kind: z.enum(agencyKinds),
  confidential: z.boolean(),
  email: z.string().nullable(),
  website: z.string().nullable(),
  phone: z.string().nullable(),
  emergencyPhone: z.string().nullable(),
  jurisdiction: z.object({ province: z.string().nullable(), municipality: z.string().nullable() }),
  verification: verificationView,
  locations: z.array(locationView),
  services: z.array(serviceView),
  abilities: z.object({ edit: z.boolean(), verify: z.boolean() }),
})
export type OrganizationView = z.infer<typeof organizationView>
export type ServiceView = z.infer<typeof serviceView>
export type LocationView = z.infer<typeof locationView>
