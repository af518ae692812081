import type { Secrets } from '../../crypto/secrets.ts'
import { advanceStatus, type StatusReport } from '../intake.service.ts'
import { type Db, findOutboundMessage, updateDeliveryStatus } from '../intake.store.ts'
import { twilioEvent, whatsappEvent } from '../intake.webhooks.ts'
import { parseForm } from '../twilio-signature.ts'

/** How far back, before its send began, a callback about a message is looked for (clock skew). */
export const EARLY_STATUS_MARGIN_MS = 5 * 60_000

/** A LIKE pattern matching `text` literally. */
const literal = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`)

/**
 * Status callbacks about this provider id that arrived before the id was recorded on its message:
 * the provider may report "sent" or "delivered" before its answer to the send reaches Relais. The
 * webhook kept them (every delivery is stored as received) but found no message to update; they are
 * read back here from the stored events of the send's time.
 */
async function earlyStatuses(
  trx: Db,
  secrets: Secrets,
  provider: 'twilio' | 'whatsapp',
  externalId: string,
  since: Date,
): Promise<StatusReport[]> {
  const id = literal(externalId)
  const events = await trx
    .selectFrom('intake_webhook_event')
    .select(['payload_sealed', 'received_at'])
    .where('provider', '=', provider)
    .where('kind', '=', 'status')
    .where('received_at', '>=', since)
    .where((eb) =>
      provider === 'twilio'
        ? // A Twilio status event's id is "<MessageSid>:<status>".
          eb('external_id', 'like', `${id}:%`)
        : // A WhatsApp notification's id lists its items ("<wamid>:<status>,…"), or hashes a long list.
          eb.or([eb('external_id', 'like', `%${id}:%`), eb('external_id', 'like', 'sha256:%')]),
    )
    .orderBy('received_at')
    .execute()
  const reports: StatusReport[] = []
  for (const event of events) {
    try {
      const raw = secrets.open(event.payload_sealed)
      const parsed =
        provider === 'twilio'
          ? twilioEvent(parseForm(raw), raw, new Date(event.received_at))
          : whatsappEvent(raw)
      reports.push(...parsed.statuses.filter((status) => status.externalId === externalId))
    } catch {
      // An event sealed under a retired key, or one the webhook refused to parse: nothing to apply.
    }
  }
  return reports
}

/**
 * Applies callbacks that came before the message carried its provider id, each moving the status
 * forward only. Returns whether anything changed. Run in the transaction that records the id, and
 * once more after it commits, for a callback whose own transaction straddled that commit.
 */
export async function applyEarlyStatuses(
  trx: Db,
  secrets: Secrets,
  message: { provider: 'twilio' | 'whatsapp'; externalId: string; since: Date },
): Promise<boolean> {
  const reports = await earlyStatuses(trx, secrets, message.provider, message.externalId, message.since)
  if (reports.length === 0) return false
  const row = await findOutboundMessage(trx, message.provider, message.externalId)
  if (!row) return false
  let current = row.delivery_status
  let changed = false
  for (const report of reports) {
    const status = advanceStatus(current, report.status)
    await updateDeliveryStatus(trx, row.id, {
      status,
      reported: report.status,
      at: report.at,
      error: report.error,
    })
    if (status) {
      current = status
      changed = true
    }
  }
  return changed
}
