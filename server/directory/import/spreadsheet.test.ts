import { describe, expect, it } from 'vitest'
import { parseHours } from './spreadsheet.ts'

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
