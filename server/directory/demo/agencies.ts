import type { ProvinceCode } from '../../../common/geography.ts'
import type { Pair } from './vocabulary.ts'

/**
 * The demo directory's law-enforcement partners (about a hundred, as the hotline's evaluation
 * counts) and child-protection agencies. Municipal and regional police serve the larger cities; the
 * provincial police (OPP in Ontario, Sûreté du Québec, the Royal Newfoundland Constabulary) and RCMP
 * detachments serve the rest, and First Nations police services their communities. Names follow the
 * real forces; every number in the demo is fictional.
 */
export type PoliceKind = 'municipal' | 'regional' | 'provincial' | 'rcmp' | 'first_nations'

export interface PoliceAgency {
  /** The gazetteer id of the municipality where its headquarters or detachment is. */
  municipality: string
  kind: PoliceKind
  name: Pair
  /** Radius of its jurisdiction around the headquarters, in km. */
  radiusKm: number
  /** Runs a human-trafficking unit advocates can reach directly. */
  traffickingUnit?: boolean
}

const service = (municipality: string, en: string, fr: string, radiusKm = 20, traffickingUnit = false) =>
  ({ municipality, kind: 'municipal', name: { en, fr }, radiusKm, traffickingUnit }) as PoliceAgency
const regional = (municipality: string, en: string, fr: string, radiusKm = 35, traffickingUnit = false) =>
  ({ municipality, kind: 'regional', name: { en, fr }, radiusKm, traffickingUnit }) as PoliceAgency
const rcmp = (municipality: string, place: string, radiusKm = 60): PoliceAgency => ({
  municipality,
  kind: 'rcmp',
  name: { en: `RCMP ${place} Detachment`, fr: `GRC, détachement de ${place}` },
  radiusKm,
})
const opp = (municipality: string, place: string, radiusKm = 70): PoliceAgency => ({
  municipality,
  kind: 'provincial',
  name: {
    en: `Ontario Provincial Police, ${place} Detachment`,
    fr: `Police provinciale de l’Ontario, détachement de ${place}`,
  },
  radiusKm,
})
const sq = (municipality: string, place: string, radiusKm = 70): PoliceAgency => ({
  municipality,
  kind: 'provincial',
  name: { en: `Sûreté du Québec, ${place} station`, fr: `Sûreté du Québec, poste de ${place}` },
  radiusKm,
})
const rnc = (municipality: string, place: string, radiusKm = 30): PoliceAgency => ({
  municipality,
  kind: 'provincial',
  name: {
    en: `Royal Newfoundland Constabulary, ${place}`,
    fr: `Royal Newfoundland Constabulary, ${place}`,
  },
  radiusKm,
})

