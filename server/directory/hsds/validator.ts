import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js'
import addFormatsPlugin from 'ajv-formats'

/** The official HSDS 3.1 schemas (JSON Schema 2020-12), kept beside the project. */
export const officialSchemaDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../shared/hsds/schema',
)

export type HsdsType =
  | 'organization'
  | 'service'
  | 'location'
  | 'service_at_location'
  | 'taxonomy'
  | 'taxonomy_term'
  | 'attribute'

/** RFC 7396 JSON merge patch: how an HSDS profile changes an official schema. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch
  const out: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {}
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key]
    else out[key] = mergePatch(out[key], value)
  }
  return out
}

/**
 * Validates objects against the official HSDS schemas with Ajv's 2020-12 build and its formats
 * (uuid, uri, email, date-time). The schemas refer to each other by file name, so each is added under
 * its file name. Unknown keywords of the HSDS schema files (core, constraints, example, ...) are
 * annotations, hence `strict: false`. With `patches` (a profile's merge patches by schema name), it
 * validates against the profiled schemas instead.
 */
export function createHsdsValidator(
  dir = officialSchemaDir,
  { patches = {} }: { patches?: Record<string, unknown> } = {},
) {
  const ajv = new Ajv2020({ strict: false, allErrors: true })
  const addFormats = addFormatsPlugin as unknown as (instance: Ajv2020) => Ajv2020
  addFormats(ajv)
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.json') || file === 'openapi.json') continue
    const schema = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as unknown
    const patch = patches[file.replace(/\.json$/, '')]
    ajv.addSchema((patch === undefined ? schema : mergePatch(schema, patch)) as object, file)
  }
  return {
    /** The problems of one object as readable lines (empty when it is valid). */
    errors(type: HsdsType, value: unknown): string[] {
      const validate = ajv.getSchema(`${type}.json`)
      if (!validate) throw new Error(`no official schema for ${type}`)
      if (validate(value)) return []
      return (validate.errors ?? []).map(
        (error: ErrorObject) => `${type}${error.instancePath} ${error.message ?? ''}`,
      )
    },
  }
}
