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
    serviceType: csv(termCode).optional().describe('Service type codes, comma-separated (any of them)'),
    population: csv(termCode).optional().describe('Population codes, comma-separated (any of them)'),
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
