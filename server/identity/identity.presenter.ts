import type { SessionInfo, User } from '../../common/contracts/identity.ts'
import { can, permissionsOf } from '../../common/permissions.ts'
import type { Principal } from './identity.service.ts'
import type { StaffUserRow } from './identity.store.ts'

/** A staff account as the admin screens see it, with what the caller may do to it. */
export function presentUser(user: NonNullable<StaffUserRow>, viewer: Principal): User {
  const manage = can(viewer.role, 'user.manage')
  return {
    id: user.id,
    email: user.email,
    displayName: user.display_name,
    role: user.role,
    locale: user.locale,
    mfaEnrolled: user.mfa_enrolled_at !== null,
    disabled: user.disabled_at !== null,
    createdAt: user.created_at.toISOString(),
    abilities: {
      disable: manage && user.disabled_at === null && user.id !== viewer.userId,
      enable: manage && user.disabled_at !== null,
      resetMfa: manage && user.mfa_enrolled_at !== null,
    },
  }
}

export function presentSession(principal: Principal): SessionInfo {
  return {
    stage: principal.stage,
    next: principal.stage === 'active' ? null : principal.mfaEnrolled ? 'verify' : 'enrol',
    csrfToken: principal.csrfToken,
    user: {
      id: principal.userId,
      email: principal.email,
      displayName: principal.displayName,
      role: principal.role,
      locale: principal.locale,
    },
    permissions: principal.stage === 'active' ? permissionsOf(principal.role) : [],
  }
}
