import type { RelaisModule } from '../modules.ts'
import { registerAuditRoutes } from './audit.routes.ts'

export const auditModule: RelaisModule = { name: 'audit', registerRoutes: registerAuditRoutes }
