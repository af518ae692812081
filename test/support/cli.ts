import { afterEach, beforeEach } from 'vitest'
import { main } from '../../server/cli/main.ts'

/** Runs `relais <argv>` in this process, capturing what it prints. */
export async function runRelais(...argv: string[]) {
  const stdout: string[] = []
  const stderr: string[] = []
  const out = {
    log: (...parts: unknown[]) => stdout.push(parts.join(' ')),
    error: (...parts: unknown[]) => stderr.push(parts.join(' ')),
  } as unknown as Console
  const code = await main(argv, out)
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') }
}

/**
 * Gives each test of the file an environment for the CLI: the `keys` are cleared, then `values()`
 * set; the real environment comes back after each test.
 */
export function withCliEnvironment(keys: readonly string[], values: () => Record<string, string>) {
  let saved: Record<string, string | undefined> = {}
  beforeEach(() => {
    const set = values()
    const managed = [...new Set([...keys, ...Object.keys(set)])]
    saved = Object.fromEntries(managed.map((key) => [key, process.env[key]]))
    for (const key of managed) delete process.env[key]
    Object.assign(process.env, set)
  })
  afterEach(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
  })
}
