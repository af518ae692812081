-- Conversations opened per visitor address (a keyed hash, never the address), for a back-off when one
-- address opens too many: the chat stays open to everyone else.
create table intake_chat_throttle (
  key               text primary key,
  failures          integer not null default 0,
  last_failure_at   timestamptz not null default now(),
  blocked_until     timestamptz
);
