import type { RelaisModule } from '../modules.ts'
import { seedDemoDirectory } from './demo/seed.ts'
import { registerDirectoryCurationRoutes } from './directory.curation.routes.ts'
import { registerDirectorySearchRoutes } from './directory.routes.ts'
import { registerHsdsRoutes } from './hsds/routes.ts'

export const directoryModule: RelaisModule = {
  name: 'directory',
  registerRoutes(app, deps) {
    registerHsdsRoutes(app, deps)
    registerDirectorySearchRoutes(app, deps)
    registerDirectoryCurationRoutes(app, deps)
  },
  seedDemo: seedDemoDirectory,
}
