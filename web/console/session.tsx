import { createContext, useContext } from 'react'
import type { SessionInfo } from '../../common/contracts/identity.ts'
import type { Permission } from '../../common/permissions.ts'
import type { ApiClient } from '../shared/api.ts'

export interface ConsoleContext {
  api: ApiClient
  session: SessionInfo
  can(permission: Permission): boolean
}

export const SessionContext = createContext<ConsoleContext | null>(null)

/** The signed-in staff member and the API client, inside the console's signed-in screens. */
export function useConsole(): ConsoleContext {
  const context = useContext(SessionContext)
  if (!context) throw new Error('useConsole outside a signed-in console')
  return context
}
