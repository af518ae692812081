import { type Kysely, sql } from 'kysely'
import type { Role } from '../../common/permissions.ts'
import type { DB } from '../db/schema.ts'
import { recordThrottledFailure } from '../db/throttle.ts'

export type StaffUserRow = Awaited<ReturnType<typeof findUserById>> & {}

export function findUserById(db: Kysely<DB>, id: string) {
  return db.selectFrom('staff_user').selectAll().where('id', '=', id).executeTakeFirst()
}

export function findUserByEmail(db: Kysely<DB>, email: string) {
  return db
    .selectFrom('staff_user')
    .selectAll()
    .where(sql`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst()
}

export function listUsers(db: Kysely<DB>) {
  return db.selectFrom('staff_user').selectAll().orderBy('display_name').orderBy('email').execute()
}

export function countUsers(db: Kysely<DB>) {
  return db
    .selectFrom('staff_user')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
    .then((row) => Number(row.n))
}

export function insertUser(
  db: Kysely<DB>,
  user: {
    email: string
    displayName: string
    role: Role
    passwordHash: string
    locale: string
    totpSecret?: string
  },
) {
  return db
    .insertInto('staff_user')
    .values({
      email: user.email,
      display_name: user.displayName,
      role: user.role,
      password_hash: user.passwordHash,
      locale: user.locale,
      totp_secret: user.totpSecret ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export function updateUser(
  db: Kysely<DB>,
  id: string,
  changes: Partial<{
    disabled_at: Date | null
    totp_secret: string | null
    mfa_enrolled_at: Date | null
    last_totp_step: number | null
    locale: string
  }>,
) {
  return db
    .updateTable('staff_user')
    .set({ ...changes, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst()
}

/** Records a TOTP time step as used, only if it is newer than the last one: no code works twice. */
export async function claimTotpStep(db: Kysely<DB>, id: string, step: number): Promise<boolean> {
  const result = await db
    .updateTable('staff_user')
    .set({ last_totp_step: step })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_totp_step', 'is', null), eb('last_totp_step', '<', step)]))
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

export function insertSession(
  db: Kysely<DB>,
  session: {
    tokenHash: string
    userId: string
    stage: 'mfa' | 'active'
    csrfToken: string
    address: string | null
    userAgent: string | null
    expiresAt: Date
  },
) {
  return db
    .insertInto('staff_session')
    .values({
      token_hash: session.tokenHash,
      user_id: session.userId,
      stage: session.stage,
      csrf_token: session.csrfToken,
      address: session.address,
      user_agent: session.userAgent,
      expires_at: session.expiresAt,
    })
    .execute()
}

export function findSessionWithUser(db: Kysely<DB>, tokenHash: string) {
  return db
    .selectFrom('staff_session as s')
    .innerJoin('staff_user as u', 'u.id', 's.user_id')
    .select([
      's.token_hash',
      's.stage',
      's.csrf_token',
      's.last_seen_at',
      's.expires_at',
      's.created_at',
      'u.id as user_id',
      'u.email',
      'u.display_name',
      'u.role',
      'u.locale',
      'u.disabled_at',
      'u.mfa_enrolled_at',
    ])
    .where('s.token_hash', '=', tokenHash)
    .executeTakeFirst()
}

export function touchSession(db: Kysely<DB>, tokenHash: string, now: Date) {
  return db
    .updateTable('staff_session')
    .set({ last_seen_at: now })
    .where('token_hash', '=', tokenHash)
    .execute()
}

export function promoteSession(db: Kysely<DB>, tokenHash: string, expiresAt: Date) {
  return db
    .updateTable('staff_session')
    .set({ stage: 'active', expires_at: expiresAt, last_seen_at: new Date() })
    .where('token_hash', '=', tokenHash)
    .execute()
}

export function deleteSession(db: Kysely<DB>, tokenHash: string) {
  return db.deleteFrom('staff_session').where('token_hash', '=', tokenHash).execute()
}

export async function deleteSessionsOfUser(db: Kysely<DB>, userId: string): Promise<number> {
  const result = await db.deleteFrom('staff_session').where('user_id', '=', userId).executeTakeFirst()
  return Number(result.numDeletedRows)
}

export function deleteExpiredSessions(db: Kysely<DB>, now: Date) {
  return db.deleteFrom('staff_session').where('expires_at', '<', now).execute()
}

export function findThrottles(db: Kysely<DB>, keys: string[]) {
  return db.selectFrom('sign_in_throttle').selectAll().where('key', 'in', keys).execute()
}

/** Counts one more failure for each key and sets the back-off that the new count calls for. */
export async function recordFailures(
  db: Kysely<DB>,
  keys: { key: string; blockFor: (failures: number) => number }[],
  now: Date,
) {
  for (const { key, blockFor } of keys)
    await recordThrottledFailure(db, 'sign_in_throttle', key, now, blockFor)
}

export function clearThrottle(db: Kysely<DB>, key: string) {
  return db.deleteFrom('sign_in_throttle').where('key', '=', key).execute()
}
