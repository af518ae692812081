import type { z } from 'zod'
import type {
  EscalationKind,
  EscalationView,
  kindEvaluation,
  ProtocolStep,
  protocolSummary,
  ShareableField,
} from '../../../common/contracts/escalations.ts'
import type { Secrets } from '../../crypto/secrets.ts'
import type { Translator } from '../../http/i18n.ts'
import type { StoredProtocol } from './catalogue.ts'
import type { EscalationDetail } from './escalations.store.ts'
import type { KindEvaluation } from './evaluate.ts'

export type Lang = 'en' | 'fr'
/** The language of bilingual data (protocol labels, agency names) for a caller's locale. */
export const dataLanguage = (locale: string, explicit?: Lang): Lang =>
  explicit ?? (locale === 'fr' ? 'fr' : 'en')

const iso = (value: Date | null) => (value ? value.toISOString() : null)
const pick = (lang: Lang, en: string | null, fr: string | null) =>
  (lang === 'fr' ? (fr ?? en) : (en ?? fr)) ?? null

function presentStep(step: ProtocolStep, lang: Lang) {
  return { id: step.id, action: step.action, label: step.label[lang], help: step.help?.[lang] ?? null }
}

export function presentProtocol(protocol: StoredProtocol, lang: Lang): z.infer<typeof protocolSummary> {
  const { document } = protocol
  return {
    id: document.id,
    version: document.version,
    effectiveFrom: document.effectiveFrom,
    name: document.name[lang],
    source: protocol.source,
  }
}

/** A kind's verdict with its reasons worded in the caller's language and the protocol's steps. */
export function presentEvaluation(
  evaluation: KindEvaluation,
  protocol: StoredProtocol | null,
  translator: Translator,
  locale: string,
  lang: Lang,
): z.infer<typeof kindEvaluation> {
  const rule = protocol?.document.escalations[evaluation.kind]
  return {
    kind: evaluation.kind,
    verdict: evaluation.verdict,
    reasons: evaluation.reasons.map((reason) => ({
      ...reason,
      message: translator.t(locale, `escalations:reason.${reason.code}`, reason.values),
    })),
    personIds: evaluation.personIds,
    steps: rule ? rule.steps.map((step) => presentStep(step, lang)) : [],
    supervisorReview: rule?.supervisorReview ?? false,
  }
}

/**
 * An escalation as staff see it: sealed text opened, the agency named in the caller's language as
 * the directory named it when it was contacted, and each of the protocol version's steps with
 * whether it is done.
 */
export function presentEscalation(
  { row, personIds, steps: done }: EscalationDetail,
  protocol: StoredProtocol,
  secrets: Secrets,
  lang: Lang,
): EscalationView {
  const open = (sealed: string | null) => (sealed === null ? null : secrets.open(sealed))
  const steps = protocol.document.escalations[row.kind as EscalationKind].steps
  const agencyName = pick(lang, row.agency_name_en, row.agency_name_fr)
  return {
    id: row.id,
    caseId: row.case_id,
    kind: row.kind,
    protocol: { id: row.protocol_id, version: row.protocol_version },
    status: row.status,
    personIds,
    consent: row.consent,
    imminentDanger: row.imminent_danger,
    imminentDangerNote: open(row.imminent_danger_note_sealed),
    startedBy: row.started_by,
    startedAt: row.started_at.toISOString(),
    agency:
      row.agency_id && agencyName
        ? {
            id: row.agency_id,
            name: agencyName,
            kind: row.agency_kind as NonNullable<EscalationView['agency']>['kind'],
            phone: row.agency_phone,
          }
        : null,
    contactedAt: iso(row.contacted_at),
    sharedFields: row.shared_fields as ShareableField[],
    reportReference: open(row.report_reference_sealed),
    outcome: row.outcome,
    outcomeNote: open(row.outcome_note_sealed),
    completedBy: row.completed_by,
    completedAt: iso(row.completed_at),
    cancelReason: open(row.cancel_reason_sealed),
    review: {
      status: row.review_status,
      by: row.reviewed_by,
      at: iso(row.reviewed_at),
      note: open(row.review_note_sealed),
    },
    steps: steps.map((step, position) => {
      const record = done.find((d) => d.position === position)
      return {
        ...presentStep(step, lang),
        done: record !== undefined,
        completedBy: record?.completed_by ?? null,
        completedAt: iso(record?.completed_at ?? null),
        note: open(record?.note_sealed ?? null),
      }
    }),
    nextStepId: row.status === 'in_progress' ? (steps[row.next_step]?.id ?? null) : null,
  }
}
