import type { Role } from '../../common/permissions.ts'
import { type AuditContext, appendAuditEvent } from '../audit/audit.store.ts'
import type { Env } from '../config/env.ts'
import type { Secrets } from '../crypto/secrets.ts'
import type { Database } from '../db/database.ts'
import { AppError, conflict, invalidField, notFound } from '../http/errors.ts'
import {
  decoyPasswordHash,
  enrolmentArtifacts,
  hashPassword,
  matchTotp,
  newToken,
  newTotpSecret,
  sha256,
  verifyPassword,
} from './credentials.ts'
import { isDemoEmail } from './identity.demo.ts'
import * as store from './identity.store.ts'

export interface IdentityConfig {
  sessionIdleMinutes: number
  sessionMaxHours: number
  /** In production the demo accounts, whose credentials are public, can never sign in. */
  refuseDemoAccounts: boolean
}

/** The identity settings of a configuration. */
export function identityConfigFor(env: Env): IdentityConfig {
  return {
    sessionIdleMinutes: env.RELAIS_SESSION_IDLE_MINUTES,
    sessionMaxHours: env.RELAIS_SESSION_MAX_HOURS,
    refuseDemoAccounts: env.NODE_ENV === 'production',
  }
}

export interface IdentityDeps {
  database: Database
  secrets: Secrets
  config: IdentityConfig
  now?: () => Date
}

/** A staff member behind a valid session. */
export interface Principal {
  userId: string
  email: string
  displayName: string
  role: Role
  locale: string
  stage: 'mfa' | 'active'
  mfaEnrolled: boolean
  csrfToken: string
  tokenHash: string
}

const MFA_STAGE_MINUTES = 10

/** Back-off after repeated failures: a few free tries, then doubling waits up to 15 minutes. */
export const throttlePolicy = {
  account: (failures: number) => (failures < 5 ? 0 : Math.min(2 ** (failures - 5), 900)),
  address: (failures: number) => (failures < 20 ? 0 : Math.min(2 ** (failures - 20), 900)),
}

