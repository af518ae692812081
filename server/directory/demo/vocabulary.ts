/**
 * What the demo directory is made of: the kinds of providers a national anti-trafficking hotline
 * refers to, the services each kind usually offers (with their HSDS service types and populations
 * from `../taxonomies.ts`), and the words names, addresses and descriptions are built from.
 */

export interface Pair {
  en: string
  fr: string
}

export type Hours = 'office' | 'extended' | 'always' | 'drop_in' | 'evenings' | 'part_time'

export interface ServiceTemplate {
  name: Pair
  description: Pair
  /** Codes of the `relais-service-type` taxonomy. */
  types: string[]
  /** Codes of the `relais-population` taxonomy. */
  populations?: string[]
  hours: Hours
  ages?: [minimum: number | null, maximum: number | null]
  /** Chances that the service accepts people who use substances, and that immigration status is no condition. */
  substanceUse?: number
  statusIndependent?: number
  /** Chance that the service itself is confidential. */
  confidential?: number
  /** Offered by phone, text or online only (a virtual location). */
  remote?: boolean
}

const t = (
  en: string,
  fr: string,
  descriptionEn: string,
  descriptionFr: string,
  types: string[],
  hours: Hours,
  extra: Omit<ServiceTemplate, 'name' | 'description' | 'types' | 'hours'> = {},
): ServiceTemplate => ({
  name: { en, fr },
  description: { en: descriptionEn, fr: descriptionFr },
  types,
  hours,
  ...extra,
})

