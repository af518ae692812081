import type {
  ExploiterPatch,
  LocationPatch,
  NeedCreate,
  PersonPatch,
  SafetyPatch,
  SituationPatch,
} from '../../common/contracts/cases.ts'
import type { EscalationKind } from '../../common/contracts/escalations.ts'
import type { ReferralOutcome } from '../../common/contracts/referrals.ts'
import { buildSignal, buildViewer, testAudit } from '../cases/cases.factories.ts'
import type { Viewer } from '../cases/cases.policy.ts'
import { createCasesService } from '../cases/cases.service.ts'
import type { Secrets } from '../crypto/secrets.ts'
import type { Database } from '../db/database.ts'
import type { Channel } from '../intake/intake.tables.ts'

/**
 * Cases for the extract's tests, written through the cases service (sections, people, exploiters,
 * needs, notes, each sealed where the service seals it), with referrals and escalations written
 * straight to their tables.
 */

export interface CaseSpec {
  openedAt?: Date
  channel?: Channel
  safety?: SafetyPatch
  situation?: SituationPatch
  location?: LocationPatch
  people?: PersonPatch[]
  exploiters?: ExploiterPatch[]
  /** Needs: `person` is the index in `people` of whom it is for (none: the case's). */
  needs?: (Omit<NeedCreate, 'personId' | 'status'> & { person?: number })[]
  notes?: string[]
  referrals?: {
    status: ReferralOutcome
    person?: number
    alias?: string
    emailTo?: string
    handoff?: string
  }[]
  escalations?: { kind: EscalationKind; cancelled?: boolean; agencyPhone?: string; reference?: string }[]
}

export interface CreatedCase {
  caseId: string
  caseNumber: string
  personIds: string[]
  signalId: string
}

export async function caseBuilder(database: Database, secrets: Secrets) {
  let clock = new Date()
  const cases = createCasesService({ database, secrets, now: () => clock })
  const advocate: Viewer = await buildViewer(database, 'advocate')
  const actor = { viewer: advocate, audit: { ...testAudit, actorId: advocate.staffId } }

  return {
    advocate,
    async build(spec: CaseSpec): Promise<CreatedCase> {
      clock = spec.openedAt ?? new Date()
      const signalId = await buildSignal(database, {
        advocateId: advocate.staffId,
        channel: spec.channel ?? 'sms',
        receivedAt: clock,
      })
      const caseId = await cases.createCase(actor, signalId)
      if (spec.safety) await cases.updateSafety(actor, caseId, spec.safety)
      if (spec.situation) await cases.updateSituation(actor, caseId, spec.situation)
      if (spec.location) await cases.updateLocation(actor, caseId, spec.location)
      const personIds: string[] = []
      for (const person of spec.people ?? []) personIds.push(await cases.addPerson(actor, caseId, person))
      for (const exploiter of spec.exploiters ?? []) await cases.addExploiter(actor, caseId, exploiter)
      const needIds: string[] = []
      for (const { person, ...need } of spec.needs ?? [])
        needIds.push(
          await cases.addNeed(actor, caseId, {
            ...need,
            status: 'unmet',
            personId: person === undefined ? null : personIds[person]!,
          }),
        )
      for (const note of spec.notes ?? []) await cases.addNote(actor, caseId, note)
      const seal = (text: string | undefined) => (text ? secrets.seal(text) : null)
      for (const referral of spec.referrals ?? [])
        await database.db
          .insertInto('case_referral')
          .values({
            case_id: caseId,
            need_id: needIds[0] ?? null,
            need_kind: 'housing-emergency',
            person_id: referral.person === undefined ? null : personIds[referral.person]!,
            service_id: 'service-harbour-house',
            organization_id: 'organization-harbour-house',
            service_name_en: 'Harbour House emergency shelter',
            service_name_fr: 'Refuge d’urgence Maison du Havre',
            organization_name_en: 'Harbour House',
            organization_name_fr: 'Maison du Havre',
            service_confidential: true,
            consent_given: true,
            consent_at: clock,
            shared_fields: ['alias', 'needs'],
            alias_sealed: seal(referral.alias),
            handoff_note_sealed: seal(referral.handoff),
            status: referral.status,
            status_changed_at: clock,
            email_status: referral.emailTo ? 'pending' : 'not_requested',
            email_to: referral.emailTo ?? null,
            email_language: referral.emailTo ? 'en' : null,
            created_by: advocate.staffId,
            created_at: clock,
            updated_at: clock,
          })
          .execute()
      for (const escalation of spec.escalations ?? [])
        await database.db
          .insertInto('case_escalation')
          .values({
            case_id: caseId,
            kind: escalation.kind,
            protocol_id: 'ca-on',
            protocol_version: 1,
            status: escalation.cancelled ? 'cancelled' : 'in_progress',
            consent: 'given',
            imminent_danger: false,
            agency_name_en: 'Harbour Police Service',
            agency_phone: escalation.agencyPhone ?? null,
            report_reference_sealed: seal(escalation.reference),
            started_by: advocate.staffId,
            started_at: clock,
            cancelled_by: escalation.cancelled ? advocate.staffId : null,
            cancelled_at: escalation.cancelled ? clock : null,
            updated_at: clock,
          })
          .execute()
      const { case_number: caseNumber } = await database.db
        .selectFrom('case_file')
        .select('case_number')
        .where('id', '=', caseId)
        .executeTakeFirstOrThrow()
      return { caseId, caseNumber, personIds, signalId }
    },
  }
}