export function createIdentityService(deps: IdentityDeps) {
  const { database, secrets, config } = deps
  const now = deps.now ?? (() => new Date())
  const { db } = database

  const accountKey = (email: string) => `account:${email.trim().toLowerCase()}`
  const addressKey = (address: string | null) => `address:${address ?? 'unknown'}`

  async function assertNotThrottled(keys: string[]) {
    const blocked = (await store.findThrottles(db, keys))
      .map((row) => row.blocked_until?.getTime() ?? 0)
      .reduce((a, b) => Math.max(a, b), 0)
    const wait = Math.ceil((blocked - now().getTime()) / 1000)
    if (wait > 0)
      throw new AppError('rate_limited', 429, { values: { seconds: wait }, retryAfterSeconds: wait })
  }

  async function recordFailure(audit: AuditContext, email: string, action: string, userId: string | null) {
    await db.transaction().execute(async (trx) => {
      await store.recordFailures(
        trx,
        [
          { key: accountKey(email), blockFor: throttlePolicy.account },
          { key: addressKey(audit.address), blockFor: throttlePolicy.address },
        ],
        now(),
      )
      await appendAuditEvent(trx, audit, {
        action,
        entityType: 'staff_user',
        entityId: userId ?? undefined,
        details: userId ? {} : { reason: 'unknown_account' },
      })
    })
  }

  function loadSecret(user: { totp_secret: string | null }): string | null {
    return user.totp_secret ? secrets.open(user.totp_secret) : null
  }

  async function openSession(
    trx: typeof db,
    userId: string,
    stage: 'mfa',
    meta: { address: string | null; userAgent: string | null },
  ) {
    const token = newToken()
    const csrfToken = newToken()
    await store.insertSession(trx, {
      tokenHash: sha256(token),
      userId,
      stage,
      csrfToken,
      address: meta.address,
      userAgent: meta.userAgent,
      expiresAt: new Date(now().getTime() + MFA_STAGE_MINUTES * 60_000),
    })
    return { token, csrfToken }
  }

  async function checkCode(
    principal: Principal,
    user: NonNullable<store.StaffUserRow>,
    code: string,
    audit: AuditContext,
  ): Promise<void> {
    await assertNotThrottled([accountKey(user.email), addressKey(audit.address)])
    const secret = loadSecret(user)
    const step = secret ? matchTotp(secret, code, now().getTime()) : null
    if (step === null || !(await store.claimTotpStep(db, user.id, step))) {
      await recordFailure(audit, principal.email, 'sign_in.mfa_failed', user.id)
      throw new AppError('invalid_mfa_code', 401, {
        fields: [{ path: 'code', code: 'invalid', message: '' }],
      })
    }
  }

  function sessionExpiry() {
    return new Date(now().getTime() + config.sessionMaxHours * 3600_000)
  }

  return {
    /**
     * First factor. On success opens a session that can only complete MFA (enrol or verify);
     * failures count towards the per-account and per-address back-off.
     */
    async signIn(
      input: { email: string; password: string; userAgent: string | null },
      audit: AuditContext,
    ): Promise<{ token: string; csrfToken: string; next: 'enrol' | 'verify' }> {
      await assertNotThrottled([accountKey(input.email), addressKey(audit.address)])
      const user = await store.findUserByEmail(db, input.email)
      const passwordOk = await verifyPassword(
        user?.password_hash ?? (await decoyPasswordHash()),
        input.password,
      )
      const actor = { ...audit, actorId: user?.id ?? null, actorLabel: user?.email ?? 'anonymous' }
      const refused = config.refuseDemoAccounts && isDemoEmail(input.email)
      if (!user || !passwordOk || user.disabled_at || refused) {
        await recordFailure(actor, input.email, 'sign_in.failed', user?.id ?? null)
        throw new AppError('invalid_credentials', 401)
      }
      return db.transaction().execute(async (trx) => {
        await store.clearThrottle(trx, accountKey(input.email))
        const session = await openSession(trx, user.id, 'mfa', {
          address: audit.address,
          userAgent: input.userAgent,
        })
        await appendAuditEvent(trx, actor, {
          action: 'sign_in.password_accepted',
          entityType: 'staff_user',
          entityId: user.id,
        })
        return { ...session, next: user.mfa_enrolled_at ? 'verify' : 'enrol' }
      })
    },

    /** Starts (or resumes) TOTP enrolment: a pending secret, shown once as a QR code and as text. */
    async startEnrolment(principal: Principal) {
      const user = await store.findUserById(db, principal.userId)
      if (!user) throw notFound('staff_user')
      if (user.mfa_enrolled_at) throw new AppError('conflict', 409)
      let secret = loadSecret(user)
      if (!secret) {
        secret = newTotpSecret()
        await store.updateUser(db, user.id, { totp_secret: secrets.seal(secret) })
      }
      const { uri, qrSvg } = await enrolmentArtifacts(secret, user.email)
      return { secret, uri, qrSvg }
    },

    /** Confirms enrolment with a first code; the session becomes fully signed in. */
    async confirmEnrolment(principal: Principal, code: string, audit: AuditContext) {
      const user = await store.findUserById(db, principal.userId)
      if (!user) throw notFound('staff_user')
      if (user.mfa_enrolled_at) throw new AppError('conflict', 409)
      await checkCode(principal, user, code, audit)
      await db.transaction().execute(async (trx) => {
        await store.updateUser(trx, user.id, { mfa_enrolled_at: now() })
        await store.promoteSession(trx, principal.tokenHash, sessionExpiry())
        await appendAuditEvent(trx, audit, {
          action: 'mfa.enrolled',
          entityType: 'staff_user',
          entityId: user.id,
        })
        await appendAuditEvent(trx, audit, {
          action: 'sign_in.succeeded',
          entityType: 'staff_user',
          entityId: user.id,
        })
      })
    },

    /** Second factor for an enrolled account. */
    async verifyMfa(principal: Principal, code: string, audit: AuditContext) {
      const user = await store.findUserById(db, principal.userId)
      if (!user) throw notFound('staff_user')
      if (!user.mfa_enrolled_at) throw new AppError('mfa_stage_required', 409)
      await checkCode(principal, user, code, audit)
      await db.transaction().execute(async (trx) => {
        await store.promoteSession(trx, principal.tokenHash, sessionExpiry())
        await appendAuditEvent(trx, audit, {
          action: 'sign_in.succeeded',
          entityType: 'staff_user',
          entityId: user.id,
        })
      })
    },

    /**
     * The principal behind a session token, or null when the session is unknown, expired, idle too
     * long, or its account disabled. Dead sessions are deleted on sight.
     */
    async authenticate(token: string): Promise<Principal | null> {
      const tokenHash = sha256(token)
      const row = await store.findSessionWithUser(db, tokenHash)
      if (!row) return null
      const at = now()
      const idleLimit = row.last_seen_at.getTime() + config.sessionIdleMinutes * 60_000
      if (row.expires_at <= at || idleLimit <= at.getTime() || row.disabled_at) {
        await store.deleteSession(db, tokenHash)
        return null
      }
      // Writing last_seen_at at most once a minute keeps reads cheap and idle timeout exact to a minute.
      if (at.getTime() - row.last_seen_at.getTime() > 60_000) await store.touchSession(db, tokenHash, at)
      return {
        userId: row.user_id,
        email: row.email,
        displayName: row.display_name,
        role: row.role,
        locale: row.locale,
        stage: row.stage,
        mfaEnrolled: row.mfa_enrolled_at !== null,
        csrfToken: row.csrf_token,
        tokenHash,
      }
    },

    async signOut(principal: Principal, audit: AuditContext) {
      await db.transaction().execute(async (trx) => {
        await store.deleteSession(trx, principal.tokenHash)
        await appendAuditEvent(trx, audit, {
          action: 'sign_out',
          entityType: 'staff_user',
          entityId: principal.userId,
        })
      })
    },

    async signOutEverywhere(principal: Principal, audit: AuditContext) {
      return db.transaction().execute(async (trx) => {
        const count = await store.deleteSessionsOfUser(trx, principal.userId)
        await appendAuditEvent(trx, audit, {
          action: 'sign_out.everywhere',
          entityType: 'staff_user',
          entityId: principal.userId,
          details: { sessions: count },
        })
        return count
      })
    },

    listUsers() {
      return store.listUsers(db)
    },

    async createUser(
      input: {
        email: string
        displayName: string
        role: Role
        password: string
        locale: string
        totpSecret?: string
      },
      audit: AuditContext,
    ) {
      const passwordHash = await hashPassword(input.password)
      return db.transaction().execute(async (trx) => {
        if (await store.findUserByEmail(trx, input.email)) {
          throw conflict([{ path: 'email', code: 'taken', message: '' }])
        }
        const user = await store.insertUser(trx, {
          email: input.email.trim(),
          displayName: input.displayName.trim(),
          role: input.role,
          passwordHash,
          locale: input.locale,
          totpSecret: input.totpSecret ? secrets.seal(input.totpSecret) : undefined,
        })
        await appendAuditEvent(trx, audit, {
          action: 'user.created',
          entityType: 'staff_user',
          entityId: user.id,
          details: { role: user.role },
        })
        return user
      })
    },

    /** Disables or re-enables an account; disabling also ends its sessions at once. */
    async setDisabled(userId: string, disabled: boolean, audit: AuditContext) {
      if (disabled && userId === audit.actorId) throw invalidField('id', 'invalid')
      return db.transaction().execute(async (trx) => {
        const user = await store.updateUser(trx, userId, { disabled_at: disabled ? now() : null })
        if (!user) throw notFound('staff_user')
        if (disabled) await store.deleteSessionsOfUser(trx, userId)
        await appendAuditEvent(trx, audit, {
          action: disabled ? 'user.disabled' : 'user.enabled',
          entityType: 'staff_user',
          entityId: userId,
        })
        return user
      })
    },

    /** Clears a lost authenticator: the person enrols again at their next sign-in. */
    async resetMfa(userId: string, audit: AuditContext) {
      return db.transaction().execute(async (trx) => {
        const user = await store.updateUser(trx, userId, {
          totp_secret: null,
          mfa_enrolled_at: null,
          last_totp_step: null,
        })
        if (!user) throw notFound('staff_user')
        await store.deleteSessionsOfUser(trx, userId)
        await appendAuditEvent(trx, audit, {
          action: 'user.mfa_reset',
          entityType: 'staff_user',
          entityId: userId,
        })
        return user
      })
    },

    async setLocale(principal: Principal, locale: string) {
      await store.updateUser(db, principal.userId, { locale })
    },

    async purgeExpiredSessions() {
      await store.deleteExpiredSessions(db, now())
    },
  }
}

export type IdentityService = ReturnType<typeof createIdentityService>
