import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { protocolDocument } from '../../../common/contracts/escalations.ts'
import {
  loadShippedProtocols,
  nationalBounds,
  ProtocolFileError,
  protocolInForce,
  protocolVersion,
  type StoredProtocol,
} from './catalogue.ts'

const shippedDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'shipped')
const ontario = () => JSON.parse(readFileSync(path.join(shippedDir, 'ca-on.v1.json'), 'utf8'))

function folderWith(files: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'relais-protocols-'))
  for (const [name, content] of Object.entries(files))
    writeFileSync(path.join(dir, name), JSON.stringify(content))
  return dir
}

const issues = (document: unknown) => {
  const parsed = protocolDocument.safeParse(document)
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
}

describe('the protocol schema', () => {
  it('accepts every shipped file, named by its id and version', () => {
    const documents = loadShippedProtocols()
    expect(documents).toHaveLength(13)
    for (const document of documents) expect(issues(document)).toEqual([])
  })

  it('needs an id that matches the jurisdiction', () => {
    expect(issues({ ...ontario(), id: 'ca-qc' })).toEqual(['id: jurisdiction_mismatch'])
  })

  it('needs every label in English and French', () => {
    const document = ontario()
    delete document.escalations.child_protection.steps[0].label.fr
    expect(issues(document)).toEqual([
      expect.stringMatching(/^escalations\.child_protection\.steps\.0\.label\.fr: /),
    ])
  })

  it('needs a child-protection report to record whom it went to and its reference', () => {
    const document = ontario()
    document.escalations.child_protection.steps = document.escalations.child_protection.steps.filter(
      (step: { action: string }) => step.action !== 'reference',
    )
    expect(issues(document)).toEqual(['escalations.child_protection.steps: missing_step_action'])
  })

  it('refuses two steps with one id, and a discretionary age under the required one', () => {
    const document = ontario()
    const steps = document.escalations.emergency_dispatch.steps
    steps[1].id = steps[0].id
    document.escalations.child_protection.reportMayUnder = 14
    expect(issues(document).sort()).toEqual([
      'escalations.child_protection.reportMayUnder: range_inverted',
      'escalations.emergency_dispatch.steps.1.id: duplicate_step',
    ])
  })

  it('refuses a field it does not know, so a misspelt rule is never silently ignored', () => {
    const document = ontario()
    document.escalations.law_enforcement_tip.consent.imminentDangerExemption = true
    expect(issues(document)).toEqual([expect.stringMatching(/^escalations\.law_enforcement_tip\.consent: /)])
  })
})

describe('loading the shipped protocols', () => {
  it('stops on a file that does not match the schema, naming it', () => {
    const dir = folderWith({ 'ca-on.v1.json': { ...ontario(), version: 0 } })
    expect(() => loadShippedProtocols(dir)).toThrow(ProtocolFileError)
    expect(() => loadShippedProtocols(dir)).toThrow(/ca-on\.v1\.json: version/)
  })

  it('stops on a file whose name disagrees with its content', () => {
    const dir = folderWith({ 'ca-on.v2.json': ontario() })
    expect(() => loadShippedProtocols(dir)).toThrow(/ca-on\.v2\.json: holds ca-on version 1/)
  })
})

describe('the version in force', () => {
  const v1 = ontario()
  const stored = (document: Record<string, unknown>, source: StoredProtocol['source'] = 'admin') => ({
    document: protocolDocument.parse(document),
    source,
  })
  const protocols = [
    stored(v1, 'shipped'),
    stored({ ...v1, version: 2, effectiveFrom: '2027-01-01' }),
    stored({ ...v1, version: 3, effectiveFrom: '2027-06-01' }),
  ]

  it('is the highest version already effective on the day', () => {
    expect(protocolInForce(protocols, 'ON', '2026-12-31')?.document.version).toBe(1)
    expect(protocolInForce(protocols, 'ON', '2027-01-01')?.document.version).toBe(2)
    expect(protocolInForce(protocols, 'ON', '2027-07-01')?.document.version).toBe(3)
  })

  it('is none for a place without a protocol, or none in force yet', () => {
    expect(protocolInForce(protocols, 'QC', '2027-07-01')).toBeNull()
    expect(protocolInForce(protocols, null, '2027-07-01')).toBeNull()
    expect(protocolInForce(protocols, 'ON', '2025-01-01')).toBeNull()
  })

  it('keeps each version reachable for the escalations started under it', () => {
    expect(protocolVersion(protocols, 'ca-on', 2)?.document.effectiveFrom).toBe('2027-01-01')
    expect(protocolVersion(protocols, 'ca-on', 9)).toBeNull()
  })

  it('gives national bounds from what is in force', () => {
    const younger = stored({
      ...v1,
      version: 4,
      effectiveFrom: '2028-01-01',
      escalations: {
        ...v1.escalations,
        child_protection: { ...v1.escalations.child_protection, reportRequiredUnder: 14, reportMayUnder: 21 },
      },
    })
    expect(nationalBounds([...protocols, younger], '2027-01-01')).toEqual({ requiredUnder: 16, mayUnder: 18 })
    expect(nationalBounds([...protocols, younger], '2028-01-01')).toEqual({ requiredUnder: 14, mayUnder: 21 })
  })
})
