import { randomUUID } from 'node:crypto'
import { type DirectoryBundle, emptyBundle } from '../../server/directory/directory.records.ts'
import {
  populationTermId,
  relaisTaxonomies,
  relaisTaxonomyTerms,
  serviceTypeTermId,
} from '../../server/directory/taxonomies.ts'

/** The Relais taxonomies, as a bundle to save first. */
export function taxonomyBundle(): DirectoryBundle {
  return { ...emptyBundle(), taxonomies: relaisTaxonomies, taxonomyTerms: relaisTaxonomyTerms }
}

export interface ProviderOptions {
  confidential?: { organization?: boolean; service?: boolean; location?: boolean }
  name?: { en?: string; fr?: string }
  serviceName?: { en?: string; fr?: string }
  latitude?: number
  longitude?: number
  province?: string
  city?: string
  serviceTypes?: string[]
  populations?: string[]
  languages?: string[]
  /** HSDS weekly schedules of the service. */
  schedules?: Record<string, unknown>[]
  minimumAge?: number
  maximumAge?: number
  referralStatus?: 'accepting' | 'waitlist' | 'not_accepting' | null
  substanceUseAccepted?: boolean | null
  /** The first line of the location's street address. */
  address?: string
  /** The organization's phone number. */
  phone?: string
  /** The location's phone number. */
  locationPhone?: string
}

export interface ProviderIds {
  organization: string
  location: string
  service: string
  serviceAtLocation: string
}

/** One provider: an organization with one location and one service offered there. */
export function providerBundle(options: ProviderOptions = {}): DirectoryBundle & { ids: ProviderIds } {
  const ids = {
    organization: randomUUID(),
    location: randomUUID(),
    service: randomUUID(),
    serviceAtLocation: randomUUID(),
  }
  const city = options.city ?? 'Montréal'
  const province = options.province ?? 'QC'
  return {
    ...emptyBundle(),
    ids,
    organizations: [
      {
        id: ids.organization,
        name: options.name ?? { en: 'Harbour Support Centre', fr: 'Centre de soutien Le Havre' },
        description: { en: 'Support for survivors.', fr: 'Soutien aux survivantes et survivants.' },
        kind: 'service_provider',
        confidential: options.confidential?.organization ?? false,
        doc: {
          email: 'info@harbour.example.org',
          phones: [{ id: randomUUID(), number: options.phone ?? '514-555-0100' }],
        },
      },
    ],
    locations: [
      {
        id: ids.location,
        organizationId: ids.organization,
        locationType: 'physical',
        name: { en: 'Main office', fr: 'Bureau principal' },
        description: {},
        confidential: options.confidential?.location ?? false,
        latitude: options.latitude ?? 45.5019,
        longitude: options.longitude ?? -73.5674,
        doc: {
          addresses: [
            {
              id: randomUUID(),
              address_1: options.address ?? '100 Rue Sainte-Catherine',
              city,
              state_province: province,
              postal_code: 'H2X 1K4',
              country: 'CA',
              address_type: 'physical',
            },
          ],
          phones: [{ id: randomUUID(), number: options.locationPhone ?? '514-555-0101' }],
        },
      },
    ],
    services: [
      {
        id: ids.service,
        organizationId: ids.organization,
        name: options.serviceName ?? { en: 'Emergency shelter', fr: 'Hébergement d’urgence' },
        description: {
          en: 'Beds for women leaving exploitation.',
          fr: 'Lits pour les femmes qui quittent l’exploitation.',
        },
        status: 'active',
        confidential: options.confidential?.service ?? false,
        referralStatus: options.referralStatus === undefined ? 'accepting' : options.referralStatus,
        minimumAge: options.minimumAge ?? 18,
        maximumAge: options.maximumAge ?? null,
        substanceUseAccepted:
          options.substanceUseAccepted === undefined ? true : options.substanceUseAccepted,
        doc: {
          languages: (options.languages ?? ['en', 'fr']).map((code) => ({
            id: randomUUID(),
            code,
            name: code,
          })),
          schedules: options.schedules ?? [
            {
              id: randomUUID(),
              freq: 'WEEKLY',
              byday: 'MO,TU,WE,TH,FR',
              opens_at: '09:00',
              closes_at: '17:00',
            },
          ],
        },
      },
    ],
    serviceAtLocations: [
      { id: ids.serviceAtLocation, serviceId: ids.service, locationId: ids.location, doc: {} },
    ],
    attributes: [
      ...(options.serviceTypes ?? ['housing-emergency']).map((code) => ({
        id: randomUUID(),
        linkEntity: 'service' as const,
        linkId: ids.service,
        taxonomyTermId: serviceTypeTermId(code),
      })),
      ...(options.populations ?? ['women']).map((code) => ({
        id: randomUUID(),
        linkEntity: 'service' as const,
        linkId: ids.service,
        taxonomyTermId: populationTermId(code),
      })),
    ],
  }
}
