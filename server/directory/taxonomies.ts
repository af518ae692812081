import type { TaxonomyRecord, TaxonomyTermRecord } from './directory.records.ts'

/**
 * Relais's own taxonomies, attached to entries through HSDS attributes: the service types and the
 * populations served that advocates filter on (from the hotline's evaluation and consultations).
 * Term ids are stable: `<taxonomy>:<code>`.
 */
export const SERVICE_TYPE = 'relais-service-type'
export const POPULATION = 'relais-population'

export const relaisTaxonomies: TaxonomyRecord[] = [
  {
    id: SERVICE_TYPE,
    name: 'Relais service types',
    description: 'Kinds of help a directory service offers to people affected by human trafficking.',
    version: '1',
  },
  {
    id: POPULATION,
    name: 'Relais populations served',
    description: 'Groups a directory service is designed for or prioritises.',
    version: '1',
  },
]

const serviceTypes: [code: string, en: string, fr: string, parent?: string][] = [
  ['immediate-safety', 'Immediate safety', 'Sécurité immédiate'],
  ['housing', 'Housing', 'Hébergement'],
  ['housing-emergency', 'Emergency housing and shelter', 'Hébergement d’urgence et refuge', 'housing'],
  ['housing-transitional', 'Transitional housing', 'Hébergement de transition', 'housing'],
  ['housing-long-term', 'Long-term housing', 'Logement à long terme', 'housing'],
  ['health', 'Health care', 'Soins de santé'],
  ['mental-health', 'Mental health', 'Santé mentale'],
  ['addiction', 'Addiction and detox', 'Dépendances et désintoxication'],
  ['material-needs', 'Material needs (food, clothing)', 'Besoins matériels (nourriture, vêtements)'],
  ['exit-funds', 'Exit funds', 'Fonds de sortie'],
  ['counselling', 'Counselling and psychological support', 'Counseling et soutien psychologique'],
  ['case-management', 'Case management', 'Gestion de cas'],
  ['peer-support', 'Peer support', 'Soutien par les pairs'],
  ['child-protection', 'Youth and child protection', 'Protection de la jeunesse et de l’enfance'],
  ['immigration', 'Immigration (temporary resident permits)', 'Immigration (permis de séjour temporaire)'],
  ['labour-rights', 'Labour rights', 'Droits du travail'],
  ['legal-aid', 'Legal aid', 'Aide juridique'],
  ['spiritual-support', 'Spiritual support', 'Soutien spirituel'],
  ['education', 'Education', 'Éducation'],
  ['job-training', 'Job training and life skills', 'Formation professionnelle et habiletés de vie'],
  ['transportation', 'Transportation', 'Transport'],
  ['tattoo-removal', 'Tattoo removal', 'Détatouage'],
  ['identity-documents', 'Replacement of identity documents', 'Remplacement de pièces d’identité'],
  [
    'indigenous-healing',
    'Indigenous healing circles and lodges with Elders',
    'Cercles de guérison et pavillons autochtones avec des Aînés',
  ],
  ['law-enforcement', 'Law enforcement', 'Services de police'],
  ['emergency-dispatch', 'Emergency dispatch', 'Répartition des urgences'],
]

const populations: [code: string, en: string, fr: string, parent?: string][] = [
  ['indigenous', 'Indigenous peoples', 'Peuples autochtones'],
  ['first-nations', 'First Nations', 'Premières Nations', 'indigenous'],
  ['inuit', 'Inuit', 'Inuit', 'indigenous'],
  ['metis', 'Métis', 'Métis', 'indigenous'],
  ['2slgbtqi', '2SLGBTQI+ people', 'Personnes 2ELGBTQI+'],
  [
    'migrant-workers',
    'Migrant and temporary foreign workers',
    'Travailleuses et travailleurs migrants et étrangers temporaires',
  ],
  ['youth', 'Youth', 'Jeunes'],
  ['children', 'Children', 'Enfants'],
  ['women', 'Women', 'Femmes'],
  ['men', 'Men', 'Hommes'],
  ['disabilities', 'People with disabilities', 'Personnes en situation de handicap'],
  ['black-racialised', 'Black and racialised communities', 'Communautés noires et racisées'],
]

function terms(taxonomyId: string, list: typeof serviceTypes): TaxonomyTermRecord[] {
  return list.map(([code, en, fr, parent]) => ({
    id: `${taxonomyId}:${code}`,
    taxonomyId,
    code,
    name: { en, fr },
    description: { en, fr },
    parentId: parent ? `${taxonomyId}:${parent}` : null,
  }))
}

export const relaisTaxonomyTerms: TaxonomyTermRecord[] = [
  ...terms(SERVICE_TYPE, serviceTypes),
  ...terms(POPULATION, populations),
]

export const serviceTypeTermId = (code: string) => `${SERVICE_TYPE}:${code}`
export const populationTermId = (code: string) => `${POPULATION}:${code}`
