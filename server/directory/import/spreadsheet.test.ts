import { describe, expect, it } from 'vitest'
import { BundleBuilder } from './builder.ts'
import { parseCsvTable } from './csv.ts'
import { IssueLog } from './issues.ts'
import { parseHours, readSpreadsheet } from './spreadsheet.ts'

describe('parseHours', () => {
  it('reads day ranges, day lists, several ranges a day, French day codes and 24/7', () => {
    expect(parseHours('MO-FR 09:00-17:00; SA 10:00-14:00')).toEqual([
      { byday: 'MO,TU,WE,TH,FR', opens_at: '09:00', closes_at: '17:00' },
      { byday: 'SA', opens_at: '10:00', closes_at: '14:00' },
    ])
    expect(parseHours('MO,WE 9:00-12:00,13:00-16:30')).toEqual([
      { byday: 'MO,WE', opens_at: '09:00', closes_at: '12:00' },
      { byday: 'MO,WE', opens_at: '13:00', closes_at: '16:30' },
    ])
    expect(parseHours('LU-VE 08:30-16:00')).toEqual([
      { byday: 'MO,TU,WE,TH,FR', opens_at: '08:30', closes_at: '16:00' },
    ])
    expect(parseHours('FR-MO 20:00-24:00')).toEqual([
      { byday: 'MO,FR,SA,SU', opens_at: '20:00', closes_at: '23:59' },
    ])
    expect(parseHours('24/7')).toEqual([
      { byday: 'MO,TU,WE,TH,FR,SA,SU', opens_at: '00:00', closes_at: '23:59' },
    ])
  })

  it('refuses what it cannot read', () => {
    for (const text of [
      'weekdays 9-5',
      'MO 25:00-26:00',
      'XX 09:00-10:00',
      'MO-TU-WE 09:00-10:00',
      'MO 09:60-10:00',
      ';',
    ])
      expect(parseHours(text), text).toBeUndefined()
  })
})

describe('readSpreadsheet', () => {
  it('builds a location shared by several rows from the values on any of them', () => {
    const csv = [
      'organization_id,organization_name_en,organization_description_en,service_id,service_name_en,location_id,address,city,province,latitude,longitude,colour',
      'o1,One,First.,s1,Shelter,shared,,Halifax,NS,,,blue',
      'o1,,,s2,Clinic,shared,1 Spring Garden Road,,Nova Scotia,44.64,-63.57,',
      'o1,,,s3,Line,shared,,halifax,NS,44.640,-63.57,',
    ].join('\n')
    const table = parseCsvTable(csv)
    const log = new IssueLog()
    const builder = new BundleBuilder(log)
    readSpreadsheet(builder, 'sheet.csv', table.header, table.rows, 'en')
    // NS and Nova Scotia, 44.64 and 44.640 agree; Halifax and halifax do not.
    expect(log.issues.map((i) => [i.line, i.field, i.code, i.severity])).toEqual([
      [1, 'colour', 'unknown_column', 'warning'],
      [4, 'city', 'conflicting_value', 'error'],
    ])
    expect(builder.bundle.locations).toEqual([
      expect.objectContaining({
        id: 'shared',
        organizationId: 'o1',
        latitude: 44.64,
        longitude: -63.57,
        province: 'NS',
        municipality: 'Halifax',
        doc: {
          addresses: [
            expect.objectContaining({
              address_1: '1 Spring Garden Road',
              city: 'Halifax',
              state_province: 'NS',
            }),
          ],
        },
      }),
    ])
    expect(builder.bundle.serviceAtLocations.map((p) => p.id)).toEqual([
      's1@shared',
      's2@shared',
      's3@shared',
    ])
  })
})