export const policeAgencies: PoliceAgency[] = [
  // Ontario
  service('on-toronto', 'Toronto Police Service', 'Service de police de Toronto', 25, true),
  service('on-ottawa', 'Ottawa Police Service', 'Service de police d’Ottawa', 35, true),
  regional('on-mississauga', 'Peel Regional Police', 'Police régionale de Peel', 15, true),
  regional('on-markham', 'York Regional Police', 'Police régionale de York', 20, true),
  service('on-hamilton', 'Hamilton Police Service', 'Service de police de Hamilton', 25),
  service('on-london', 'London Police Service', 'Service de police de London', 20),
  regional('on-kitchener', 'Waterloo Regional Police Service', 'Service de police régional de Waterloo', 30),
  service('on-windsor', 'Windsor Police Service', 'Service de police de Windsor', 20),
  regional('on-oakville', 'Halton Regional Police Service', 'Service de police régional de Halton', 30),
  regional('on-oshawa', 'Durham Regional Police Service', 'Service de police régional de Durham', 25, true),
  regional(
    'on-st-catharines',
    'Niagara Regional Police Service',
    'Service de police régional de Niagara',
    35,
  ),
  service('on-greater-sudbury', 'Greater Sudbury Police Service', 'Service de police du Grand Sudbury', 40),
  service('on-barrie', 'Barrie Police Service', 'Service de police de Barrie', 15),
  service('on-guelph', 'Guelph Police Service', 'Service de police de Guelph', 15),
  service('on-kingston', 'Kingston Police', 'Police de Kingston', 20),
  service('on-thunder-bay', 'Thunder Bay Police Service', 'Service de police de Thunder Bay', 25),
  service('on-brantford', 'Brantford Police Service', 'Service de police de Brantford', 15),
  service('on-peterborough', 'Peterborough Police Service', 'Service de police de Peterborough', 15),
  service(
    'on-sault-ste-marie',
    'Sault Ste. Marie Police Service',
    'Service de police de Sault Ste. Marie',
    20,
  ),
  service('on-timmins', 'Timmins Police Service', 'Service de police de Timmins', 30),
  service(
    'on-cornwall',
    'Cornwall Community Police Service',
    'Service de police communautaire de Cornwall',
    15,
  ),
  opp('on-orillia', 'Orillia'),
  opp('on-kenora', 'Kenora', 120),
  opp('on-hawkesbury', 'Hawkesbury', 50),
  opp('on-pembroke', 'Upper Ottawa Valley', 80),
  {
    municipality: 'on-sioux-lookout',
    kind: 'first_nations',
    name: { en: 'Nishnawbe Aski Police Service', fr: 'Service de police Nishnawbe Aski' },
    radiusKm: 300,
  },
  // Quebec
  service(
    'qc-montreal',
    'Montréal Police Service (SPVM)',
    'Service de police de la Ville de Montréal',
    25,
    true,
  ),
  service('qc-quebec', 'Québec City Police Service', 'Service de police de la Ville de Québec', 25),
  service('qc-laval', 'Laval Police Service', 'Service de police de Laval', 15, true),
  service('qc-gatineau', 'Gatineau Police Service', 'Service de police de la Ville de Gatineau', 25),
  service(
    'qc-longueuil',
    'Longueuil Agglomeration Police Service',
    'Service de police de l’agglomération de Longueuil',
    20,
  ),
  service('qc-sherbrooke', 'Sherbrooke Police Service', 'Service de police de Sherbrooke', 20),
  service('qc-saguenay', 'Saguenay Police Service', 'Service de police de Saguenay', 35),
  service('qc-levis', 'Lévis Police Service', 'Service de police de la Ville de Lévis', 25),
  service('qc-trois-rivieres', 'Trois-Rivières Police', 'Direction de la police de Trois-Rivières', 20),
  sq('qc-drummondville', 'Drummondville'),
  sq('qc-rimouski', 'Rimouski'),
  sq('qc-rouyn-noranda', 'Rouyn-Noranda', 90),
  sq('qc-val-d-or', 'Val-d’Or', 90),
  sq('qc-sept-iles', 'Sept-Îles', 120),
  {
    municipality: 'qc-kahnawake',
    kind: 'first_nations',
    name: { en: 'Kahnawake Peacekeepers', fr: 'Peacekeepers de Kahnawake' },
    radiusKm: 6,
  },
  {
    municipality: 'qc-kuujjuaq',
    kind: 'first_nations',
    name: { en: 'Nunavik Police Service', fr: 'Service de police du Nunavik' },
    radiusKm: 500,
  },
  // British Columbia
  service('bc-vancouver', 'Vancouver Police Department', 'Service de police de Vancouver', 12, true),
  service('bc-surrey', 'Surrey Police Service', 'Service de police de Surrey', 15),
  service('bc-victoria', 'Victoria Police Department', 'Service de police de Victoria', 10),
  service('bc-abbotsford', 'Abbotsford Police Department', 'Service de police d’Abbotsford', 20),
  rcmp('bc-burnaby', 'Burnaby', 10),
  rcmp('bc-richmond', 'Richmond', 12),
  rcmp('bc-kelowna', 'Kelowna', 40),
  rcmp('bc-nanaimo', 'Nanaimo', 40),
  rcmp('bc-kamloops', 'Kamloops', 60),
  rcmp('bc-prince-george', 'Prince George', 100),
  rcmp('bc-fort-st-john', 'Fort St. John', 150),
  rcmp('bc-prince-rupert', 'Prince Rupert', 80),
  // Alberta
  service('ab-calgary', 'Calgary Police Service', 'Service de police de Calgary', 25, true),
  service('ab-edmonton', 'Edmonton Police Service', 'Service de police d’Edmonton', 25, true),
  service('ab-lethbridge', 'Lethbridge Police Service', 'Service de police de Lethbridge', 15),
  service('ab-medicine-hat', 'Medicine Hat Police Service', 'Service de police de Medicine Hat', 15),
  rcmp('ab-red-deer', 'Red Deer', 50),
  rcmp('ab-grande-prairie', 'Grande Prairie', 100),
  rcmp('ab-fort-mcmurray', 'Wood Buffalo', 150),
  rcmp('ab-airdrie', 'Airdrie', 25),
  rcmp('ab-high-level', 'High Level', 200),
  // Manitoba
  service('mb-winnipeg', 'Winnipeg Police Service', 'Service de police de Winnipeg', 25, true),
  service('mb-brandon', 'Brandon Police Service', 'Service de police de Brandon', 15),
  rcmp('mb-thompson', 'Thompson', 200),
  rcmp('mb-portage-la-prairie', 'Portage la Prairie', 60),
  rcmp('mb-the-pas', 'The Pas', 150),
  // Saskatchewan
  service('sk-saskatoon', 'Saskatoon Police Service', 'Service de police de Saskatoon', 20),
  service('sk-regina', 'Regina Police Service', 'Service de police de Regina', 20),
  service('sk-prince-albert', 'Prince Albert Police Service', 'Service de police de Prince Albert', 15),
  rcmp('sk-north-battleford', 'Battlefords', 80),
  rcmp('sk-la-ronge', 'La Ronge', 200),
  // Nova Scotia
  regional('ns-halifax', 'Halifax Regional Police', 'Police régionale d’Halifax', 30, true),
  regional('ns-sydney', 'Cape Breton Regional Police', 'Police régionale du Cap-Breton', 40),
  service('ns-truro', 'Truro Police Service', 'Service de police de Truro', 10),
  rcmp('ns-kentville', 'Kings District', 40),
  rcmp('ns-yarmouth', 'Yarmouth', 60),
  rcmp('ns-antigonish', 'Antigonish', 50),
  rcmp('ns-eskasoni', 'Eskasoni', 20),
  // New Brunswick
  rcmp('nb-moncton', 'Codiac Regional', 25),
  service('nb-saint-john', 'Saint John Police Force', 'Force policière de Saint John', 20),
  service('nb-fredericton', 'Fredericton Police Force', 'Force policière de Fredericton', 20),
  service('nb-edmundston', 'Edmundston Police Force', 'Force policière d’Edmundston', 20),
  service('nb-bathurst', 'Bathurst Police Force', 'Force policière de Bathurst', 20),
  rcmp('nb-miramichi', 'Miramichi', 60),
  // Newfoundland and Labrador
  rnc('nl-st-john-s', 'St. John’s'),
  rnc('nl-corner-brook', 'Corner Brook'),
  rcmp('nl-gander', 'Gander', 100),
  rcmp('nl-happy-valley-goose-bay', 'Happy Valley-Goose Bay', 250),
  // Prince Edward Island
  service('pe-charlottetown', 'Charlottetown Police Services', 'Services de police de Charlottetown', 12),
  service('pe-summerside', 'Summerside Police Services', 'Services de police de Summerside', 12),
  rcmp('pe-montague', 'Kings District', 40),
  // Territories
  rcmp('nt-yellowknife', 'Yellowknife', 150),
  rcmp('nt-hay-river', 'Hay River', 150),
  rcmp('nt-inuvik', 'Inuvik', 300),
  rcmp('nu-iqaluit', 'Iqaluit', 300),
  rcmp('nu-rankin-inlet', 'Rankin Inlet', 300),
  rcmp('nu-cambridge-bay', 'Cambridge Bay', 400),
  rcmp('yt-whitehorse', 'Whitehorse', 150),
  rcmp('yt-dawson-city', 'Dawson City', 250),
]

