/**
 * Canada's provinces and territories (ISO 3166-2:CA codes), with names in both official languages,
 * standard time's offset from UTC and a time zone: one each, where most of its people live.
 */
export const provinces = {
  AB: { en: 'Alberta', fr: 'Alberta', utcOffsetHours: -7, timeZone: 'America/Edmonton' },
  BC: {
    en: 'British Columbia',
    fr: 'Colombie-Britannique',
    utcOffsetHours: -8,
    timeZone: 'America/Vancouver',
  },
  MB: { en: 'Manitoba', fr: 'Manitoba', utcOffsetHours: -6, timeZone: 'America/Winnipeg' },
  NB: { en: 'New Brunswick', fr: 'Nouveau-Brunswick', utcOffsetHours: -4, timeZone: 'America/Moncton' },
  NL: {
    en: 'Newfoundland and Labrador',
    fr: 'Terre-Neuve-et-Labrador',
    utcOffsetHours: -3.5,
    timeZone: 'America/St_Johns',
  },
  NS: { en: 'Nova Scotia', fr: 'Nouvelle-Écosse', utcOffsetHours: -4, timeZone: 'America/Halifax' },
  NT: {
    en: 'Northwest Territories',
    fr: 'Territoires du Nord-Ouest',
    utcOffsetHours: -7,
    timeZone: 'America/Yellowknife',
  },
  NU: { en: 'Nunavut', fr: 'Nunavut', utcOffsetHours: -5, timeZone: 'America/Iqaluit' },
  ON: { en: 'Ontario', fr: 'Ontario', utcOffsetHours: -5, timeZone: 'America/Toronto' },
  PE: {
    en: 'Prince Edward Island',
    fr: 'Île-du-Prince-Édouard',
    utcOffsetHours: -4,
    timeZone: 'America/Halifax',
  },
  QC: { en: 'Quebec', fr: 'Québec', utcOffsetHours: -5, timeZone: 'America/Toronto' },
  SK: { en: 'Saskatchewan', fr: 'Saskatchewan', utcOffsetHours: -6, timeZone: 'America/Regina' },
  YT: { en: 'Yukon', fr: 'Yukon', utcOffsetHours: -7, timeZone: 'America/Whitehorse' },
} as const

export type ProvinceCode = keyof typeof provinces
export const provinceCodes = Object.keys(provinces) as ProvinceCode[]

const byName = new Map<string, ProvinceCode>(
  provinceCodes.flatMap((code) => [
    [code.toLowerCase(), code],
    [provinces[code].en.toLowerCase(), code],
    [provinces[code].fr.toLowerCase(), code],
  ]),
)

/** The province or territory code for a code or a name in either language; undefined if unknown. */
export function provinceCode(value: string | null | undefined): ProvinceCode | undefined {
  if (!value) return undefined
  return byName.get(value.trim().toLowerCase().replace(/^ca-/, ''))
}
