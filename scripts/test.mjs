// The one test command (`npm test`): installs what the tests need that the machine lacks, then
// lints, type-checks, builds the web apps (the browser tests load the built pages) and runs every
// test against a real PostgreSQL server, PGlite and headless Chromium.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { ensureSystemPackages } from './system-deps.mjs'

const bin = (name) => `node_modules/.bin/${name}`
const reportFile = '.tmp/vitest-report.json'

function step(title, command, args) {
  console.log(`\n== ${title}`)
  const started = Date.now()
  const result = spawnSync(command, args, { stdio: 'inherit' })
  console.log(
    `== ${title}: ${result.status === 0 ? 'ok' : `failed (exit ${result.status})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  )
  return result.status === 0
}

ensureSystemPackages()

let ok = step('lint and format (biome)', bin('biome'), ['check', '.'])
ok = step('type-check (tsc)', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']) && ok
ok = step('build web apps (vite)', bin('vite'), ['build', '--logLevel', 'warn']) && ok
rmSync(reportFile, { force: true })
ok = step('tests (vitest)', bin('vitest'), ['run', ...process.argv.slice(2)]) && ok

if (existsSync(reportFile)) {
  const report = JSON.parse(readFileSync(reportFile, 'utf8'))
  const failed = report.numFailedTests + (report.numRuntimeErrors ?? 0)
  console.log(`\ntests: ${report.numPassedTests} passed, ${failed} failed, ${report.numPendingTests} skipped`)
  if (report.numTotalTests === 0) ok = false
} else {
  console.log('\ntests: 0 passed, 1 failed')
  ok = false
}
process.exit(ok ? 0 : 1)
