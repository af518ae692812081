-- The outbox: advocates' replies waiting for their channel's provider (Twilio SMS, WhatsApp Cloud API).
-- The conversation stores the outbound message (provider set, a provisional external id
-- "relais:<uuid>", delivery status 'queued') and its outbox row in one transaction; a sender worker
-- in any server process claims due rows (FOR UPDATE SKIP LOCKED), sends, and records the provider's id
-- on the message so the provider's status callbacks find it. A row is leased while its send is in
-- flight (next_attempt_at moves past the request's timeout), retried with exponential back-off, and
-- dead-lettered after too many attempts or a final refusal, for a supervisor to look at and retry.
create table intake_outbox (
  id                uuid primary key default gen_random_uuid(),
  message_id        uuid not null unique references intake_message (id),
  -- The message's conversation, so later replies of one conversation wait for the earlier ones.
  signal_id         uuid not null references intake_signal (id),
  channel           text not null check (channel in ('sms', 'whatsapp', 'web_chat', 'web_form', 'email', 'voice')),
  -- Sends tried so far (counted when a worker claims the row).
  attempts          integer not null default 0 check (attempts >= 0),
  next_attempt_at   timestamptz not null,
  -- The provider's error code and HTTP status of the last failure: never an address or a body.
  last_error        text,
  dead_at           timestamptz,
  sent_at           timestamptz,
  created_at        timestamptz not null
);
-- What the workers look for: rows still to send, soonest first.
create index intake_outbox_due_idx on intake_outbox (next_attempt_at)
  where sent_at is null and dead_at is null;
create index intake_outbox_signal_idx on intake_outbox (signal_id)
  where sent_at is null and dead_at is null;
create index intake_outbox_dead_idx on intake_outbox (dead_at) where dead_at is not null;

-- Inbound messages with media, for the fetcher's catch-up at start (media left unfetched by a crash).
create index intake_message_media_idx on intake_message (received_at)
  where direction = 'in' and media <> '[]'::jsonb;