export const catalogue = {
  womenShelter: t(
    'Emergency shelter for women and children',
    'Hébergement d’urgence pour femmes et enfants',
    'Safe, confidential beds for women, with or without children, who are leaving violence or exploitation.',
    'Des lits sécuritaires et confidentiels pour les femmes, avec ou sans enfants, qui fuient la violence ou l’exploitation.',
    ['housing-emergency', 'immediate-safety'],
    'always',
    { populations: ['women', 'children'], ages: [16, null], substanceUse: 0.35, statusIndependent: 0.8 },
  ),
  secondStage: t(
    'Second-stage housing',
    'Hébergement de deuxième étape',
    'Apartments for up to two years, with counselling, for women who have left an emergency shelter.',
    'Des logements pour une durée maximale de deux ans, avec du counseling, pour les femmes qui quittent une maison d’hébergement d’urgence.',
    ['housing-transitional', 'counselling'],
    'office',
    { populations: ['women'], ages: [18, null], substanceUse: 0.25, statusIndependent: 0.6 },
  ),
  shelterLine: t(
    '24-hour crisis and support line',
    'Ligne de crise et de soutien 24 heures',
    'Talk to a trained worker at any hour about your safety, your options and a bed tonight.',
    'Parlez à une intervenante formée, à toute heure, de votre sécurité, de vos options et d’un lit pour ce soir.',
    ['immediate-safety', 'counselling'],
    'always',
    { populations: ['women'], remote: true, statusIndependent: 1 },
  ),
  outreach: t(
    'Outreach and court accompaniment',
    'Accompagnement et soutien judiciaire',
    'A worker meets you where you feel safe and goes with you to court, police or appointments.',
    'Une intervenante vous rencontre là où vous vous sentez en sécurité et vous accompagne au tribunal, au poste de police ou à vos rendez-vous.',
    ['case-management', 'legal-aid'],
    'office',
    { populations: ['women'], statusIndependent: 0.9 },
  ),
  childrenProgram: t(
    'Children’s program',
    'Programme pour enfants',
    'Play-based counselling and school support for children who have witnessed violence.',
    'Du counseling par le jeu et du soutien scolaire pour les enfants exposés à la violence.',
    ['counselling', 'education'],
    'part_time',
    { populations: ['children'], ages: [3, 17] },
  ),
  safetyPlanning: t(
    'Safety planning',
    'Plan de sécurité',
    'Make a plan to stay safe, whether you are staying, leaving or have left.',
    'Préparez un plan pour rester en sécurité, que vous restiez, que vous partiez ou que vous soyez déjà partie.',
    ['immediate-safety', 'counselling'],
    'extended',
    { statusIndependent: 1 },
  ),
  survivorCaseManagement: t(
    'Survivor case management',
    'Gestion de cas pour personnes survivantes',
    'One worker helps survivors of trafficking with housing, health, income, legal and immigration needs.',
    'Une seule intervenante aide les personnes survivantes de la traite pour le logement, la santé, le revenu et les questions juridiques et d’immigration.',
    ['case-management'],
    'office',
    { statusIndependent: 0.9, substanceUse: 0.7 },
  ),
  safeHouse: t(
    'Safe house for trafficking survivors',
    'Maison sécuritaire pour personnes survivantes de la traite',
    'A confidential residence with round-the-clock staff for people leaving a trafficking situation.',
    'Une résidence confidentielle avec du personnel jour et nuit pour les personnes qui quittent une situation de traite.',
    ['housing-emergency', 'housing-transitional', 'immediate-safety'],
    'always',
    { populations: ['women'], ages: [18, null], confidential: 1, substanceUse: 0.5, statusIndependent: 0.9 },
  ),
  exitFund: t(
    'Exit fund',
    'Fonds de sortie',
    'Emergency money for a bus ticket, a phone, a first month’s rent or basic needs when leaving exploitation.',
    'Une aide financière d’urgence pour un billet d’autobus, un téléphone, un premier loyer ou les besoins de base au moment de quitter l’exploitation.',
    ['exit-funds', 'material-needs'],
    'office',
    { statusIndependent: 1 },
  ),
  peerMentoring: t(
    'Peer mentoring by survivors',
    'Mentorat par des pairs survivants',
    'Mentors with lived experience of trafficking offer one-to-one and group support.',
    'Des mentores ayant vécu la traite offrent du soutien individuel et en groupe.',
    ['peer-support'],
    'evenings',
    { substanceUse: 0.8, statusIndependent: 1 },
  ),
  transportation: t(
    'Transportation assistance',
    'Aide au transport',
    'Rides, transit passes and travel costs to reach safety, appointments or court.',
    'Transport, laissez-passer et frais de déplacement pour se mettre en sécurité ou se rendre aux rendez-vous et au tribunal.',
    ['transportation'],
    'office',
  ),
  identityDocuments: t(
    'Identity document replacement',
    'Remplacement de pièces d’identité',
    'Help replacing birth certificates, health cards, passports and other documents a trafficker kept.',
    'De l’aide pour remplacer les actes de naissance, cartes d’assurance maladie, passeports et autres documents confisqués.',
    ['identity-documents', 'legal-aid'],
    'part_time',
    { statusIndependent: 1 },
  ),
  tattooRemoval: t(
    'Tattoo removal for survivors',
    'Détatouage pour personnes survivantes',
    'Free laser removal of branding tattoos for survivors of trafficking and exploitation.',
    'Le retrait gratuit au laser des tatouages de marquage pour les personnes survivantes de la traite et de l’exploitation.',
    ['tattoo-removal', 'health'],
    'part_time',
    { ages: [18, null] },
  ),
  healingCircle: t(
    'Healing circles with Elders',
    'Cercles de guérison avec des Aînés',
    'Weekly circles, ceremonies and one-to-one time with Elders and Knowledge Keepers.',
    'Des cercles hebdomadaires, des cérémonies et des rencontres individuelles avec des Aînés et des gardiens du savoir.',
    ['indigenous-healing', 'spiritual-support'],
    'part_time',
    { populations: ['indigenous'], substanceUse: 0.6 },
  ),
  landBased: t(
    'Cultural and land-based programs',
    'Programmes culturels et sur le territoire',
    'Teachings, language, crafts and time on the land to reconnect with culture and community.',
    'Enseignements, langue, artisanat et séjours sur le territoire pour renouer avec la culture et la communauté.',
    ['indigenous-healing', 'education'],
    'part_time',
    { populations: ['indigenous'] },
  ),
  indigenousOutreach: t(
    'Indigenous women’s outreach',
    'Intervention de proximité auprès des femmes autochtones',
    'Outreach workers support Indigenous women and girls with safety, housing and family needs.',
    'Des intervenantes de proximité soutiennent les femmes et les filles autochtones pour leur sécurité, leur logement et leur famille.',
    ['case-management', 'material-needs', 'immediate-safety'],
    'extended',
    { populations: ['indigenous', 'women'], substanceUse: 0.7 },
  ),
  indigenousHousing: t(
    'Indigenous transitional housing',
    'Hébergement de transition autochtone',
    'Culturally grounded housing with Elders on site for up to one year.',
    'Un hébergement ancré dans la culture, avec des Aînés sur place, pour une durée maximale d’un an.',
    ['housing-transitional', 'indigenous-healing'],
    'always',
    { populations: ['indigenous'], ages: [18, null], substanceUse: 0.4 },
  ),
  primaryCare: t(
    'Primary health care',
    'Soins de santé primaires',
    'Doctors and nurse practitioners, with or without a health card.',
    'Des médecins et des infirmières praticiennes, avec ou sans carte d’assurance maladie.',
    ['health'],
    'extended',
    { statusIndependent: 0.6, substanceUse: 0.9 },
  ),
  sexualHealth: t(
    'Sexual health clinic',
    'Clinique de santé sexuelle',
    'Testing, treatment, contraception and care after sexual assault, confidential and non-judgemental.',
    'Dépistage, traitement, contraception et soins après une agression sexuelle, en toute confidentialité et sans jugement.',
    ['health'],
    'drop_in',
    { ages: [12, null], statusIndependent: 0.8, substanceUse: 1 },
  ),
  mentalHealth: t(
    'Mental health counselling',
    'Counseling en santé mentale',
    'Short-term counselling with a social worker or psychologist, at no cost.',
    'Du counseling à court terme avec une travailleuse sociale ou une psychologue, sans frais.',
    ['mental-health', 'counselling'],
    'office',
    { substanceUse: 0.5 },
  ),
  traumaTherapy: t(
    'Trauma therapy',
    'Thérapie des traumatismes',
    'Trauma-informed therapy for survivors of violence, exploitation and trafficking.',
    'Une thérapie axée sur les traumatismes pour les personnes survivantes de violence, d’exploitation et de traite.',
    ['mental-health', 'counselling'],
    'office',
    { ages: [16, null] },
  ),
  detox: t(
    'Withdrawal management (detox)',
    'Gestion du sevrage (désintoxication)',
    'Medically supported withdrawal in a safe setting, admissions day and night.',
    'Un sevrage avec soutien médical dans un milieu sécuritaire, admissions jour et nuit.',
    ['addiction', 'health'],
    'always',
    { ages: [16, null], substanceUse: 1, statusIndependent: 0.5 },
  ),
  residentialTreatment: t(
    'Residential addiction treatment',
    'Traitement résidentiel des dépendances',
    'A 6 to 12 week residential program with counselling and aftercare.',
    'Un programme résidentiel de 6 à 12 semaines avec du counseling et un suivi.',
    ['addiction', 'housing-transitional', 'counselling'],
    'always',
    { ages: [18, null], substanceUse: 1 },
  ),
  harmReduction: t(
    'Harm reduction services',
    'Services de réduction des méfaits',
    'Supplies, naloxone, drug checking and a supervised consumption site, no questions asked.',
    'Matériel, naloxone, analyse de substances et site de consommation supervisée, sans poser de questions.',
    ['addiction', 'health'],
    'extended',
    { substanceUse: 1, statusIndependent: 1 },
  ),
  legalAdvice: t(
    'Free legal advice',
    'Conseils juridiques gratuits',
    'Lawyers and legal workers advise on housing, family, criminal and benefits law.',
    'Des avocates et des intervenants juridiques conseillent en droit du logement, de la famille, criminel et des prestations.',
    ['legal-aid'],
    'office',
    { statusIndependent: 1 },
  ),
  immigrationLegal: t(
    'Immigration and refugee legal help',
    'Aide juridique en immigration et pour les personnes réfugiées',
    'Help with refugee claims, temporary resident permits for victims of trafficking and open work permits.',
    'De l’aide pour les demandes d’asile, les permis de séjour temporaire pour les victimes de la traite et les permis de travail ouverts.',
    ['immigration', 'legal-aid'],
    'office',
    { populations: ['migrant-workers'], statusIndependent: 1 },
  ),
  labourRights: t(
    'Labour rights clinic',
    'Clinique des droits du travail',
    'Unpaid wages, unsafe work, confiscated passports, recruitment fees: know your rights and get them enforced.',
    'Salaires impayés, travail dangereux, passeports confisqués, frais de recrutement : connaître ses droits et les faire respecter.',
    ['labour-rights', 'legal-aid'],
    'evenings',
    { populations: ['migrant-workers'], statusIndependent: 1 },
  ),
  farmWorkers: t(
    'Support for migrant farm workers',
    'Soutien aux travailleurs agricoles migrants',
    'Outreach on farms and in town, help with employers, housing and health care, in workers’ own languages.',
    'Des visites sur les fermes et en ville, de l’aide avec l’employeur, le logement et les soins de santé, dans la langue des travailleurs.',
    ['labour-rights', 'material-needs', 'case-management'],
    'evenings',
    { populations: ['migrant-workers'], statusIndependent: 1 },
  ),
  youthShelter: t(
    'Youth emergency shelter',
    'Refuge d’urgence pour jeunes',
    'Beds, meals and a caring adult for young people who have nowhere safe to sleep.',
    'Des lits, des repas et un adulte bienveillant pour les jeunes qui n’ont aucun endroit sécuritaire où dormir.',
    ['housing-emergency'],
    'always',
    { populations: ['youth'], ages: [16, 24], substanceUse: 0.4, statusIndependent: 0.7 },
  ),
  youthDropIn: t(
    'Youth drop-in centre',
    'Centre de jour pour jeunes',
    'Showers, food, laundry, internet and workers to talk to, no appointment needed.',
    'Douches, nourriture, buanderie, internet et intervenants à qui parler, sans rendez-vous.',
    ['peer-support', 'material-needs'],
    'drop_in',
    { populations: ['youth'], ages: [12, 24], substanceUse: 0.8 },
  ),
  youthSchool: t(
    'School re-engagement',
    'Raccrochage scolaire',
    'Tutoring and flexible classes to finish high school.',
    'Du tutorat et des cours adaptés pour terminer ses études secondaires.',
    ['education'],
    'office',
    { populations: ['youth'], ages: [14, 24] },
  ),
  prideGroup: t(
    '2SLGBTQI+ peer support group',
    'Groupe de soutien par les pairs 2ELGBTQI+',
    'A weekly group run by and for Two-Spirit, lesbian, gay, bisexual, trans, queer and intersex people.',
    'Un groupe hebdomadaire animé par et pour les personnes bispirituelles, lesbiennes, gaies, bisexuelles, trans, queers et intersexes.',
    ['peer-support'],
    'evenings',
    { populations: ['2slgbtqi'], substanceUse: 0.9 },
  ),
  prideHousing: t(
    'Housing support for 2SLGBTQI+ youth',
    'Soutien au logement pour les jeunes 2ELGBTQI+',
    'Transitional housing and a housing worker for 2SLGBTQI+ youth leaving unsafe homes.',
    'Un hébergement de transition et une intervenante en logement pour les jeunes 2ELGBTQI+ qui quittent un milieu dangereux.',
    ['housing-transitional', 'case-management'],
    'office',
    { populations: ['2slgbtqi', 'youth'], ages: [16, 29] },
  ),
  settlement: t(
    'Settlement and orientation',
    'Établissement et orientation',
    'Help for newcomers with housing, health cards, school enrolment, taxes and finding services.',
    'De l’aide aux nouveaux arrivants pour le logement, la carte d’assurance maladie, l’inscription scolaire, les impôts et les services.',
    ['immigration', 'case-management'],
    'office',
  ),
  languageClasses: t(
    'Language classes',
    'Cours de langue',
    'Free English or French classes, with childcare, for permanent residents and refugees.',
    'Des cours d’anglais ou de français gratuits, avec halte-garderie, pour les résidents permanents et les personnes réfugiées.',
    ['education'],
    'extended',
  ),
  employment: t(
    'Employment counselling',
    'Counseling d’emploi',
    'Résumés, job search, interview practice and connections with employers.',
    'Curriculum vitæ, recherche d’emploi, préparation aux entrevues et liens avec les employeurs.',
    ['job-training'],
    'office',
  ),
  lifeSkills: t(
    'Life skills workshops',
    'Ateliers d’habiletés de vie',
    'Budgeting, cooking, banking, tenancy and digital skills, in small groups.',
    'Budget, cuisine, services bancaires, location d’un logement et habiletés numériques, en petits groupes.',
    ['job-training', 'education'],
    'part_time',
  ),
  assaultLine: t(
    'Sexual assault crisis line',
    'Ligne d’écoute pour victimes d’agression sexuelle',
    'Confidential support at any hour for anyone affected by sexual violence.',
    'Du soutien confidentiel, à toute heure, pour toute personne touchée par la violence sexuelle.',
    ['immediate-safety', 'counselling'],
    'always',
    { remote: true, statusIndependent: 1 },
  ),
  assaultCounselling: t(
    'Counselling for survivors of sexual violence',
    'Counseling pour les personnes survivantes de violence sexuelle',
    'Free individual and group counselling, whether or not you report to police.',
    'Du counseling individuel et de groupe gratuit, que vous portiez plainte ou non.',
    ['counselling', 'mental-health'],
    'office',
    { populations: ['women'], ages: [14, null] },
  ),
  accompaniment: t(
    'Hospital, police and court accompaniment',
    'Accompagnement à l’hôpital, au poste de police et au tribunal',
    'A worker goes with you to the hospital, to report to police or to court.',
    'Une intervenante vous accompagne à l’hôpital, pour porter plainte ou au tribunal.',
    ['case-management', 'legal-aid'],
    'always',
    { statusIndependent: 1 },
  ),
  foodBank: t(
    'Food bank',
    'Banque alimentaire',
    'Groceries once a week, and emergency food hampers the same day.',
    'Une épicerie par semaine et des paniers d’urgence le jour même.',
    ['material-needs'],
    'part_time',
    { statusIndependent: 1, substanceUse: 1 },
  ),
  clothing: t(
    'Clothing and household items',
    'Vêtements et articles ménagers',
    'Free clothing, bedding and household items for people starting over.',
    'Des vêtements, de la literie et des articles ménagers gratuits pour les personnes qui recommencent à zéro.',
    ['material-needs'],
    'part_time',
    { statusIndependent: 1 },
  ),
  meals: t(
    'Community meals',
    'Repas communautaires',
    'Hot meals, no questions asked.',
    'Des repas chauds, sans poser de questions.',
    ['material-needs'],
    'drop_in',
    { statusIndependent: 1, substanceUse: 1 },
  ),
  culturalCounselling: t(
    'Culturally responsive counselling',
    'Counseling adapté à la culture',
    'Counsellors from Black and racialised communities, for individuals and families.',
    'Des conseillères issues des communautés noires et racisées, pour les personnes et les familles.',
    ['counselling', 'mental-health'],
    'office',
    { populations: ['black-racialised'] },
  ),
  navigation: t(
    'Community navigation',
    'Accompagnement et navigation communautaire',
    'A navigator helps you find and use housing, health, legal and income services.',
    'Une intervenante vous aide à trouver et à utiliser les services de logement, de santé, juridiques et de revenu.',
    ['case-management'],
    'office',
  ),
  disabilitySupport: t(
    'Accessible support coordination',
    'Coordination de services accessibles',
    'Support coordination, accessible transportation and help with disability benefits.',
    'Coordination des services, transport adapté et aide pour les prestations d’invalidité.',
    ['case-management', 'transportation'],
    'office',
    { populations: ['disabilities'] },
  ),
  menCounselling: t(
    'Counselling for men',
    'Counseling pour hommes',
    'Counselling for men who have experienced violence or exploitation.',
    'Du counseling pour les hommes qui ont vécu de la violence ou de l’exploitation.',
    ['counselling'],
    'evenings',
    { populations: ['men'], ages: [18, null] },
  ),
  menShelter: t(
    'Emergency shelter for men',
    'Hébergement d’urgence pour hommes',
    'Emergency beds and meals for men, including men leaving forced labour.',
    'Des lits d’urgence et des repas pour les hommes, y compris ceux qui quittent le travail forcé.',
    ['housing-emergency'],
    'always',
    { populations: ['men'], ages: [18, null], substanceUse: 0.5, statusIndependent: 0.7 },
  ),
  spiritualCare: t(
    'Spiritual care',
    'Accompagnement spirituel',
    'Spiritual care from a chaplain or faith leader of your tradition, or none.',
    'Un accompagnement spirituel par un aumônier ou un guide de votre tradition, ou sans tradition.',
    ['spiritual-support'],
    'part_time',
  ),
  supportiveHousing: t(
    'Supportive long-term housing',
    'Logement supervisé à long terme',
    'Permanent affordable apartments with support workers on site.',
    'Des logements abordables permanents avec des intervenants sur place.',
    ['housing-long-term'],
    'office',
    { ages: [18, null], substanceUse: 0.4, statusIndependent: 0.2 },
  ),
  distressLine: t(
    'Distress and crisis line',
    'Ligne de détresse et de crise',
    'Trained volunteers answer calls and texts at any hour.',
    'Des bénévoles formés répondent aux appels et aux textos à toute heure.',
    ['mental-health', 'immediate-safety'],
    'always',
    { remote: true, statusIndependent: 1, substanceUse: 1 },
  ),
  textSupport: t(
    'Online chat and text support',
    'Soutien par clavardage et texto',
    'Chat or text with a counsellor when calling is not safe.',
    'Clavardez ou textez avec une intervenante quand il n’est pas sécuritaire d’appeler.',
    ['mental-health', 'counselling'],
    'evenings',
    { remote: true, statusIndependent: 1 },
  ),
  familyCounselling: t(
    'Individual and family counselling',
    'Counseling individuel et familial',
    'Counselling on a sliding scale, free for people with low income.',
    'Du counseling à tarif dégressif, gratuit pour les personnes à faible revenu.',
    ['counselling'],
    'extended',
  ),
  emergencyAssistance: t(
    'Emergency financial assistance',
    'Aide financière d’urgence',
    'One-time help with rent, utilities, food or a phone.',
    'Une aide ponctuelle pour le loyer, l’électricité, la nourriture ou un téléphone.',
    ['exit-funds', 'material-needs'],
    'office',
  ),
} satisfies Record<string, ServiceTemplate>

