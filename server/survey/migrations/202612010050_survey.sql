-- Status surveys of the directory: a campaign asks every provider, by email, whether its hours,
-- remote service and intake of new referrals changed. Each recipient gets a one-time link whose
-- token is never stored, only its SHA-256; an answer is a proposed change until a directory manager
-- approves it.

create table survey_campaign (
  id                uuid primary key default gen_random_uuid(),
  title             text not null,
  message_en        text not null,
  message_fr        text not null,
  validity_days     integer not null check (validity_days between 1 and 90),
  province          text,
  include_agencies  boolean not null default false,
  created_by        uuid not null,
  created_at        timestamptz not null default now()
);

create table survey_recipient (
  id                uuid primary key default gen_random_uuid(),
  campaign_id       uuid not null references survey_campaign (id) on delete cascade,
  organization_id   text not null references directory_organization (id) on delete cascade,
  email             text not null,
  language          text not null check (language in ('en', 'fr')),
  -- pending: never tried; sending: handed to the mail server, answer not yet recorded; sent: the
  -- mail server accepted it; failed: it refused or could not be reached (retried on the next send).
  status            text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'failed')),
  token_hash        text unique,
  expires_at        timestamptz,
  attempts          integer not null default 0,
  last_error        text,
  last_attempt_at   timestamptz,
  sent_at           timestamptz,
  opened_at         timestamptz,
  used_at           timestamptz,
  unique (campaign_id, organization_id)
);
create index survey_recipient_campaign_idx on survey_recipient (campaign_id, status);

create table survey_response (
  id                uuid primary key default gen_random_uuid(),
  recipient_id      uuid not null unique references survey_recipient (id) on delete cascade,
  campaign_id       uuid not null references survey_campaign (id) on delete cascade,
  organization_id   text not null references directory_organization (id) on delete cascade,
  -- The proposed change: { unchanged, services: [{ serviceId, status, hours }], phone }.
  answer            jsonb not null,
  -- Free text from the provider, sealed with the field-encryption key.
  note_sealed       text,
  language          text not null check (language in ('en', 'fr')),
  submitted_at      timestamptz not null default now(),
  review_status     text not null default 'pending' check (review_status in ('pending', 'approved', 'rejected')),
  outcome           text check (outcome in ('confirmed', 'changed')),
  reviewed_by       uuid,
  reviewed_at       timestamptz,
  review_note       text
);
create index survey_response_campaign_idx on survey_response (campaign_id, review_status);

-- Failed look-ups of survey links per caller address, to slow down guessing.
create table survey_link_throttle (
  key               text primary key,
  failures          integer not null default 0,
  last_failure_at   timestamptz not null default now(),
  blocked_until     timestamptz
);
