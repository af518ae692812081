-- Routing: advocates' presence, offers, and what a signal needs of the advocate who takes it.
-- A signal waits in a queue named "<channel group>.<language>" (voice.fr, messaging.en, email.en,
-- form.en); after its interpreter fallback time passes, any available advocate may take it with an
-- interpreter. Assignment locks the signal and the advocate (FOR UPDATE SKIP LOCKED), so no signal is
-- ever offered to two advocates, whichever process assigns it.

alter table intake_signal
  -- The language of the conversation with the line (en or fr) and the one the person prefers,
  -- which may call for an interpreter.
  add column language text not null default 'en',
  add column preferred_language text,
  -- A skill the advocate must hold (for instance youth), when the signal needs one.
  add column skill text,
  -- "I am in danger now": served before everyone else.
  add column in_danger boolean not null default false,
  -- From this time on, an advocate who does not speak preferred_language may take the signal, with an
  -- interpreter.
  add column fallback_at timestamptz,
  add column interpreter_needed boolean not null default false,
  -- A transfer or reassignment to one colleague: only they are offered the signal, until it times out.
  add column target_advocate_id uuid references staff_user (id),
  -- A web chat visitor proves it is them with a random token; only its SHA-256 is kept.
  add column visitor_token_hash text unique,
  add column safe_to_chat text check (safe_to_chat in ('yes', 'no', 'unsure'));

alter table intake_signal add constraint intake_signal_classification_check
  check (classification is null or classification in
    ('trafficking', 'non_trafficking_concern', 'information_request', 'other'));

create index intake_signal_waiting_idx on intake_signal (in_danger desc, enqueued_at) where status = 'queued';
create index intake_signal_advocate_idx on intake_signal (advocate_id) where status in ('offered', 'active', 'wrap_up');
create index intake_signal_contact_idx on intake_signal (contact_id, received_at);

-- Messages may also be an advocate's internal note (a transfer note): never sent to the person.
alter table intake_message drop constraint intake_message_direction_check;
alter table intake_message add constraint intake_message_direction_check
  check (direction in ('in', 'out', 'note'));
alter table intake_message add column author_id uuid references staff_user (id);

create table intake_presence (
  staff_id          uuid primary key references staff_user (id) on delete cascade,
  state             text not null check (state in ('available', 'busy', 'wrap_up', 'away')),
  languages         text[] not null default '{}',
  skills            text[] not null default '{}',
  state_since       timestamptz not null,
  -- Who waited longest since their last offer is offered first.
  last_offered_at   timestamptz
);

create table intake_offer (
  id                uuid primary key default gen_random_uuid(),
  signal_id         uuid not null references intake_signal (id),
  advocate_id       uuid not null references staff_user (id),
  offered_at        timestamptz not null,
  expires_at        timestamptz not null,
  outcome           text check (outcome in ('accepted', 'declined', 'expired', 'withdrawn')),
  decided_at        timestamptz
);
-- At most one open offer per signal.
create unique index intake_offer_open_idx on intake_offer (signal_id) where outcome is null;
create index intake_offer_signal_idx on intake_offer (signal_id, advocate_id);
