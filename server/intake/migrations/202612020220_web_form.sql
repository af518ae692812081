-- The public web form: what a submission adds beyond its signal and message, the proofs of work
-- already spent, and the per-address back-off. Nothing here holds a client's address: the throttle
-- is keyed by a keyed hash of it, and a submission keeps none.

create table intake_form_submission (
  id                  uuid primary key default gen_random_uuid(),
  signal_id           uuid not null references intake_signal (id),
  message_id          uuid not null unique references intake_message (id),
  -- The short code the person was shown and may quote when they call (not the signal's id).
  reference           text not null unique,
  kind                text not null check (kind in ('concern', 'help', 'information')),
  anonymous           boolean not null,
  -- Name, telephone and email as the person gave them (JSON, sealed), when they gave any.
  contact_sealed      text,
  -- How and when it is safe to reach them, whether a message may be left, the safe word (JSON, sealed).
  safe_contact_sealed text,
  submitted_at        timestamptz not null
);
create index intake_form_submission_signal_idx on intake_form_submission (signal_id);

-- Each challenge answers one submission: its nonce is kept until the challenge expires.
create table intake_form_spent_challenge (
  nonce             text primary key,
  expires_at        timestamptz not null
);
create index intake_form_spent_challenge_expiry_idx on intake_form_spent_challenge (expires_at);

-- Submissions per client address (keyed hash), for a progressive back-off; the shared back-off
-- counter (server/db/throttle.ts) counts them in `failures`.
create table intake_form_throttle (
  key               text primary key,
  failures          integer not null default 0,
  last_failure_at   timestamptz not null default now(),
  blocked_until     timestamptz
);
