-- Attachments of inbound messages (SMS/WhatsApp media fetched from the provider, email attachments),
-- sealed like bodies. Type and size are checked against the limits before anything is stored.
create table intake_attachment (
  id                uuid primary key default gen_random_uuid(),
  message_id        uuid not null references intake_message (id),
  content_type      text not null,
  size_bytes        integer not null check (size_bytes >= 0),
  sha256            text not null,
  filename_sealed   text,
  content_sealed    text not null,
  stored_at         timestamptz not null
);
create index intake_attachment_message_idx on intake_attachment (message_id);
