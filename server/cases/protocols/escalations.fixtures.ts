import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { AgeBand } from '../../../common/contracts/cases.ts'
import type { Role } from '../../../common/permissions.ts'
import type { DB } from '../../db/schema.ts'
import {
  type DirectoryBundle,
  emptyBundle,
  type OrganizationRecord,
} from '../../directory/directory.records.ts'
import type { Principal } from '../../identity/identity.service.ts'

/** Test fixtures for escalations: staff, cases and people written straight to the tables. */

type Db = Kysely<DB>
let counter = 0

export async function insertStaff(db: Db, role: Role, locale = 'en'): Promise<Principal> {
  counter += 1
  const email = `${role}.${counter}.${randomUUID().slice(0, 8)}@example.org`
  const { id } = await db
    .insertInto('staff_user')
    .values({ email, display_name: `Test ${role} ${counter}`, role, password_hash: 'x', locale })
    .returning('id')
    .executeTakeFirstOrThrow()
  return {
    userId: id,
    email,
    displayName: `Test ${role} ${counter}`,
    role,
    locale,
    stage: 'active',
    mfaEnrolled: true,
    csrfToken: '',
    tokenHash: '',
  }
}

/** An open case where it happens (or unknown), worked by the given staff. */
export async function insertCase(
  db: Db,
  {
    province = null,
    municipality = null,
    workers = [],
  }: {
    province?: string | null
    municipality?: string | null
    workers?: string[]
  },
): Promise<string> {
  counter += 1
  const now = new Date()
  const { id } = await db
    .insertInto('case_file')
    .values({
      case_number: `C-2026-${String(counter).padStart(6, '0')}`,
      province,
      province_answer: province ? 'given' : 'not_asked',
      municipality,
      municipality_answer: municipality ? 'given' : 'not_asked',
      created_at: now,
      updated_at: now,
      last_worked_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  for (const staffId of workers)
    await db
      .insertInto('case_worker')
      .values({ case_id: id, staff_id: staffId, via: 'created', first_at: now, last_worked_at: now })
      .execute()
  return id
}

export async function insertPerson(
  db: Db,
  caseId: string,
  { role = 'victim', age = null }: { role?: string | null; age?: number | AgeBand | null } = {},
): Promise<string> {
  const now = new Date()
  const { id } = await db
    .insertInto('case_person')
    .values({
      case_id: caseId,
      role,
      role_answer: role ? 'given' : 'not_asked',
      age_years: typeof age === 'number' ? age : null,
      age_band: typeof age === 'string' ? age : null,
      age_answer: age === null ? 'not_asked' : 'given',
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return id
}

function agency(
  id: string,
  kind: OrganizationRecord['kind'],
  name: { en: string; fr: string },
  province: string,
  municipality: string | null,
  emergencyPhone: string | null,
): OrganizationRecord {
  return {
    id,
    name,
    description: { en: name.en, fr: name.fr },
    kind,
    confidential: false,
    jurisdiction: { country: 'CA', province, municipality },
    emergencyPhone,
    doc: {},
  }
}

/** Child-protection agencies and police services of Toronto, Ontario and Quebec. */
export function agencyBundle(): DirectoryBundle {
  return {
    ...emptyBundle(),
    organizations: [
      agency(
        'cas-toronto',
        'child_protection',
        { en: 'Children’s Aid Society of Toronto', fr: 'Société d’aide à l’enfance de Toronto' },
        'ON',
        'Toronto',
        '416-924-4646',
      ),
      agency(
        'tps',
        'law_enforcement',
        { en: 'Toronto Police Service', fr: 'Service de police de Toronto' },
        'ON',
        'Toronto',
        '416-808-2222',
      ),
      agency(
        'opp',
        'law_enforcement',
        { en: 'Ontario Provincial Police', fr: 'Police provinciale de l’Ontario' },
        'ON',
        null,
        '1-888-310-1122',
      ),
      agency(
        'dpj-montreal',
        'child_protection',
        {
          en: 'Director of Youth Protection of Montréal',
          fr: 'Direction de la protection de la jeunesse de Montréal',
        },
        'QC',
        'Montréal',
        '514-896-3100',
      ),
      agency(
        'spvm',
        'law_enforcement',
        { en: 'Montréal Police Service', fr: 'Service de police de la Ville de Montréal' },
        'QC',
        'Montréal',
        '514-280-2222',
      ),
    ],
  }
}
