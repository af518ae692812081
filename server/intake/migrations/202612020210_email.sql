-- Email intake: messages received by Relais' own SMTP listener, and the replies sent to them.
-- A raw message is stored sealed as an intake_webhook_event of provider 'email'; its message as an
-- intake_message of provider 'email'. Both are keyed by the blind index of the RFC 5322 Message-ID,
-- never by the id itself: mail programs build Message-IDs from host names and sometimes from the
-- sender's own address.

alter table intake_message drop constraint intake_message_provider_check;
alter table intake_message add constraint intake_message_provider_check
  check (provider in ('twilio', 'whatsapp', 'relais', 'email'));

alter table intake_webhook_event drop constraint intake_webhook_event_provider_check;
alter table intake_webhook_event add constraint intake_webhook_event_provider_check
  check (provider in ('twilio', 'whatsapp', 'email'));

-- What threading needs of every email message of a conversation, inbound or sent by Relais: the
-- Message-ID (found by its blind index), the ids it answered (for the References of a reply), and
-- the subject (for "Re: ..."), sealed.
create table intake_email_message (
  message_id          uuid primary key references intake_message (id),
  signal_id           uuid not null references intake_signal (id),
  direction           text not null check (direction in ('in', 'out')),
  message_id_index    text not null unique,
  -- {"messageId": "...", "references": ["...", ...]}: the Message-ID and the ids it answered.
  thread_sealed       text not null,
  subject_sealed      text,
  -- The sender, when a reply in the thread came from another address than the signal's contact.
  contact_id          uuid references intake_contact (id),
  -- A reply to a conversation that had ended opens a new signal; this keeps the one it answered.
  continues_signal_id uuid references intake_signal (id),
  recorded_at         timestamptz not null
);
create index intake_email_message_signal_idx on intake_email_message (signal_id, recorded_at);
