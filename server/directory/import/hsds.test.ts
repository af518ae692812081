import { describe, expect, it } from 'vitest'
import { HsdsReader } from './hsds.ts'

describe('HsdsReader.kindOf', () => {
  it('tells the kind of an HSDS object from its fields', () => {
    const cases: [Record<string, unknown>, string | undefined][] = [
      [{ id: '1', name: 'n', status: 'active' }, 'service'],
      [{ id: '1', name: 'n', organization_id: 'o' }, 'service'],
      [{ id: '1', name: 'n', organization: { id: 'o' } }, 'service'],
      [{ id: '1', name: 'n', minimum_age: 3 }, 'service'],
      [{ id: '1', service_id: 's', location_id: 'l' }, 'service_at_location'],
      [{ id: '1', service: {}, location: {} }, 'service_at_location'],
      [{ id: '1', location_type: 'physical', organization_id: 'o', name: 'n' }, 'location'],
      [{ id: '1', name: 'n', description: 'd', taxonomy_detail: {} }, 'taxonomy_term'],
      [{ id: '1', name: 'n', description: 'd', code: 'c' }, 'taxonomy_term'],
      [{ id: '1', name: 'n', description: 'd', uri: 'u', version: '1' }, 'taxonomy'],
      [{ id: '1', name: 'n', description: 'd' }, 'organization'],
      [{ id: '1', name: 'n', description: 'd', website: 'w' }, 'organization'],
      [{ version: '3.0', profile: 'p', openapi_url: 'u' }, undefined],
      [{ id: '1' }, undefined],
    ]
    for (const [object, kind] of cases) expect(HsdsReader.kindOf(object), JSON.stringify(object)).toBe(kind)
  })
})
