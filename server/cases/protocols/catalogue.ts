import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { z } from 'zod'
import { type ProtocolDocument, protocolDocument } from '../../../common/contracts/escalations.ts'

/** A protocol version as Relais knows it: shipped as a file in `shipped/`, or added by an admin. */
export interface StoredProtocol {
  document: ProtocolDocument
  source: 'shipped' | 'admin'
}

const shippedDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'shipped')
const FILE_NAME = /^([a-z]{2}-[a-z]{2})\.v(\d+)\.json$/

export class ProtocolFileError extends Error {}

/** The first problems of a document that does not match the protocol schema, as "path: code". */
export function describeIssues(issues: z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ')
}

/**
 * Reads and validates every shipped protocol. A file that does not match the schema, or whose name
 * disagrees with its id and version, stops the server at start rather than mislead an advocate later.
 */
export function loadShippedProtocols(dir = shippedDir): ProtocolDocument[] {
  const documents: ProtocolDocument[] = []
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.json')) continue
    const named = FILE_NAME.exec(file)
    if (!named) throw new ProtocolFileError(`${file}: protocol files are named <id>.v<version>.json`)
    const parsed = protocolDocument.safeParse(JSON.parse(readFileSync(path.join(dir, file), 'utf8')))
    if (!parsed.success) throw new ProtocolFileError(`${file}: ${describeIssues(parsed.error.issues)}`)
    if (parsed.data.id !== named[1] || parsed.data.version !== Number(named[2]))
      throw new ProtocolFileError(`${file}: holds ${parsed.data.id} version ${parsed.data.version}`)
    documents.push(parsed.data)
  }
  return documents
}

let shipped: ProtocolDocument[] | undefined
/** The shipped defaults, read once per process. */
export function shippedProtocols(): ProtocolDocument[] {
  shipped ??= loadShippedProtocols()
  return shipped
}

/** The protocol id of a province or territory of Canada (`ca-on`). */
export const protocolIdFor = (province: string) => `ca-${province.toLowerCase()}`

/**
 * The version in force for a province or territory on a day (YYYY-MM-DD): the highest version
 * already effective, whoever wrote it. A version that takes effect later waits its turn.
 */
export function protocolInForce(
  protocols: readonly StoredProtocol[],
  province: string | null,
  day: string,
): StoredProtocol | null {
  if (!province) return null
  const id = protocolIdFor(province)
  let best: StoredProtocol | null = null
  for (const candidate of protocols) {
    const { document } = candidate
    if (document.id !== id || document.effectiveFrom > day) continue
    if (!best || document.version > best.document.version) best = candidate
  }
  return best
}

/** One exact version, for an escalation started under it (its steps stay those it started with). */
export function protocolVersion(
  protocols: readonly StoredProtocol[],
  id: string,
  version: number,
): StoredProtocol | null {
  return protocols.find((p) => p.document.id === id && p.document.version === version) ?? null
}

/**
 * The youngest and oldest child-protection ages across the protocols in force: when a case's place
 * is not known, anyone under the first surely needs a report and anyone under the second may.
 */
export function nationalBounds(protocols: readonly StoredProtocol[], day: string) {
  const inForce = new Map<string, ProtocolDocument>()
  for (const { document } of protocols) {
    if (document.effectiveFrom > day) continue
    const known = inForce.get(document.id)
    if (!known || document.version > known.version) inForce.set(document.id, document)
  }
  const required = [...inForce.values()].map((d) => d.escalations.child_protection.reportRequiredUnder)
  const may = [...inForce.values()].map(
    (d) =>
      d.escalations.child_protection.reportMayUnder ?? d.escalations.child_protection.reportRequiredUnder,
  )
  return {
    requiredUnder: required.length > 0 ? Math.min(...required) : 18,
    mayUnder: Math.max(...required, ...may, 18),
  }
}