export type TemplateKey = keyof typeof catalogue

/** A kind of provider: how it is named and described, and the services it may offer (with chances). */
export interface Archetype {
  key: string
  /** Share of providers, relative to the others. */
  weight: number
  names: ((word: Pair, place: string) => Pair)[]
  description: Pair
  /** Services offered, each with its chance; the first is always offered. */
  services: [TemplateKey, number][]
  /** Populations attached to the organization itself. */
  populations?: string[]
  /** Chance that the organization is confidential, and else that its physical location is. */
  confidentialOrganization?: number
  confidentialLocation?: number
  /** Extra languages its services are likely to offer. */
  languages?: string[]
  /** Weight multiplier in the territories and northern communities. */
  north?: number
}

const w = (en: string, fr: string): Pair => ({ en, fr })
export const nameWords: Pair[] = [
  w('Harbour', 'Le Havre'),
  w('Beacon', 'La Balise'),
  w('Lantern', 'La Lanterne'),
  w('Compass', 'La Boussole'),
  w('Bridges', 'Les Passerelles'),
  w('Pathways', 'Les Sentiers'),
  w('New Dawn', 'L’Aube nouvelle'),
  w('Aurora', 'L’Aurore'),
  w('Haven', 'Le Refuge'),
  w('Cedar', 'Le Cèdre'),
  w('Willow', 'Le Saule'),
  w('Maple', 'L’Érable'),
  w('North Star', 'L’Étoile du Nord'),
  w('Sunrise', 'Le Point du jour'),
  w('Open Door', 'La Porte ouverte'),
  w('Crossroads', 'La Croisée'),
  w('Stepping Stone', 'Le Tremplin'),
  w('Lighthouse', 'Le Phare'),
  w('Hope', 'L’Espoir'),
  w('Circle', 'Le Cercle'),
  w('Horizon', 'L’Horizon'),
  w('Phoenix', 'Le Phénix'),
  w('Anchor', 'L’Ancre'),
  w('Threshold', 'Le Seuil'),
  w('Northern Lights', 'Les Aurores boréales'),
  w('Journey', 'Le Parcours'),
  w('Trillium', 'Le Trille'),
  w('Keystone', 'La Clé de voûte'),
  w('Riverside', 'Bord de l’eau'),
  w('Safe Passage', 'Passage sûr'),
  w('Clearing', 'L’Éclaircie'),
  w('Wayfinder', 'La Traversée'),
]

