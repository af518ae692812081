import type { RelaisModule } from '../modules.ts'
import { registerDirectorySearchRoutes } from './directory.routes.ts'

export const directoryModule: RelaisModule = {
  name: 'directory',
  registerRoutes(app, deps) {
    registerDirectorySearchRoutes(app, deps)
  },
}
