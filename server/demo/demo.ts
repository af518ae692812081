import type { AuditContext } from '../audit/audit.store.ts'
import type { Secrets } from '../crypto/secrets.ts'
import type { Database } from '../db/database.ts'
import type { IdentityService } from '../identity/identity.service.ts'
import type { RelaisModule } from '../modules.ts'

/** A small, fast, seeded pseudo-random generator (mulberry32): the same seed gives the same data. */
export function seededRandom(seed: number) {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  }
}
export type Random = ReturnType<typeof seededRandom>

/** One of the weights' keys, drawn in proportion to its weight. */
export function choose<K extends string>(random: Random, weights: Partial<Record<K, number>>): K {
  const entries = Object.entries(weights) as [K, number][]
  let roll = random.next() * entries.reduce((sum, [, weight]) => sum + weight, 0)
  for (const [value, weight] of entries) {
    roll -= weight
    if (roll < 0) return value
  }
  return entries[entries.length - 1]![0]
}

export interface DemoContext {
  database: Database
  secrets: Secrets
  identity: IdentityService
  random: Random
  seed: number
  audit: AuditContext
  /** Lines to print once the demo data exists (credentials, counts). */
  report: string[]
}

/**
 * Fills an empty database with demo data, module by module, in a fixed order. Each module gets the
 * same seeded generator, so a seed always gives the same data.
 */
export async function seedDemo(
  modules: RelaisModule[],
  context: Omit<DemoContext, 'random' | 'report' | 'audit'>,
): Promise<string[]> {
  const full: DemoContext = {
    ...context,
    random: seededRandom(context.seed),
    report: [],
    audit: { actorId: null, actorLabel: 'demo-generator', address: null, requestId: null },
  }
  for (const module of modules) {
    if (module.seedDemo) await module.seedDemo(full)
  }
  return full.report
}
