import { randomBytes } from 'node:crypto'
import type { Role } from '../../common/permissions.ts'
import type { Database } from '../db/database.ts'
import { insertUser } from '../identity/identity.store.ts'
import type { Channel, SignalStatus } from '../intake/intake.tables.ts'
import type { Viewer } from './cases.policy.ts'

/**
 * Test data for the cases tests, written straight to the tables: staff, contacts and the signals an
 * advocate handles (the intake tests cover how signals get there).
 */

const tag = () => randomBytes(5).toString('hex')

/** A staff member as a case viewer (no password, no session: store and service tests). */
export async function buildViewer(database: Database, role: Role = 'advocate'): Promise<Viewer> {
  const user = await insertUser(database.db, {
    email: `${role}.${tag()}@example.org`,
    displayName: `${role} ${tag()}`,
    role,
    passwordHash: '$argon2id$not-a-real-hash',
    locale: 'en',
  })
  return { staffId: user.id, role }
}

/** A contact (a phone number, in a test its blind index only). */
export async function buildContact(database: Database): Promise<string> {
  const now = new Date()
  const row = await database.db
    .insertInto('intake_contact')
    .values({
      kind: 'phone',
      blind_index: `test-${tag()}`,
      address_sealed: 'sealed',
      first_seen_at: now,
      last_seen_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/** A signal handled by `advocateId` (active unless told otherwise). */
export async function buildSignal(
  database: Database,
  {
    advocateId,
    status = 'active',
    channel = 'sms',
    contactId = null,
    receivedAt = new Date(),
  }: {
    advocateId: string | null
    status?: SignalStatus
    channel?: Channel
    contactId?: string | null
    receivedAt?: Date
  },
): Promise<string> {
  const ended = status === 'wrap_up' || status === 'ended'
  const row = await database.db
    .insertInto('intake_signal')
    .values({
      channel,
      contact_id: contactId,
      queue: 'messaging.en',
      advocate_id: advocateId,
      status,
      received_at: receivedAt,
      answered_at: advocateId ? receivedAt : null,
      ended_at: ended ? receivedAt : null,
      last_message_at: receivedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export const testAudit = { actorId: null, actorLabel: 'test', address: null, requestId: null }
