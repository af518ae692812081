import type { RelaisModule } from '../modules.ts'
import { registerSharingRoutes } from './sharing.routes.ts'

/**
 * Data sharing: the statistics agency's de-identified, k-anonymous extract of the cases
 * (`relais extract`, `POST /api/extracts`), analysts only, each one audited.
 */
export const sharingModule: RelaisModule = {
  name: 'sharing',
  registerRoutes(app, deps) {
    registerSharingRoutes(app, deps)
  },
}