export interface ChildProtectionAgency {
  municipality: string
  province: ProvinceCode
  name: Pair
  /** A region around the office, in km; none when the agency serves the whole province or territory. */
  regionKm?: number
  /** The oldest age the agency protects (the thresholds differ by jurisdiction). */
  maximumAge: number
  indigenous?: boolean
}

const agency = (
  municipality: string,
  en: string,
  fr: string,
  maximumAge: number,
  regionKm?: number,
  indigenous = false,
): ChildProtectionAgency => ({
  municipality,
  province: municipality.slice(0, 2).toUpperCase() as ProvinceCode,
  name: { en, fr },
  maximumAge,
  ...(regionKm ? { regionKm } : {}),
  ...(indigenous ? { indigenous } : {}),
})

export const childProtectionAgencies: ChildProtectionAgency[] = [
  agency('on-toronto', 'Children’s Aid Society of Toronto', 'Société d’aide à l’enfance de Toronto', 15, 25),
  agency('on-ottawa', 'Children’s Aid Society of Ottawa', 'Société de l’aide à l’enfance d’Ottawa', 15, 40),
  agency('on-hamilton', 'Hamilton Children’s Aid Society', 'Société d’aide à l’enfance de Hamilton', 15, 30),
  agency(
    'on-london',
    'Children’s Aid Society of London and Middlesex',
    'Société d’aide à l’enfance de London et Middlesex',
    15,
    50,
  ),
  agency(
    'on-greater-sudbury',
    'Children’s Aid Society of the Districts of Sudbury and Manitoulin',
    'Société d’aide à l’enfance des districts de Sudbury et de Manitoulin',
    15,
    150,
  ),
  agency(
    'on-sioux-lookout',
    'Tikinagan Child and Family Services',
    'Services à l’enfance et à la famille Tikinagan',
    15,
    350,
    true,
  ),
  agency(
    'qc-montreal',
    'Youth Protection Branch, Montréal',
    'Direction de la protection de la jeunesse de Montréal',
    17,
    30,
  ),
  agency(
    'qc-quebec',
    'Youth Protection Branch, Capitale-Nationale',
    'Direction de la protection de la jeunesse de la Capitale-Nationale',
    17,
    80,
  ),
  agency(
    'qc-gatineau',
    'Youth Protection Branch, Outaouais',
    'Direction de la protection de la jeunesse de l’Outaouais',
    17,
    100,
  ),
  agency(
    'qc-sherbrooke',
    'Youth Protection Branch, Estrie',
    'Direction de la protection de la jeunesse de l’Estrie',
    17,
    80,
  ),
  agency(
    'qc-rouyn-noranda',
    'Youth Protection Branch, Abitibi-Témiscamingue',
    'Direction de la protection de la jeunesse de l’Abitibi-Témiscamingue',
    17,
    200,
  ),
  agency('qc-kuujjuaq', 'Nunavik Youth Protection', 'Protection de la jeunesse du Nunavik', 17, 600, true),
  agency(
    'bc-victoria',
    'Ministry of Children and Family Development, Child Protection',
    'Ministère de l’Enfance et du Développement de la famille, protection de l’enfance',
    18,
  ),
  agency(
    'bc-vancouver',
    'Vancouver Aboriginal Child and Family Services Society',
    'Société des services à l’enfance et à la famille autochtones de Vancouver',
    18,
    30,
    true,
  ),
  agency(
    'ab-edmonton',
    'Alberta Child Intervention Services',
    'Services d’intervention auprès des enfants de l’Alberta',
    17,
  ),
  agency(
    'ab-calgary',
    'Calgary and Area Child and Family Services',
    'Services à l’enfance et à la famille de Calgary et de la région',
    17,
    60,
  ),
  agency(
    'mb-winnipeg',
    'All Nations Coordinated Response Network',
    'Réseau d’intervention coordonnée de toutes les nations',
    17,
    40,
    true,
  ),
  agency(
    'mb-brandon',
    'Manitoba Child and Family Services',
    'Services à l’enfant et à la famille du Manitoba',
    17,
  ),
  agency(
    'sk-regina',
    'Saskatchewan Child and Family Programs',
    'Programmes à l’enfance et à la famille de la Saskatchewan',
    15,
  ),
  agency(
    'ns-halifax',
    'Nova Scotia Child Protection Services',
    'Services de protection de l’enfance de la Nouvelle-Écosse',
    18,
  ),
  agency(
    'nb-fredericton',
    'New Brunswick Child Protection Services',
    'Services de protection de l’enfance du Nouveau-Brunswick',
    18,
  ),
  agency(
    'nl-st-john-s',
    'Newfoundland and Labrador Child Protection Services',
    'Services de protection de l’enfance de Terre-Neuve-et-Labrador',
    17,
  ),
  agency(
    'pe-charlottetown',
    'Prince Edward Island Child Protection Services',
    'Services de protection de l’enfance de l’Île-du-Prince-Édouard',
    17,
  ),
  agency(
    'nt-yellowknife',
    'Northwest Territories Child and Family Services',
    'Services à l’enfance et à la famille des Territoires du Nord-Ouest',
    15,
  ),
  agency(
    'nu-iqaluit',
    'Nunavut Family Services, Child Protection',
    'Services à la famille du Nunavut, protection de l’enfance',
    15,
  ),
  agency(
    'yt-whitehorse',
    'Yukon Family and Children’s Services',
    'Services à la famille et à l’enfance du Yukon',
    18,
  ),
]
