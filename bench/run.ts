// Runs the benchmarks in bench/*.bench.ts, one after the other, and prints a table for each.
//   npx tsx bench/run.ts               every benchmark
//   npx tsx bench/run.ts auth-request  only the named ones
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { type Benchmark, formatTable, runCleanups, settings } from './harness.ts'

const benchDir = path.dirname(fileURLToPath(import.meta.url))
const SUFFIX = '.bench.ts'

function discover(): string[] {
  return readdirSync(benchDir)
    .filter((file) => file.endsWith(SUFFIX))
    .map((file) => file.slice(0, -SUFFIX.length))
    .sort()
}

async function load(name: string): Promise<Benchmark> {
  const module = (await import(pathToFileURL(path.join(benchDir, `${name}${SUFFIX}`)).href)) as {
    default?: Benchmark
  }
  const benchmark = module.default
  if (!benchmark || typeof benchmark.run !== 'function') {
    throw new Error(`bench/${name}${SUFFIX} must export default defineBenchmark({ name, description, run })`)
  }
  return benchmark
}

async function main(argv: string[]): Promise<number> {
  const available = discover()
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(`Usage: npx tsx bench/run.ts [name...]\n\nBenchmarks: ${available.join(', ') || '(none)'}`)
    return 0
  }
  const unknown = argv.filter((name) => !available.includes(name))
  if (unknown.length > 0) {
    console.error(`Unknown benchmark: ${unknown.join(', ')}. Available: ${available.join(', ') || '(none)'}`)
    return 2
  }
  const selected = argv.length > 0 ? argv : available
  console.log(
    `Node ${process.version}, ${settings.connections} connections, ${settings.durationMs} ms per measurement after ${settings.warmupMs} ms of warm-up`,
  )
  let failed = 0
  for (const name of selected) {
    const benchmark = await load(name)
    console.log(`\n== ${benchmark.name}: ${benchmark.description}`)
    try {
      const result = await benchmark.run()
      console.log(formatTable(result.rows))
      for (const note of result.notes) console.log(note)
    } catch (error) {
      failed += 1
      console.error(`${name} failed: ${(error as Error).stack ?? error}`)
    } finally {
      await runCleanups()
    }
  }
  return failed > 0 ? 1 : 0
}

let interrupted = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130)
    interrupted = true
    console.error(`\n${signal}: cleaning up...`)
    runCleanups().finally(() => process.exit(130))
  })
}

const code = await main(process.argv.slice(2))
// Everything a benchmark opened has been closed by its cleanups; exit even if a library keeps a
// timer alive, so the command always ends by itself.
process.exit(code)
