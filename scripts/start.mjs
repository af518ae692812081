// The one start command (`npm start`): builds the web apps when their sources are newer than the
// build, then serves Relais with demo data on the embedded database (unless NODE_ENV=production).
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'

function newestChange(dir) {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestChange(full) : statSync(full).mtimeMs)
  }
  return newest
}

const built = 'dist/web/index.html'
const sources = ['web', 'common', 'vite.config.ts']
const sourceTime = Math.max(
  ...sources.map((s) => (statSync(s).isDirectory() ? newestChange(s) : statSync(s).mtimeMs)),
)
if (!existsSync(built) || statSync(built).mtimeMs < sourceTime) {
  console.log('Building the web apps...')
  const result = spawnSync('node_modules/.bin/vite', ['build', '--logLevel', 'warn'], { stdio: 'inherit' })
  if (result.status !== 0) process.exit(result.status ?? 1)
}

const demo = process.env.NODE_ENV === 'production' ? [] : ['--demo']
const child = spawn(process.execPath, ['bin/relais.js', 'serve', ...demo, ...process.argv.slice(2)], {
  stdio: 'inherit',
})
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
