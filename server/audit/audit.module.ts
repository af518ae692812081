import type { RelaisModule } from '../modules.ts'
import { registerAuditRoutes } from './audit.routes.ts'
import { startAuditSealer } from './audit.store.ts'

/** How often a running server seals what was recorded into the audit chain. */
const SEAL_EVERY_MS = 1000

export const auditModule: RelaisModule = {
  name: 'audit',
  registerRoutes(app, deps) {
    registerAuditRoutes(app, deps)
    let sealer: ReturnType<typeof startAuditSealer> | null = null
    app.addHook('onReady', async () => {
      sealer = startAuditSealer(deps.database.db, SEAL_EVERY_MS, (error) =>
        app.log.error({ err: error }, 'sealing the audit trail failed'),
      )
    })
    app.addHook('onClose', async () => sealer?.stop())
  },
}