/** "de Montréal", "d’Ottawa": the French preposition before a place name. */
export const deFr = (place: string) => (/^[AEIOUÉÈÎÔaeiouéèîôh]/.test(place) ? `d’${place}` : `de ${place}`)

const n =
  (en: (word: string, place: string) => string, fr: (word: string, place: string) => string) =>
  (word: Pair, place: string): Pair => ({ en: en(word.en, place), fr: fr(word.fr, place) })

export const archetypes: Archetype[] = [
  {
    key: 'shelter',
    weight: 13,
    names: [
      n(
        (w) => `${w} House`,
        (w) => `Maison ${w}`,
      ),
      n(
        (_, p) => `${p} Women’s Shelter`,
        (_, p) => `Maison d’hébergement pour femmes ${deFr(p)}`,
      ),
      n(
        (w) => `${w} Women’s Centre`,
        (w) => `Centre de femmes ${w}`,
      ),
    ],
    description: {
      en: 'A shelter for women and their children leaving violence, abuse or exploitation.',
      fr: 'Une maison d’hébergement pour les femmes et leurs enfants qui fuient la violence, les abus ou l’exploitation.',
    },
    services: [
      ['womenShelter', 1],
      ['shelterLine', 0.6],
      ['outreach', 0.6],
      ['secondStage', 0.4],
      ['childrenProgram', 0.5],
      ['safetyPlanning', 0.5],
      ['traumaTherapy', 0.2],
    ],
    populations: ['women'],
    confidentialOrganization: 0.35,
    confidentialLocation: 1,
  },
  {
    key: 'anti-trafficking',
    weight: 8,
    names: [
      n(
        (w) => `${w} Anti-Trafficking Network`,
        (w) => `Réseau ${w} contre la traite`,
      ),
      n(
        (_, p) => `${p} Coalition Against Human Trafficking`,
        (_, p) => `Coalition ${deFr(p)} contre la traite des personnes`,
      ),
      n(
        (w) => `${w} Survivor Support`,
        (w) => `${w}, soutien aux personnes survivantes`,
      ),
    ],
    description: {
      en: 'Support for survivors of sex trafficking and forced labour, from the first call to rebuilding a life.',
      fr: 'Du soutien aux personnes survivantes de la traite à des fins sexuelles et du travail forcé, du premier appel jusqu’à la reconstruction.',
    },
    services: [
      ['survivorCaseManagement', 1],
      ['safeHouse', 0.35],
      ['exitFund', 0.5],
      ['peerMentoring', 0.5],
      ['transportation', 0.35],
      ['identityDocuments', 0.35],
      ['tattooRemoval', 0.15],
      ['traumaTherapy', 0.3],
      ['textSupport', 0.2],
    ],
  },
  {
    key: 'indigenous',
    weight: 7,
    names: [
      n(
        (_, p) => `${p} Indigenous Friendship Centre`,
        (_, p) => `Centre d’amitié autochtone ${deFr(p)}`,
      ),
      n(
        (w) => `${w} Healing Lodge`,
        (w) => `Pavillon de guérison ${w}`,
      ),
      n(
        (_, p) => `Native Women’s Resource Centre of ${p}`,
        (_, p) => `Centre de ressources pour femmes autochtones ${deFr(p)}`,
      ),
    ],
    description: {
      en: 'An Indigenous-led organization offering culturally grounded support, ceremony and community.',
      fr: 'Un organisme dirigé par des Autochtones qui offre du soutien ancré dans la culture, des cérémonies et une communauté.',
    },
    services: [
      ['healingCircle', 1],
      ['indigenousOutreach', 0.6],
      ['landBased', 0.5],
      ['indigenousHousing', 0.3],
      ['meals', 0.3],
      ['navigation', 0.3],
      ['mentalHealth', 0.25],
    ],
    populations: ['indigenous'],
    north: 6,
  },
  {
    key: 'health',
    weight: 8,
    names: [
      n(
        (_, p) => `${p} Community Health Centre`,
        (_, p) => `Centre de santé communautaire ${deFr(p)}`,
      ),
      n(
        (w) => `${w} Health Clinic`,
        (w) => `Clinique de santé ${w}`,
      ),
    ],
    description: {
      en: 'A community health centre with doctors, nurses, counsellors and outreach, for people with or without a health card.',
      fr: 'Un centre de santé communautaire avec médecins, infirmières, conseillères et intervention de proximité, avec ou sans carte d’assurance maladie.',
    },
    services: [
      ['primaryCare', 1],
      ['sexualHealth', 0.5],
      ['mentalHealth', 0.6],
      ['harmReduction', 0.3],
      ['navigation', 0.3],
      ['tattooRemoval', 0.05],
    ],
  },
  {
    key: 'addiction',
    weight: 6,
    names: [
      n(
        (w) => `${w} Recovery Centre`,
        (w) => `Centre de rétablissement ${w}`,
      ),
      n(
        (_, p) => `${p} Addiction Services`,
        (_, p) => `Services en dépendance ${deFr(p)}`,
      ),
    ],
    description: {
      en: 'Addiction services from harm reduction to detox and residential treatment.',
      fr: 'Des services en dépendance, de la réduction des méfaits à la désintoxication et au traitement résidentiel.',
    },
    services: [
      ['detox', 1],
      ['residentialTreatment', 0.6],
      ['harmReduction', 0.5],
      ['mentalHealth', 0.4],
      ['peerMentoring', 0.3],
    ],
  },
  {
    key: 'legal',
    weight: 6,
    names: [
      n(
        (_, p) => `${p} Community Legal Clinic`,
        (_, p) => `Clinique juridique communautaire ${deFr(p)}`,
      ),
      n(
        (w) => `${w} Legal Services`,
        (w) => `Services juridiques ${w}`,
      ),
    ],
    description: {
      en: 'Free legal services for people with low income, including survivors of trafficking.',
      fr: 'Des services juridiques gratuits pour les personnes à faible revenu, y compris les personnes survivantes de la traite.',
    },
    services: [
      ['legalAdvice', 1],
      ['immigrationLegal', 0.6],
      ['labourRights', 0.4],
      ['identityDocuments', 0.4],
      ['accompaniment', 0.2],
    ],
  },
  {
    key: 'migrant',
    weight: 4,
    names: [
      n(
        (_, p) => `${p} Migrant Workers Centre`,
        (_, p) => `Centre des travailleuses et travailleurs migrants ${deFr(p)}`,
      ),
      n(
        (w) => `${w} Workers’ Action Centre`,
        (w) => `Centre d’action ouvrière ${w}`,
      ),
    ],
    description: {
      en: 'A centre by and for migrant and temporary foreign workers: rights, health, housing and community.',
      fr: 'Un centre par et pour les travailleuses et travailleurs migrants et étrangers temporaires : droits, santé, logement et communauté.',
    },
    services: [
      ['farmWorkers', 1],
      ['labourRights', 0.7],
      ['immigrationLegal', 0.4],
      ['languageClasses', 0.3],
      ['foodBank', 0.2],
    ],
    populations: ['migrant-workers'],
    languages: ['es', 'tl', 'pa', 'th', 'vi', 'zh', 'pt', 'hi'],
  },
  {
    key: 'youth',
    weight: 8,
    names: [
      n(
        (w) => `${w} Youth Services`,
        (w) => `Services jeunesse ${w}`,
      ),
      n(
        (_, p) => `${p} Youth Shelter`,
        (_, p) => `Refuge jeunesse ${deFr(p)}`,
      ),
      n(
        (w) => `${w} Youth Centre`,
        (w) => `Maison des jeunes ${w}`,
      ),
    ],
    description: {
      en: 'Shelter, drop-in and support for young people, including youth leaving care.',
      fr: 'Hébergement, centre de jour et soutien pour les jeunes, y compris ceux qui quittent les services de protection.',
    },
    services: [
      ['youthDropIn', 1],
      ['youthShelter', 0.6],
      ['youthSchool', 0.4],
      ['lifeSkills', 0.4],
      ['employment', 0.3],
      ['prideHousing', 0.15],
      ['sexualHealth', 0.2],
    ],
    populations: ['youth'],
  },
  {
    key: 'pride',
    weight: 4,
    names: [
      n(
        (_, p) => `${p} Pride Centre`,
        (_, p) => `Centre de la fierté ${deFr(p)}`,
      ),
      n(
        (w) => `${w} Rainbow Resource Centre`,
        (w) => `Centre de ressources arc-en-ciel ${w}`,
      ),
    ],
    description: {
      en: 'A community centre for Two-Spirit, lesbian, gay, bisexual, trans, queer and intersex people.',
      fr: 'Un centre communautaire pour les personnes bispirituelles, lesbiennes, gaies, bisexuelles, trans, queers et intersexes.',
    },
    services: [
      ['prideGroup', 1],
      ['prideHousing', 0.5],
      ['mentalHealth', 0.4],
      ['sexualHealth', 0.3],
      ['navigation', 0.3],
    ],
    populations: ['2slgbtqi'],
  },
  {
    key: 'newcomer',
    weight: 7,
    names: [
      n(
        (_, p) => `${p} Newcomer Settlement Services`,
        (_, p) => `Services d’établissement des nouveaux arrivants ${deFr(p)}`,
      ),
      n(
        (w) => `${w} Immigrant Services`,
        (w) => `Services aux immigrants ${w}`,
      ),
    ],
    description: {
      en: 'Settlement services for immigrants, refugees and temporary residents, in many languages.',
      fr: 'Des services d’établissement pour les personnes immigrantes, réfugiées et résidentes temporaires, en plusieurs langues.',
    },
    services: [
      ['settlement', 1],
      ['languageClasses', 0.7],
      ['employment', 0.5],
      ['immigrationLegal', 0.3],
      ['familyCounselling', 0.3],
      ['clothing', 0.2],
    ],
    languages: [
      'ar',
      'fa',
      'es',
      'zh',
      'uk',
      'so',
      'ti',
      'ur',
      'ta',
      'pa',
      'tl',
      'ko',
      'ru',
      'sw',
      'am',
      'ps',
    ],
  },
  {
    key: 'sexual-assault',
    weight: 6,
    names: [
      n(
        (_, p) => `${p} Sexual Assault Centre`,
        (_, p) => `Centre d’aide et de lutte contre les agressions à caractère sexuel ${deFr(p)}`,
      ),
      n(
        (w) => `${w} Sexual Violence Support Centre`,
        (w) => `Centre de soutien en violence sexuelle ${w}`,
      ),
    ],
    description: {
      en: 'Crisis support, counselling and accompaniment for people affected by sexual violence.',
      fr: 'Soutien en situation de crise, counseling et accompagnement pour les personnes touchées par la violence sexuelle.',
    },
    services: [
      ['assaultCounselling', 1],
      ['assaultLine', 0.7],
      ['accompaniment', 0.6],
      ['prideGroup', 0.1],
    ],
    confidentialLocation: 0.3,
  },
  {
    key: 'food',
    weight: 5,
    names: [
      n(
        (_, p) => `${p} Food Bank`,
        (_, p) => `Banque alimentaire ${deFr(p)}`,
      ),
      n(
        (w) => `${w} Community Pantry`,
        (w) => `Garde-manger communautaire ${w}`,
      ),
    ],
    description: {
      en: 'Food and everyday necessities for anyone who needs them.',
      fr: 'Nourriture et articles de première nécessité pour toute personne qui en a besoin.',
    },
    services: [
      ['foodBank', 1],
      ['meals', 0.5],
      ['clothing', 0.4],
      ['emergencyAssistance', 0.2],
    ],
  },
  {
    key: 'employment',
    weight: 4,
    names: [
      n(
        (w) => `${w} Employment Services`,
        (w) => `Services d’emploi ${w}`,
      ),
      n(
        (_, p) => `${p} Skills Centre`,
        (_, p) => `Carrefour jeunesse-emploi ${deFr(p)}`,
      ),
    ],
    description: {
      en: 'Job training, life skills and employment support.',
      fr: 'Formation professionnelle, habiletés de vie et soutien à l’emploi.',
    },
    services: [
      ['employment', 1],
      ['lifeSkills', 0.6],
      ['youthSchool', 0.3],
      ['languageClasses', 0.2],
    ],
  },
  {
    key: 'black-community',
    weight: 3,
    names: [
      n(
        (_, p) => `${p} Black Community Centre`,
        (_, p) => `Centre communautaire noir ${deFr(p)}`,
      ),
      n(
        (w) => `${w} African Canadian Services`,
        (w) => `Services afro-canadiens ${w}`,
      ),
    ],
    description: {
      en: 'Services by and for Black communities: counselling, navigation, youth and family programs.',
      fr: 'Des services par et pour les communautés noires : counseling, accompagnement, programmes jeunesse et famille.',
    },
    services: [
      ['culturalCounselling', 1],
      ['navigation', 0.6],
      ['youthDropIn', 0.3],
      ['employment', 0.3],
    ],
    populations: ['black-racialised'],
    languages: ['ht', 'so', 'am', 'sw', 'yo', 'wo', 'ti'],
  },
  {
    key: 'disability',
    weight: 2,
    names: [
      n(
        (_, p) => `${p} Independent Living Centre`,
        (_, p) => `Centre de vie autonome ${deFr(p)}`,
      ),
    ],
    description: {
      en: 'Support for people with disabilities to live safely and independently.',
      fr: 'Du soutien pour que les personnes en situation de handicap vivent de façon autonome et en sécurité.',
    },
    services: [
      ['disabilitySupport', 1],
      ['navigation', 0.4],
      ['transportation', 0.4],
    ],
    populations: ['disabilities'],
    languages: ['ase', 'fcs'],
  },
  {
    key: 'men',
    weight: 2,
    names: [
      n(
        (w) => `${w} Men’s Services`,
        (w) => `Services pour hommes ${w}`,
      ),
    ],
    description: {
      en: 'Shelter and counselling for men, including men who have experienced exploitation or forced labour.',
      fr: 'Hébergement et counseling pour les hommes, y compris ceux qui ont vécu l’exploitation ou le travail forcé.',
    },
    services: [
      ['menShelter', 1],
      ['menCounselling', 0.7],
      ['meals', 0.3],
      ['employment', 0.2],
    ],
    populations: ['men'],
  },
  {
    key: 'faith',
    weight: 3,
    names: [
      n(
        (w) => `${w} Mission`,
        (w) => `Mission ${w}`,
      ),
      n(
        (_, p) => `${p} Interfaith Outreach`,
        (_, p) => `Entraide interconfessionnelle ${deFr(p)}`,
      ),
    ],
    description: {
      en: 'A faith-based charity offering meals, clothing, housing help and spiritual care to all.',
      fr: 'Un organisme de bienfaisance confessionnel qui offre à toutes et à tous des repas, des vêtements, de l’aide au logement et un accompagnement spirituel.',
    },
    services: [
      ['meals', 1],
      ['spiritualCare', 0.7],
      ['clothing', 0.5],
      ['supportiveHousing', 0.3],
      ['emergencyAssistance', 0.3],
    ],
  },
  {
    key: 'tattoo',
    weight: 1,
    names: [
      n(
        (w) => `${w} Tattoo Removal Clinic`,
        (w) => `Clinique de détatouage ${w}`,
      ),
    ],
    description: {
      en: 'A laser clinic that removes branding and gang tattoos for survivors at no cost.',
      fr: 'Une clinique laser qui retire gratuitement les tatouages de marquage et de gang des personnes survivantes.',
    },
    services: [
      ['tattooRemoval', 1],
      ['traumaTherapy', 0.2],
    ],
  },
  {
    key: 'crisis-line',
    weight: 2,
    names: [
      n(
        (_, p) => `${p} Distress Centre`,
        (_, p) => `Centre de détresse ${deFr(p)}`,
      ),
      n(
        (w) => `${w} Crisis Line`,
        (w) => `Ligne d’écoute ${w}`,
      ),
    ],
    description: {
      en: 'A crisis line answered at any hour by trained volunteers, by phone, text and chat.',
      fr: 'Une ligne de crise où des bénévoles formés répondent à toute heure, par téléphone, texto et clavardage.',
    },
    services: [
      ['distressLine', 1],
      ['textSupport', 0.6],
      ['mentalHealth', 0.3],
    ],
  },
  {
    key: 'family',
    weight: 6,
    names: [
      n(
        (w) => `${w} Counselling Services`,
        (w) => `Services de counseling ${w}`,
      ),
      n(
        (_, p) => `${p} Family Services`,
        (_, p) => `Services à la famille ${deFr(p)}`,
      ),
    ],
    description: {
      en: 'Counselling and support for individuals, couples and families.',
      fr: 'Du counseling et du soutien pour les personnes, les couples et les familles.',
    },
    services: [
      ['familyCounselling', 1],
      ['traumaTherapy', 0.4],
      ['mentalHealth', 0.4],
      ['emergencyAssistance', 0.2],
      ['supportiveHousing', 0.2],
      ['navigation', 0.3],
    ],
  },
]

