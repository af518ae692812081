import { z } from 'zod'

/**
 * The statistics agency's extract: de-identified case-level microdata, one row per potential victim,
 * k-anonymous on its quasi-identifiers. What the API accepts and returns.
 */

export const extractLimits = { kMin: 2, kMax: 1_000, kDefault: 11 } as const

/** What a variable is to the agency: something an outsider may know, what is studied, or neither. */
export const variableRoles = ['quasi_identifier', 'sensitive', 'other'] as const
export type VariableRole = (typeof variableRoles)[number]

export const extractLanguages = ['en', 'fr'] as const
export type ExtractLanguage = (typeof extractLanguages)[number]

export const extractRequest = z.strictObject({
  k: z
    .int()
    .min(extractLimits.kMin)
    .max(extractLimits.kMax)
    .default(extractLimits.kDefault)
    .describe('Every combination of quasi-identifiers is shared by at least k rows'),
  period: z
    .string()
    .trim()
    .min(1)
    .max(40)
    .optional()
    .describe('Cases opened in this period: 2021-22, 2021-22-Q1, 2021-04 or 2021-04-01..2021-06-30'),
  lang: z.enum(extractLanguages).optional().describe('Language of the README (the codebook has both)'),
})
export type ExtractRequest = z.output<typeof extractRequest>

const bilingual = z.object({ en: z.string(), fr: z.string() })

export const variableLoss = z.object({
  name: z.string(),
  level: z.int().describe('The level applied, 0 the finest'),
  levels: z.int().describe('Levels of its hierarchy, the last being *'),
  valuesGeneralised: z.int().describe('Published cells coarser than at level 0 (* not counted)'),
  cellsSuppressed: z.int().describe('Published cells shown as *'),
})

export const informationLoss = z.object({
  k: z.int(),
  records: z.object({
    input: z.int().describe('Rows read'),
    published: z.int().describe('Rows in data.csv, locally suppressed ones included'),
    locallySuppressed: z.int().describe('Rows published with every quasi-identifier *'),
    dropped: z.int().describe('Rows left out: fewer than k even with every quasi-identifier *'),
  }),
  variables: z.array(variableLoss),
  equivalenceClasses: z.int(),
  smallestClass: z.int().nullable(),
  loss: z.number().describe('Mean precision lost per quasi-identifier cell, 0 to 1'),
  search: z.object({
    strategy: z.enum(['exhaustive', 'greedy']),
    latticeSize: z.int(),
    nodesEvaluated: z.int(),
  }),
})
export type InformationLossView = z.infer<typeof informationLoss>

export const extractSummary = z.object({
  relaisVersion: z.string(),
  generatedAt: z.string().describe('ISO 8601'),
  k: z.int(),
  period: z.object({ label: z.string(), from: z.string(), to: z.string() }).nullable(),
  timeZone: z.string(),
  rows: z.int(),
  fingerprint: z.string().describe('SHA-256 of data.csv, hexadecimal'),
  informationLoss,
})
export type ExtractSummary = z.infer<typeof extractSummary>

export const codebookVariable = z.object({
  name: z.string(),
  label: bilingual,
  note: bilingual.optional(),
  role: z.enum(variableRoles),
  multiple: z.boolean().describe('Several values in one cell, separated by ;'),
  generalisation: z
    .object({
      level: z.int(),
      levelName: z.string(),
      levelLabel: bilingual,
      levels: z.array(z.string()),
    })
    .nullable(),
  values: z.array(z.object({ value: z.string(), label: bilingual })),
})
export type CodebookVariable = z.infer<typeof codebookVariable>

export const codebook = z.object({
  relaisVersion: z.string(),
  htcdsVersion: z.string(),
  generatedAt: z.string(),
  k: z.int(),
  separator: z.string(),
  suppressed: z.string(),
  variables: z.array(codebookVariable),
})
export type Codebook = z.infer<typeof codebook>

export const extractResponse = z.object({
  files: z.object({ 'data.csv': z.string(), 'codebook.json': codebook, 'README.md': z.string() }),
  summary: extractSummary,
})
