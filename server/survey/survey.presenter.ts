import type {
  CampaignSummary,
  Recipient,
  SurveyEntry,
  SurveyResponse,
} from '../../common/contracts/survey.ts'
import type { CampaignCounts, CampaignRow, ResponseRow } from './survey.store.ts'

const iso = (value: Date | null) => (value ? value.toISOString() : null)

/** A campaign as the console lists it; only managers reach these routes, so they may send it. */
export function presentCampaign(
  row: CampaignRow,
  counts: CampaignCounts,
  mailConfigured: boolean,
): CampaignSummary {
  return {
    id: row.id,
    title: row.title,
    message: { en: row.message_en, fr: row.message_fr },
    validityDays: row.validity_days,
    province: row.province,
    includeAgencies: row.include_agencies,
    createdAt: row.created_at.toISOString(),
    counts,
    abilities: { send: mailConfigured && (counts.pending > 0 || counts.failed > 0) },
  }
}

export function presentRecipient(row: {
  id: string
  organization_id: string
  name_en: string | null
  name_fr: string | null
  email: string
  language: 'en' | 'fr'
  status: Recipient['status']
  attempts: number
  last_error: string | null
  sent_at: Date | null
  expires_at: Date | null
  opened_at: Date | null
  used_at: Date | null
}): Recipient {
  return {
    id: row.id,
    organizationId: row.organization_id,
    organizationName: { en: row.name_en, fr: row.name_fr },
    email: row.email,
    language: row.language,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    sentAt: iso(row.sent_at),
    // A link only exists once the mail server took it.
    expiresAt: row.status === 'sent' ? iso(row.expires_at) : null,
    openedAt: iso(row.opened_at),
    usedAt: iso(row.used_at),
  }
}

export function presentResponse(
  row: ResponseRow,
  note: string | null,
  current: SurveyEntry | null,
  _viewer: { userId: string },
): SurveyResponse {
  const pending = row.review_status === 'pending'
  return {
    id: row.id,
    recipientId: row.recipient_id,
    organizationId: row.organization_id,
    organizationName: { en: row.name_en, fr: row.name_fr },
    submittedAt: row.submitted_at.toISOString(),
    language: row.language,
    answer: {
      unchanged: row.answer.unchanged,
      services: row.answer.services.map((s) => ({
        serviceId: s.serviceId,
        status: s.status,
        hours: s.hours ?? null,
      })),
      phone: row.answer.phone ?? null,
    },
    note,
    current,
    reviewStatus: row.review_status,
    outcome: row.outcome,
    reviewedAt: iso(row.reviewed_at),
    reviewNote: row.review_note,
    abilities: { approve: pending, reject: pending },
  }
}
