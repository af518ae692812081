import { randomBytes } from 'node:crypto'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Role } from '../../common/permissions.ts'
import { engines } from '../../test/support/database.ts'
import type { Database } from '../db/database.ts'
import {
  claimTotpStep,
  clearThrottle,
  countUsers,
  deleteExpiredSessions,
  deleteSession,
  deleteSessionsOfUser,
  findSessionWithUser,
  findThrottles,
  findUserByEmail,
  findUserById,
  insertSession,
  insertUser,
  listUsers,
  promoteSession,
  recordFailures,
  touchSession,
  updateUser,
} from './identity.store.ts'

const HOUR = 3600_000

describe.each(engines)('identity store on $engine', ({ open }) => {
  let database: Database
  beforeAll(async () => {
    database = await open()
  })
  afterAll(() => database.close())

  const tag = () => randomBytes(4).toString('hex')

  function newUser(overrides: Partial<Parameters<typeof insertUser>[1]> = {}) {
    return insertUser(database.db, {
      email: `Person.${tag()}@Example.org`,
      displayName: 'Person',
      role: 'advocate' as Role,
      passwordHash: '$argon2id$not-a-real-hash',
      locale: 'en',
      ...overrides,
    })
  }

  function newSession(userId: string, overrides: Partial<Parameters<typeof insertSession>[1]> = {}) {
    const session = {
      tokenHash: `hash-${tag()}`,
      userId,
      stage: 'mfa' as const,
      csrfToken: `csrf-${tag()}`,
      address: '192.0.2.10',
      userAgent: 'test agent',
      expiresAt: new Date(Date.now() + HOUR),
      ...overrides,
    }
    return insertSession(database.db, session).then(() => session)
  }

  describe('staff users', () => {
    it('finds a user by email whatever its case, keeping the case it was given', async () => {
      const user = await newUser({ totpSecret: 'sealed-secret' })
      expect(user).toMatchObject({
        display_name: 'Person',
        role: 'advocate',
        locale: 'en',
        totp_secret: 'sealed-secret',
        mfa_enrolled_at: null,
        disabled_at: null,
        last_totp_step: null,
      })
      expect(user.id).toMatch(/^[0-9a-f-]{36}$/)
      expect(user.created_at).toBeInstanceOf(Date)
      for (const spelling of [user.email, user.email.toLowerCase(), user.email.toUpperCase()]) {
        const found = await findUserByEmail(database.db, spelling)
        expect(found?.id, spelling).toBe(user.id)
        expect(found?.email).toBe(user.email)
      }
      expect(await findUserById(database.db, user.id)).toEqual(user)
      expect(await findUserByEmail(database.db, `nobody.${tag()}@example.org`)).toBeUndefined()
      expect(await findUserById(database.db, '00000000-0000-4000-8000-000000000000')).toBeUndefined()
    })

    it('refuses a second account whose email differs only in case', async () => {
      const user = await newUser()
      await expect(newUser({ email: user.email.toUpperCase() })).rejects.toThrow(
        /staff_user_email_idx|unique/i,
      )
    })

    it('refuses an unknown role', async () => {
      await expect(newUser({ role: 'superuser' as Role })).rejects.toThrow(/check constraint|role/i)
    })

    it('lists users by name, then email, and counts them', async () => {
      const before = await countUsers(database.db)
      const suffix = tag()
      await newUser({ displayName: `zz ${suffix} B`, email: `b.${suffix}@example.org` })
      await newUser({ displayName: `zz ${suffix} A`, email: `z.${suffix}@example.org` })
      await newUser({ displayName: `zz ${suffix} A`, email: `a.${suffix}@example.org` })
      expect(await countUsers(database.db)).toBe(before + 3)
      const mine = (await listUsers(database.db)).filter((user) => user.display_name.includes(suffix))
      expect(mine.map((user) => user.email)).toEqual([
        `a.${suffix}@example.org`,
        `z.${suffix}@example.org`,
        `b.${suffix}@example.org`,
      ])
    })

    it('updates only the given columns, and stamps updated_at', async () => {
      const user = await newUser()
      const disabledAt = new Date('2026-01-02T03:04:05.678Z')
      const updated = await updateUser(database.db, user.id, { disabled_at: disabledAt, locale: 'fr' })
      expect(updated).toMatchObject({
        disabled_at: disabledAt,
        locale: 'fr',
        email: user.email,
        role: user.role,
      })
      expect(updated!.updated_at.getTime()).toBeGreaterThanOrEqual(user.updated_at.getTime())
      expect(
        await updateUser(database.db, '00000000-0000-4000-8000-000000000000', { locale: 'fr' }),
      ).toBeUndefined()
    })

    it('accepts each TOTP step only if it is newer than every step accepted before (property)', async () => {
      const user = await newUser()
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 12 }),
          async (steps) => {
            await updateUser(database.db, user.id, { last_totp_step: null })
            let last: number | null = null
            for (const step of steps) {
              const expected: boolean = last === null || step > last
              expect(await claimTotpStep(database.db, user.id, step)).toBe(expected)
              if (expected) last = step
            }
            expect((await findUserById(database.db, user.id))?.last_totp_step).toBe(last)
          },
        ),
        { numRuns: 40 },
      )
    })
  })

  describe('sessions', () => {
    it('are found by token hash together with their user', async () => {
      const user = await newUser({ locale: 'fr' })
      const session = await newSession(user.id)
      const found = await findSessionWithUser(database.db, session.tokenHash)
      expect(found).toMatchObject({
        token_hash: session.tokenHash,
        stage: 'mfa',
        csrf_token: session.csrfToken,
        expires_at: session.expiresAt,
        user_id: user.id,
        email: user.email,
        display_name: user.display_name,
        role: 'advocate',
        locale: 'fr',
        disabled_at: null,
        mfa_enrolled_at: null,
      })
      expect(found!.last_seen_at).toBeInstanceOf(Date)
      expect(await findSessionWithUser(database.db, 'no-such-hash')).toBeUndefined()
    })

    it('are touched, promoted and deleted one at a time', async () => {
      const user = await newUser()
      const a = await newSession(user.id)
      const b = await newSession(user.id)
      const seen = new Date(Date.now() + 5 * 60_000)
      await touchSession(database.db, a.tokenHash, seen)
      expect((await findSessionWithUser(database.db, a.tokenHash))?.last_seen_at).toEqual(seen)
      expect((await findSessionWithUser(database.db, b.tokenHash))?.last_seen_at).not.toEqual(seen)

      const expiry = new Date(Date.now() + 12 * HOUR)
      await promoteSession(database.db, a.tokenHash, expiry)
      expect(await findSessionWithUser(database.db, a.tokenHash)).toMatchObject({
        stage: 'active',
        expires_at: expiry,
      })
      expect((await findSessionWithUser(database.db, b.tokenHash))?.stage).toBe('mfa')

      await deleteSession(database.db, a.tokenHash)
      expect(await findSessionWithUser(database.db, a.tokenHash)).toBeUndefined()
      expect(await findSessionWithUser(database.db, b.tokenHash)).toBeDefined()
    })

    it('of one user are all deleted at once, and no one else’s', async () => {
      const user = await newUser()
      const other = await newUser()
      const mine = [await newSession(user.id), await newSession(user.id), await newSession(user.id)]
      const theirs = await newSession(other.id)
      expect(await deleteSessionsOfUser(database.db, user.id)).toBe(3)
      for (const session of mine)
        expect(await findSessionWithUser(database.db, session.tokenHash)).toBeUndefined()
      expect(await findSessionWithUser(database.db, theirs.tokenHash)).toBeDefined()
      expect(await deleteSessionsOfUser(database.db, user.id)).toBe(0)
    })

    it('past their expiry are purged, and the others kept', async () => {
      const user = await newUser()
      const now = new Date()
      const expired = await newSession(user.id, { expiresAt: new Date(now.getTime() - 1) })
      const current = await newSession(user.id, { expiresAt: new Date(now.getTime() + 60_000) })
      await deleteExpiredSessions(database.db, now)
      expect(await findSessionWithUser(database.db, expired.tokenHash)).toBeUndefined()
      expect(await findSessionWithUser(database.db, current.tokenHash)).toBeDefined()
    })

    it('need an existing user, and go with it', async () => {
      await expect(newSession('00000000-0000-4000-8000-000000000000')).rejects.toThrow(
        /foreign key|violates/i,
      )
      const user = await newUser()
      const session = await newSession(user.id)
      await database.db.deleteFrom('staff_user').where('id', '=', user.id).execute()
      expect(await findSessionWithUser(database.db, session.tokenHash)).toBeUndefined()
    })
  })

  describe('sign-in throttle', () => {
    it('counts failures per key and blocks once the policy says so', async () => {
      const account = `account:${tag()}`
      const address = `address:${tag()}`
      const blockAfterTwo = (failures: number) => (failures >= 2 ? 30 : 0)
      const start = new Date('2026-03-01T10:00:00.000Z')
      await recordFailures(
        database.db,
        [
          { key: account, blockFor: blockAfterTwo },
          { key: address, blockFor: () => 0 },
        ],
        start,
      )
      let rows = await findThrottles(database.db, [account, address, `account:${tag()}`])
      expect(rows).toHaveLength(2)
      expect(rows.find((row) => row.key === account)).toMatchObject({ failures: 1, blocked_until: null })

      const later = new Date(start.getTime() + 60_000)
      await recordFailures(database.db, [{ key: account, blockFor: blockAfterTwo }], later)
      rows = await findThrottles(database.db, [account, address])
      expect(rows.find((row) => row.key === account)).toMatchObject({
        failures: 2,
        last_failure_at: later,
        blocked_until: new Date(later.getTime() + 30_000),
      })
      expect(rows.find((row) => row.key === address)).toMatchObject({ failures: 1, blocked_until: null })

      await clearThrottle(database.db, account)
      expect((await findThrottles(database.db, [account, address])).map((row) => row.key)).toEqual([address])
    })

    it('forgives earlier failures after a quiet hour, not before (property)', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.oneof(fc.integer({ min: 0, max: 180 }), fc.constantFrom(59, 60, 61)), {
            minLength: 1,
            maxLength: 8,
          }),
          async (gapsInMinutes) => {
            const key = `account:${tag()}`
            let at = new Date('2026-03-01T00:00:00.000Z').getTime()
            let expected = 0
            let previous: number | undefined
            for (const gap of gapsInMinutes) {
              at += gap * 60_000
              expected = previous !== undefined && at - previous > HOUR ? 1 : expected + 1
              previous = at
              await recordFailures(database.db, [{ key, blockFor: () => 0 }], new Date(at))
            }
            const [row] = await findThrottles(database.db, [key])
            expect(row).toMatchObject({ failures: expected, last_failure_at: new Date(at) })
          },
        ),
        { numRuns: 40 },
      )
    })
  })
})
