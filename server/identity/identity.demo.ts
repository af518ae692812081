import { roles } from '../../common/permissions.ts'
import type { DemoContext } from '../demo/demo.ts'
import { demoTotpSecret } from './credentials.ts'
import { countUsers } from './identity.store.ts'

const words = [
  'harbour',
  'maple',
  'lantern',
  'prairie',
  'tundra',
  'beacon',
  'cedar',
  'aurora',
  'river',
  'granite',
]

const DEMO_DOMAIN = 'demo.relais.test'
export const demoEmail = (role: string) => `${role.replace('_', '-')}@${DEMO_DOMAIN}`
export const isDemoEmail = (email: string) => email.trim().toLowerCase().endsWith(`@${DEMO_DOMAIN}`)

/**
 * One demo account per role, with a password and TOTP secret derived from the seed. The secret is
 * pending: the first sign-in shows it as a QR code and asks for a first code, like any new account.
 */
export async function seedDemoStaff(context: DemoContext) {
  // Derived from the seed, so the same credentials are printed again on later starts.
  const alreadySeeded = (await countUsers(context.database.db)) > 0
  const lines = ['Demo staff accounts (demo mode only; first sign-in enrols MFA with the secret shown):']
  for (const role of roles) {
    const password = `${context.random.pick(words)}-${context.random.pick(words)}-${context.random.int(1000, 9999)}`
    const totpSecret = demoTotpSecret(`${context.seed}:${role}`)
    const displayName = `Demo ${role.replace('_', ' ')}`
    if (!alreadySeeded)
      await context.identity.createUser(
        { email: demoEmail(role), displayName, role, password, locale: 'en', totpSecret },
        context.audit,
      )
    lines.push(`  ${role.padEnd(18)} ${demoEmail(role).padEnd(34)} ${password.padEnd(26)} TOTP ${totpSecret}`)
  }
  context.report.push(...lines)
}
