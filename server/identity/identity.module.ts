import type { RelaisModule } from '../modules.ts'
import { seedDemoStaff } from './identity.demo.ts'
import { registerIdentityRoutes } from './identity.routes.ts'

export const identityModule: RelaisModule = {
  name: 'identity',
  registerRoutes: registerIdentityRoutes,
  seedDemo: seedDemoStaff,
}
