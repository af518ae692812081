// Starts a throwaway PostgreSQL cluster for tests and benchmarks: a temporary folder, a loopback
// port, a socket folder of its own, trust authentication. Debian's initdb refuses to run as root,
// so as root the cluster runs as the unprivileged "postgres" user.
import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'

function pgBinDir() {
  const root = '/usr/lib/postgresql'
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : []
  if (versions.length === 0) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql')
  return path.join(root, versions[0], 'bin')
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
    server.on('error', reject)
  })
}

const isRoot = process.getuid?.() === 0

function run(bin, args) {
  const command = isRoot ? 'runuser' : bin
  const fullArgs = isRoot ? ['-u', 'postgres', '--', bin, ...args] : args
  const result = spawnSync(command, fullArgs, { encoding: 'utf8' })
  if (result.status !== 0) {
    throw new Error(`${path.basename(bin)} failed (${result.status}):\n${result.stdout}\n${result.stderr}`)
  }
  return result.stdout
}

/** Starts a cluster and returns its URL and a stop function. */
export async function startCluster({ port } = {}) {
  const bin = pgBinDir()
  const base = mkdtempSync(path.join(tmpdir(), 'relais-pg-'))
  chmodSync(base, 0o777)
  if (isRoot) execFileSync('chown', ['postgres:postgres', base])
  const dataDir = path.join(base, 'data')
  const socketDir = base
  const listenPort = port ?? (await freePort())
  run(path.join(bin, 'initdb'), [
    '-D',
    dataDir,
    '-A',
    'trust',
    '-U',
    'postgres',
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
    '--no-sync',
  ])
  run(path.join(bin, 'pg_ctl'), [
    '-D',
    dataDir,
    '-l',
    path.join(base, 'server.log'),
    '-w',
    '-o',
    `-p ${listenPort} -k ${socketDir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`,
    'start',
  ])
  const url = `postgresql://postgres@127.0.0.1:${listenPort}/postgres`
  let stopped = false
  return {
    url,
    port: listenPort,
    stop() {
      if (stopped) return
      stopped = true
      try {
        run(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop'])
      } finally {
        rmSync(base, { recursive: true, force: true })
      }
    },
  }
}
