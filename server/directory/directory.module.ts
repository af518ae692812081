import type { RelaisModule } from '../modules.ts'

export const directoryModule: RelaisModule = {
  name: 'directory',
  registerRoutes() {},
}
