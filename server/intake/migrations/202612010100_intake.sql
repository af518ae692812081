-- Intake: every inbound contact with the line. A webhook event is stored first, as received (sealed),
-- then the contact, the signal (one conversation) and its messages, all in the transaction that
-- precedes the provider's acknowledgement. Addresses and bodies are sealed with the field-encryption
-- key; a contact is found again by the blind index of its normalised address, never by the address.

create table intake_contact (
  id                uuid primary key default gen_random_uuid(),
  -- phone: an E.164 number (SMS, voice); whatsapp: a WhatsApp id as E.164; email: lower-cased address.
  kind              text not null check (kind in ('phone', 'whatsapp', 'email')),
  blind_index       text not null unique,
  address_sealed    text not null,
  -- The name the person's own app shows (WhatsApp profile), sealed; never asked for.
  display_name_sealed text,
  first_seen_at     timestamptz not null,
  last_seen_at      timestamptz not null
);

create table intake_signal (
  id                uuid primary key default gen_random_uuid(),
  channel           text not null check (channel in ('sms', 'whatsapp', 'web_chat', 'web_form', 'email', 'voice')),
  contact_id        uuid references intake_contact (id),
  languages         text[] not null default '{}',
  queue             text not null,
  advocate_id       uuid,
  status            text not null default 'queued'
                      check (status in ('queued', 'offered', 'active', 'wrap_up', 'ended', 'abandoned')),
  received_at       timestamptz not null,
  enqueued_at       timestamptz,
  offered_at        timestamptz,
  answered_at       timestamptz,
  abandoned_at      timestamptz,
  ended_at          timestamptz,
  wrap_up_ended_at  timestamptz,
  classification    text,
  -- The last sequence number given to a message of this signal; bumped under the signal's row lock.
  last_seq          integer not null default 0,
  last_message_at   timestamptz not null
);
-- A contact has at most one open conversation per channel: a new message joins it.
create unique index intake_signal_open_idx on intake_signal (contact_id, channel)
  where ended_at is null and contact_id is not null;
create index intake_signal_queue_idx on intake_signal (queue, enqueued_at) where ended_at is null;

create table intake_message (
  id                uuid primary key default gen_random_uuid(),
  signal_id         uuid not null references intake_signal (id),
  seq               integer not null check (seq > 0),
  direction         text not null check (direction in ('in', 'out')),
  body_sealed       text,
  -- Attachments as the provider announced them: [{ type, size, url, providerId }] (not fetched yet).
  media             jsonb not null default '[]',
  kind              text not null default 'text',
  provider          text not null check (provider in ('twilio', 'whatsapp', 'relais')),
  external_id       text not null,
  received_at       timestamptz not null,
  -- The provider's own time for the message, when it gives one (WhatsApp's timestamp).
  provider_sent_at  timestamptz,
  -- Outbound only: the furthest delivery status reported; callbacks out of order never move it back.
  delivery_status   text check (delivery_status in ('queued', 'sent', 'delivered', 'read', 'failed', 'undelivered')),
  delivery_error    text,
  queued_at         timestamptz,
  sent_at           timestamptz,
  delivered_at      timestamptz,
  read_at           timestamptz,
  failed_at         timestamptz,
  unique (signal_id, seq),
  unique (provider, external_id)
);

create table intake_webhook_event (
  id                uuid primary key default gen_random_uuid(),
  provider          text not null check (provider in ('twilio', 'whatsapp')),
  external_id       text not null,
  kind              text not null check (kind in ('message', 'status', 'other')),
  received_at       timestamptz not null,
  payload_sealed    text not null,
  unique (provider, external_id)
);

-- Messages accepted per sender in the current minute, to throttle a flood from one address.
create table intake_sender_rate (
  key               text primary key,
  window_started_at timestamptz not null,
  count             integer not null
);