/** Streets for addresses: French ones in Quebec and French-speaking communities. */
export const streetsEn = [
  'Main Street',
  'King Street',
  'Queen Street',
  'Victoria Avenue',
  'Church Street',
  'Park Avenue',
  'Elm Street',
  'Maple Avenue',
  'Wellington Street',
  'Water Street',
  'Front Street',
  'Albert Street',
  'First Avenue',
  'Second Avenue',
  'Centre Street',
  'Mill Road',
  'Lakeshore Road',
  'College Street',
  'Railway Avenue',
  'Portage Road',
]
export const streetsFr = [
  'rue Principale',
  'rue Saint-Jean',
  'rue Notre-Dame',
  'boulevard Saint-Laurent',
  'rue de l’Église',
  'avenue du Parc',
  'rue Saint-Joseph',
  'chemin du Lac',
  'rue Sainte-Anne',
  'boulevard des Forges',
  'rue King',
  'rue Champlain',
  'avenue de la Gare',
  'rue du Moulin',
  'boulevard Lévesque',
]

/** Language names (HSDS `language.name`) for the codes used by the demo. */
export const languageNames: Record<string, string> = {
  en: 'English',
  fr: 'French',
  es: 'Spanish',
  pt: 'Portuguese',
  tl: 'Tagalog',
  pa: 'Punjabi',
  hi: 'Hindi',
  ur: 'Urdu',
  ta: 'Tamil',
  zh: 'Chinese',
  ko: 'Korean',
  vi: 'Vietnamese',
  th: 'Thai',
  ar: 'Arabic',
  fa: 'Persian',
  ps: 'Pashto',
  uk: 'Ukrainian',
  ru: 'Russian',
  so: 'Somali',
  ti: 'Tigrinya',
  am: 'Amharic',
  sw: 'Swahili',
  yo: 'Yoruba',
  wo: 'Wolof',
  ht: 'Haitian Creole',
  it: 'Italian',
  pl: 'Polish',
  de: 'German',
  ase: 'American Sign Language',
  fcs: 'Quebec Sign Language (LSQ)',
  cr: 'Cree',
  oj: 'Ojibwe',
  iu: 'Inuktitut',
  ikt: 'Inuinnaqtun',
  moh: 'Mohawk',
  mic: 'Mi’kmaq',
  atj: 'Atikamekw',
  moe: 'Innu-aimun',
  chp: 'Dene',
  dgr: 'Tłı̨chǫ',
  gwi: 'Gwich’in',
  bla: 'Blackfoot',
  ojs: 'Oji-Cree',
  tli: 'Tlingit',
  hur: 'Halkomelem',
}

