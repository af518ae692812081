/** Staff roles. The public (portal, widget, web form) has no role and no session. */
export const roles = ['advocate', 'supervisor', 'directory_manager', 'analyst', 'admin'] as const
export type Role = (typeof roles)[number]

/**
 * What each role may do, declared per entity. Anything not listed here is denied: the server refuses
 * to register a staff route whose permission is missing from this table.
 */
export const permissions = {
  user: { read: ['admin'], manage: ['admin'] },
  audit: { read: ['admin'] },
  console: { use: ['advocate', 'supervisor', 'directory_manager', 'analyst', 'admin'] },
  // The public directory needs no permission; these are the staff's.
  directory: {
    read: ['advocate', 'supervisor', 'directory_manager', 'admin'],
    read_confidential: ['advocate', 'supervisor', 'directory_manager'],
    manage: ['directory_manager'],
    verify: ['directory_manager'],
    import: ['directory_manager', 'admin'],
  },
  survey: { manage: ['directory_manager'] },
  // The contact centre: answering signals, seeing a contact's earlier signals, and supervising.
  intake: {
    handle: ['advocate', 'supervisor'],
    history: ['advocate', 'supervisor'],
    supervise: ['supervisor'],
  },
  // Cases. Which cases a reader reaches is also written into every query (server/cases/cases.policy.ts):
  // advocates those they worked on or were assigned, supervisors all, admins only those they opened by
  // break-the-glass with a written reason. Analysts and directory managers reach none.
  case: {
    read: ['advocate', 'supervisor', 'admin'],
    manage: ['advocate', 'supervisor'],
    supervise: ['supervisor'],
    export: ['supervisor'],
    break_glass: ['admin'],
  },
  // Escalation protocols (versioned data per province or territory) are configured by an admin;
  // escalations themselves are case work (case.manage), reviewed under case.supervise.
  escalation: { configure: ['admin'] },
  // Reporting: aggregate figures and the funder's report; de-identified extracts for the statistics
  // agency are the analysts' alone. Analysts reach nothing personal: no signal, case or directory
  // screen, only these.
  report: { read: ['analyst', 'supervisor'] },
  extract: { create: ['analyst'] },
} as const satisfies Record<string, Record<string, readonly Role[]>>

export type Entity = keyof typeof permissions
export type Permission = {
  [E in Entity]: `${E}.${Extract<keyof (typeof permissions)[E], string>}`
}[Entity]

/** True when the role holds the permission ("entity.action"). */
export function can(role: Role, permission: Permission): boolean {
  const [entity, action] = permission.split('.') as [Entity, string]
  const allowed = (permissions[entity] as Record<string, readonly Role[]>)[action]
  return allowed?.includes(role) ?? false
}

/** Every permission a role holds, for the console to show or hide what the server would refuse. */
export function permissionsOf(role: Role): Permission[] {
  const held: Permission[] = []
  for (const [entity, actions] of Object.entries(permissions)) {
    for (const [action, allowed] of Object.entries(actions as Record<string, readonly Role[]>)) {
      if (allowed.includes(role)) held.push(`${entity}.${action}` as Permission)
    }
  }
  return held
}
