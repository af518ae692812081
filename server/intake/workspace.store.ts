import type { Workspace } from '../../common/contracts/intake.ts'
import type { Database } from '../db/database.ts'

const iso = (value: Date | null) => (value ? new Date(value).toISOString() : null)

export async function readWorkspace(database: Database, staffId: string): Promise<Workspace> {
  const db = database.db
  const [presence, offers, conversations, colleagues] = await Promise.all([
    db.selectFrom('intake_presence').selectAll().where('staff_id', '=', staffId).executeTakeFirst(),
    db
      .selectFrom('intake_offer as o')
      .innerJoin('intake_signal as s', 's.id', 'o.signal_id')
      .select([
        'o.id',
        'o.signal_id',
        'o.expires_at',
        's.channel',
        's.language',
        's.preferred_language',
        's.in_danger',
        's.enqueued_at',
      ])
      .where('o.advocate_id', '=', staffId)
      .where('o.outcome', 'is', null)
      .orderBy('o.offered_at')
      .execute(),
    db
      .selectFrom('intake_signal')
      .select([
        'id',
        'channel',
        'status',
        'language',
        'preferred_language',
        'interpreter_needed',
        'in_danger',
        'answered_at',
        'last_seq',
        'last_message_at',
      ])
      .where('advocate_id', '=', staffId)
      .where('status', 'in', ['active', 'wrap_up'])
      .orderBy('answered_at')
      .execute(),
    db
      .selectFrom('intake_presence as p')
      .innerJoin('staff_user as u', 'u.id', 'p.staff_id')
      .select(['p.staff_id', 'u.display_name', 'p.state', 'p.languages'])
      .where('p.staff_id', '!=', staffId)
      .where('p.state', '!=', 'away')
      .where('u.disabled_at', 'is', null)
      .orderBy('u.display_name')
      .execute(),
  ])
  return {
    presence: presence
      ? {
          state: presence.state,
          languages: presence.languages,
          skills: presence.skills,
          since: new Date(presence.state_since).toISOString(),
        }
      : null,
    offers: offers.map((row) => ({
      offerId: row.id,
      signalId: row.signal_id,
      channel: row.channel,
      language: row.language,
      preferredLanguage: row.preferred_language,
      inDanger: row.in_danger,
      enqueuedAt: iso(row.enqueued_at),
      expiresAt: new Date(row.expires_at).toISOString(),
    })),
    conversations: conversations.map((row) => ({
      id: row.id,
      channel: row.channel,
      status: row.status,
      language: row.language,
      preferredLanguage: row.preferred_language,
      interpreterNeeded: row.interpreter_needed,
      inDanger: row.in_danger,
      answeredAt: iso(row.answered_at),
      lastSeq: row.last_seq,
      lastMessageAt: new Date(row.last_message_at).toISOString(),
    })),
    colleagues: colleagues.map((row) => ({
      staffId: row.staff_id,
      displayName: row.display_name,
      state: row.state,
      languages: row.languages,
    })),
  }
}
