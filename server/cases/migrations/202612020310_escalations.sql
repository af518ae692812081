-- Escalations by protocol. A protocol is versioned data per province or territory: the shipped
-- defaults are files (server/cases/protocols/shipped/), and an admin adds versions here; a version is
-- never edited, only superseded. An escalation keeps the protocol id and version it was started
-- under, who did what and when, and a copy of the agency it went to as the directory named it then.
-- Free text (notes, the imminent danger, the report reference, the reasons) is sealed.

create table case_protocol (
  id                uuid primary key default gen_random_uuid(),
  protocol_id       text not null check (protocol_id ~ '^[a-z]{2}-[a-z]{2}$'),
  version           integer not null check (version > 0),
  effective_from    date not null,
  -- The protocol document, as validated by the schema in common/contracts/escalations.ts.
  document          jsonb not null,
  created_by        uuid references staff_user (id),
  created_at        timestamptz not null,
  unique (protocol_id, version)
);

create table case_escalation (
  id                uuid primary key default gen_random_uuid(),
  case_id           uuid not null references case_file (id) on delete cascade,
  kind              text not null check (kind in ('child_protection', 'law_enforcement_tip', 'emergency_dispatch')),
  protocol_id       text not null,
  protocol_version  integer not null,
  status            text not null default 'in_progress' check (status in ('in_progress', 'completed', 'cancelled')),
  consent           text not null check (consent in ('given', 'refused', 'not_asked')),
  imminent_danger   boolean not null,
  imminent_danger_note_sealed text,
  -- The position of the next step to complete (0-based); equal to the step count once all are done.
  next_step         integer not null default 0 check (next_step >= 0),
  -- To whom: copied from the directory when the agency was contacted.
  agency_id         text,
  agency_kind       text,
  agency_name_en    text,
  agency_name_fr    text,
  agency_phone      text,
  contacted_at      timestamptz,
  -- What was shared: the names of the facts (shareableFields), never their values.
  shared_fields     text[] not null default '{}',
  report_reference_sealed text,
  outcome           text check (outcome in ('reported', 'assistance_dispatched', 'no_action_taken', 'unreachable', 'other')),
  outcome_note_sealed text,
  started_by        uuid not null references staff_user (id),
  started_at        timestamptz not null,
  completed_by      uuid references staff_user (id),
  completed_at      timestamptz,
  cancelled_by      uuid references staff_user (id),
  cancelled_at      timestamptz,
  cancel_reason_sealed text,
  review_status     text not null default 'not_required'
                      check (review_status in ('not_required', 'pending', 'approved', 'returned')),
  reviewed_by       uuid references staff_user (id),
  reviewed_at       timestamptz,
  review_note_sealed text,
  updated_at        timestamptz not null,
  check ((status = 'completed') = (completed_at is not null and outcome is not null)),
  check ((status = 'cancelled') = (cancelled_at is not null))
);
-- One escalation of a kind in progress per case at a time: two advocates cannot start the same one.
create unique index case_escalation_open_idx on case_escalation (case_id, kind) where status = 'in_progress';
create index case_escalation_case_idx on case_escalation (case_id, started_at);
create index case_escalation_review_idx on case_escalation (completed_at) where review_status = 'pending';

-- The people an escalation concerns: a completed child-protection report covers them at closing.
create table case_escalation_person (
  escalation_id     uuid not null references case_escalation (id) on delete cascade,
  person_id         uuid not null references case_person (id) on delete cascade,
  primary key (escalation_id, person_id)
);
create index case_escalation_person_idx on case_escalation_person (person_id);

-- Each step done, in the protocol's order: position n exists only once positions 0..n-1 do.
create table case_escalation_step (
  id                uuid primary key default gen_random_uuid(),
  escalation_id     uuid not null references case_escalation (id) on delete cascade,
  position          integer not null check (position >= 0),
  step_id           text not null,
  action            text not null check (action in ('confirm', 'share', 'contact', 'reference')),
  completed_by      uuid not null references staff_user (id),
  completed_at      timestamptz not null,
  note_sealed       text,
  unique (escalation_id, position)
);
