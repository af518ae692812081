import type { ChatFrame, StaffMessage, VisitorState } from '../../common/contracts/intake.ts'
import type { Secrets } from '../crypto/secrets.ts'
import type { Database } from '../db/database.ts'
import type { SignalStatus } from './intake.tables.ts'

export type { ChatFrame, StaffMessage, VisitorState }

export function visitorState(status: SignalStatus): VisitorState {
  if (status === 'active') return 'connected'
  if (status === 'queued' || status === 'offered') return 'waiting'
  return 'ended'
}

/** The visitor's view after `afterSeq`: messages in and out (never internal notes), then the state. */
export async function readTranscript(
  database: Database,
  secrets: Secrets,
  signalId: string,
  afterSeq: number,
): Promise<ChatFrame[]> {
  const [signal, rows] = await Promise.all([
    database.db
      .selectFrom('intake_signal')
      .select('status')
      .where('id', '=', signalId)
      .executeTakeFirstOrThrow(),
    database.db
      .selectFrom('intake_message')
      .select(['seq', 'direction', 'body_sealed', 'received_at', 'external_id'])
      .where('signal_id', '=', signalId)
      .where('seq', '>', afterSeq)
      .where('direction', 'in', ['in', 'out'])
      .orderBy('seq')
      .execute(),
  ])
  const frames: ChatFrame[] = rows.map((row) => ({
    type: 'message',
    seq: row.seq,
    from: row.direction === 'in' ? 'visitor' : 'advocate',
    body: row.body_sealed ? secrets.open(row.body_sealed) : '',
    at: new Date(row.received_at).toISOString(),
    clientId: row.direction === 'in' ? (row.external_id.split(':')[1] ?? null) : null,
  }))
  frames.push({ type: 'state', state: visitorState(signal.status) })
  return frames
}

/** A web form's message is stored as its structured answers; staff read its text. */
function readableBody(kind: string, body: string): string {
  if (kind !== 'web_form') return body
  try {
    return (JSON.parse(body) as { text: string }).text
  } catch {
    return body
  }
}

/** The staff's view of a conversation after `afterSeq`, notes included. */
export async function readStaffMessages(
  database: Database,
  secrets: Secrets,
  signalId: string,
  afterSeq = 0,
  untilSeq: number | null = null,
): Promise<StaffMessage[]> {
  const rows = await database.db
    .selectFrom('intake_message')
    .select([
      'seq',
      'direction',
      'kind',
      'body_sealed',
      'received_at',
      'author_id',
      'delivery_status',
      'media',
    ])
    .where('signal_id', '=', signalId)
    .where('seq', '>', afterSeq)
    .$if(untilSeq !== null, (query) => query.where('seq', '<=', untilSeq as number))
    .orderBy('seq')
    .execute()
  return rows.map((row) => ({
    seq: row.seq,
    direction: row.direction,
    kind: row.kind,
    body: row.body_sealed ? readableBody(row.kind, secrets.open(row.body_sealed)) : null,
    at: new Date(row.received_at).toISOString(),
    authorId: row.author_id,
    deliveryStatus: row.delivery_status,
    media: row.media.map((item) => ({ type: item.type, size: item.size })),
  }))
}
