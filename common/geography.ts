/** Canada's provinces and territories (ISO 3166-2:CA codes), with names in both official languages. */
export const provinces = {
  AB: { en: 'Alberta', fr: 'Alberta', utcOffsetHours: -7 },
  BC: { en: 'British Columbia', fr: 'Colombie-Britannique', utcOffsetHours: -8 },
  MB: { en: 'Manitoba', fr: 'Manitoba', utcOffsetHours: -6 },
  NB: { en: 'New Brunswick', fr: 'Nouveau-Brunswick', utcOffsetHours: -4 },
  NL: { en: 'Newfoundland and Labrador', fr: 'Terre-Neuve-et-Labrador', utcOffsetHours: -3.5 },
  NS: { en: 'Nova Scotia', fr: 'Nouvelle-Écosse', utcOffsetHours: -4 },
  NT: { en: 'Northwest Territories', fr: 'Territoires du Nord-Ouest', utcOffsetHours: -7 },
  NU: { en: 'Nunavut', fr: 'Nunavut', utcOffsetHours: -5 },
  ON: { en: 'Ontario', fr: 'Ontario', utcOffsetHours: -5 },
  PE: { en: 'Prince Edward Island', fr: 'Île-du-Prince-Édouard', utcOffsetHours: -4 },
  QC: { en: 'Quebec', fr: 'Québec', utcOffsetHours: -5 },
  SK: { en: 'Saskatchewan', fr: 'Saskatchewan', utcOffsetHours: -6 },
  YT: { en: 'Yukon', fr: 'Yukon', utcOffsetHours: -7 },
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
