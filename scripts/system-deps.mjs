// Installs the Debian packages the tests need when the machine lacks them: a PostgreSQL server with
// PostGIS (the throwaway test cluster), Chromium (browser tests), the DejaVu fonts the PDF reports
// are set in and poppler's tools that read those PDFs back. Idempotent: on a machine that has them
// it only looks.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'

const pgRoot = '/usr/lib/postgresql'

function serverVersions() {
  if (!existsSync(pgRoot)) return []
  return readdirSync(pgRoot)
    .filter((version) => existsSync(path.join(pgRoot, version, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a))
}

const hasPostgis = (version) => existsSync(`/usr/share/postgresql/${version}/extension/postgis.control`)
export const chromiumPath = process.env.RELAIS_CHROMIUM ?? '/usr/bin/chromium'
/** A file each further package installs, by package. */
const packageFiles = {
  'fonts-dejavu-core': '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  'poppler-utils': '/usr/bin/pdftotext',
}

/** What is missing, as Debian package names (empty when all is there). */
export function missingPackages() {
  const missing = []
  const [version] = serverVersions()
  if (!version) missing.push('postgresql')
  if (!version || !hasPostgis(version)) missing.push(`postgresql-${version ?? '15'}-postgis-3`)
  if (!existsSync(chromiumPath)) missing.push('chromium')
  for (const [name, file] of Object.entries(packageFiles)) if (!existsSync(file)) missing.push(name)
  return missing
}

function aptGet(args) {
  const asRoot = process.getuid?.() === 0
  const command = asRoot ? 'apt-get' : 'sudo'
  const result = spawnSync(command, asRoot ? args : ['apt-get', ...args], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  })
  if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${result.status})`)
}

export function ensureSystemPackages() {
  const missing = missingPackages()
  if (missing.length === 0) return
  console.log(`Installing Debian packages the tests need: ${missing.join(' ')}`)
  aptGet(['update'])
  aptGet(['install', '-y', '--no-install-recommends', ...missing])
  const still = missingPackages()
  if (still.length > 0) throw new Error(`still missing after install: ${still.join(' ')}`)
}

if (import.meta.url === `file://${process.argv[1]}`) ensureSystemPackages()
