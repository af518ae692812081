create table staff_user (
  id                uuid primary key default gen_random_uuid(),
  email             text not null,
  display_name      text not null,
  role              text not null check (role in ('advocate', 'supervisor', 'directory_manager', 'analyst', 'admin')),
  password_hash     text not null,
  -- TOTP secret, AES-256-GCM encrypted; pending until the first code confirms enrolment.
  totp_secret       text,
  mfa_enrolled_at   timestamptz,
  last_totp_step    bigint,
  locale            text not null default 'en',
  disabled_at       timestamptz,
  created_at        timestamptz not null default now(),
  updated_at        timestamptz not null default now()
);
create unique index staff_user_email_idx on staff_user (lower(email));

-- Server-side sessions. The cookie holds a random token; only its SHA-256 is stored.
create table staff_session (
  token_hash     text primary key,
  user_id        uuid not null references staff_user (id) on delete cascade,
  -- 'mfa' while the second factor is pending (enrol or verify), 'active' once it is passed.
  stage          text not null check (stage in ('mfa', 'active')),
  csrf_token     text not null,
  address        text,
  user_agent     text,
  created_at     timestamptz not null default now(),
  last_seen_at   timestamptz not null default now(),
  expires_at     timestamptz not null
);
create index staff_session_user_idx on staff_session (user_id);
create index staff_session_expiry_idx on staff_session (expires_at);

-- Failed sign-in counters, per account and per address, for progressive back-off.
create table sign_in_throttle (
  key              text primary key,
  failures         integer not null default 0,
  last_failure_at  timestamptz not null default now(),
  blocked_until    timestamptz
);
