import type { Generated } from 'kysely'
import type { Role } from '../../common/permissions.ts'

export interface StaffUserTable {
  id: Generated<string>
  email: string
  display_name: string
  role: Role
  password_hash: string
  totp_secret: string | null
  mfa_enrolled_at: Date | null
  last_totp_step: number | null
  locale: string
  disabled_at: Date | null
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export interface StaffSessionTable {
  token_hash: string
  user_id: string
  stage: 'mfa' | 'active'
  csrf_token: string
  address: string | null
  user_agent: string | null
  created_at: Generated<Date>
  last_seen_at: Generated<Date>
  expires_at: Date
}

export interface SignInThrottleTable {
  key: string
  failures: number
  last_failure_at: Generated<Date>
  blocked_until: Date | null
}

export interface IdentityTables {
  staff_user: StaffUserTable
  staff_session: StaffSessionTable
  sign_in_throttle: SignInThrottleTable
}