/** Everyday community languages, by province, beyond English and French. */
export const communityLanguages: Record<string, string[]> = {
  ON: ['zh', 'pa', 'ar', 'es', 'pt', 'tl', 'ur', 'ta', 'it', 'fa', 'so', 'pl', 'hi'],
  QC: ['ar', 'es', 'ht', 'zh', 'it', 'pt', 'vi', 'fa', 'ru'],
  BC: ['zh', 'pa', 'tl', 'ko', 'fa', 'vi', 'hi', 'es'],
  AB: ['tl', 'pa', 'zh', 'ar', 'es', 'uk', 'ur', 'so'],
  MB: ['tl', 'pa', 'uk', 'de', 'zh', 'es'],
  SK: ['tl', 'uk', 'zh', 'ar', 'de'],
  NS: ['ar', 'zh', 'tl', 'hi'],
  NB: ['ar', 'zh', 'es'],
  NL: ['ar', 'zh', 'tl'],
  PE: ['zh', 'ar', 'tl'],
  NT: ['tl'],
  NU: [],
  YT: ['de', 'tl'],
}

/** Indigenous languages by province or territory, and for some communities in particular. */
export const indigenousLanguages: Record<string, string[]> = {
  ON: ['oj', 'cr', 'ojs', 'moh'],
  QC: ['cr', 'atj', 'moe', 'moh', 'iu'],
  BC: ['hur', 'cr'],
  AB: ['cr', 'bla', 'chp'],
  MB: ['cr', 'oj', 'ojs'],
  SK: ['cr', 'chp'],
  NS: ['mic'],
  NB: ['mic'],
  NL: ['iu', 'moe'],
  PE: ['mic'],
  NT: ['chp', 'dgr', 'gwi', 'cr', 'iu'],
  NU: ['iu', 'ikt'],
  YT: ['gwi', 'tli'],
}
export const communityIndigenousLanguages: Record<string, string[]> = {
  'qc-kahnawake': ['moh'],
  'on-cornwall': ['moh'],
  'on-brantford': ['moh'],
  'qc-kuujjuaq': ['iu'],
  'nl-nain': ['iu'],
  'nu-cambridge-bay': ['ikt', 'iu'],
  'nu-kugluktuk': ['ikt'],
  'nt-behchoko': ['dgr'],
  'yt-old-crow': ['gwi'],
  'ns-eskasoni': ['mic'],
  'qc-sept-iles': ['moe'],
  'on-sioux-lookout': ['ojs', 'oj'],
  'on-moosonee': ['cr'],
}
