import { z } from 'zod'

/** Bounds of the HSDS API's queries. */
export const hsdsLimits = {
  perPageDefault: 25,
  perPageMax: 200,
  pageMax: 100_000,
  searchMaxLength: 200,
  idMaxLength: 200,
  /** A proximity search reaches at most this far (metres). */
  proximityMax: 500_000,
} as const

const flag = z
  .enum(['true', 'false'])
  .transform((value) => value === 'true')
  .optional()

const id = z.string().min(1).max(hsdsLimits.idMaxLength)

const common = {
  page: z.coerce.number().int().min(1).max(hsdsLimits.pageMax).default(1).describe('Page number, from 1'),
  per_page: z.coerce
    .number()
    .int()
    .min(1)
    .max(hsdsLimits.perPageMax)
    .default(hsdsLimits.perPageDefault)
    .describe('Entries per page'),
  search: z
    .string()
    .trim()
    .min(1)
    .max(hsdsLimits.searchMaxLength)
    .optional()
    .describe('Words to look for, in English or French'),
  format: z
    .enum(['json', 'ndjson'])
    .default('json')
    .describe('json: one page; ndjson: every result, one JSON object per line, without paging'),
  lang: z.enum(['en', 'fr']).optional().describe('Language of name and description (else Accept-Language)'),
  minimal: flag.describe('Only each entry’s id and last_modified'),
  modified_after: z
    .preprocess(
      (value) =>
        typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value,
      z.iso.datetime({ offset: true }),
    )
    .optional()
    .describe('Entries changed at or after this date or date-time (ISO 8601)'),
}

const taxonomyFilters = {
  taxonomy_term_id: id.optional().describe('Entries carrying this taxonomy term'),
  taxonomy_id: id.optional().describe('Entries carrying any term of this taxonomy'),
}

export const serviceListQuery = z.strictObject({
  ...common,
  ...taxonomyFilters,
  organization_id: id.optional().describe('Services of this organization'),
  full: flag.describe('Fully nested services'),
})

export const serviceAtLocationListQuery = z.strictObject({
  ...common,
  ...taxonomyFilters,
  organization_id: id.optional().describe('Services of this organization'),
  full: flag.describe('Fully nested services at locations'),
  lat: z.coerce
    .number()
    .min(-90)
    .max(90)
    .optional()
    .describe('Relais extension: latitude of the search centre'),
  lng: z.coerce
    .number()
    .min(-180)
    .max(180)
    .optional()
    .describe('Relais extension: longitude of the search centre'),
  proximity: z.coerce
    .number()
    .min(1)
    .max(hsdsLimits.proximityMax)
    .optional()
    .describe('Relais extension: only places within this many metres of lat/lng (nearest first)'),
})

export const organizationListQuery = z.strictObject({
  ...common,
  ...taxonomyFilters,
  full: flag.describe('Fully nested organizations'),
  full_service: flag.describe('With full = true: the services of each organization fully nested'),
})

export const taxonomyListQuery = z.strictObject({ ...common })

export const taxonomyTermListQuery = z.strictObject({
  ...common,
  taxonomy_id: id.optional().describe('Terms of this taxonomy'),
  parent_id: id.optional().describe('Children of this term'),
  top_only: flag.describe('Only terms without a parent'),
})

export const detailQuery = z.strictObject({ lang: common.lang })
export const organizationDetailQuery = z.strictObject({
  lang: common.lang,
  full_service: flag.describe('The organization’s services fully nested'),
})
export const idParams = z.strictObject({ id })

export const hsdsObject = z
  .record(z.string(), z.unknown())
  .describe('An HSDS 3.1 object with the Relais profile')

export const hsdsPage = z.object({
  total_items: z.number().int(),
  total_pages: z.number().int(),
  page_number: z.number().int(),
  size: z.number().int().describe('Entries in this page'),
  first_page: z.boolean(),
  last_page: z.boolean(),
  empty: z.boolean(),
  contents: z.array(hsdsObject),
})

export const hsdsRoot = z.object({
  version: z.string(),
  profile: z.string(),
  openapi_url: z.string(),
})
