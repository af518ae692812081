-- Cases: a trafficking situation, gathering one or many signals. Nothing about a person is required:
-- each answerable field is a nullable value beside a "<field>_answer" state (given, unknown, declined,
-- not_asked), and the value is set exactly when the state is "given" (ADR 008). Free text and
-- identifying details (safety plan, safe-contact preferences, exploiters' features, notes, closure
-- reason, break-the-glass reasons) are sealed with the field-encryption key.

create table case_number_counter (
  year              integer primary key,
  last              integer not null
);

create table case_file (
  id                uuid primary key default gen_random_uuid(),
  -- Human-readable and unique: C-<year>-<six digits>, numbered per year of creation.
  case_number       text not null unique check (case_number ~ '^C-[0-9]{4}-[0-9]{6}$'),
  status            text not null default 'open' check (status in ('open', 'closed')),
  safety_status     text not null default 'not_asked'
                      check (safety_status in ('yes', 'no', 'unsure', 'not_asked')),
  -- JSON of answers { plan, safePlace, supports }, sealed; null until a plan is written.
  safety_plan_sealed text,
  people_affected   integer check (people_affected > 0),
  people_affected_answer text not null default 'not_asked',
  trafficking_types text[],
  trafficking_types_answer text not null default 'not_asked',
  trafficking_status text,
  trafficking_status_answer text not null default 'not_asked',
  methods_of_control text[],
  methods_of_control_answer text not null default 'not_asked',
  recruitment_methods text[],
  recruitment_methods_answer text not null default 'not_asked',
  industry          text,
  industry_answer   text not null default 'not_asked',
  province          text,
  province_answer   text not null default 'not_asked',
  municipality      text,
  municipality_answer text not null default 'not_asked',
  community_size    text,
  community_size_answer text not null default 'not_asked',
  created_by        uuid references staff_user (id),
  assigned_to       uuid references staff_user (id),
  created_at        timestamptz not null,
  updated_at        timestamptz not null,
  closed_at         timestamptz,
  closed_by         uuid references staff_user (id),
  closure_reason_sealed text,
  -- The last change by anyone (reads do not count): the follow-up lists sort by it.
  last_worked_at    timestamptz not null,
  check ((status = 'closed') = (closed_at is not null)),
  check (people_affected_answer in ('given', 'unknown', 'declined', 'not_asked')
    and (people_affected_answer = 'given') = (people_affected is not null)),
  check (trafficking_types_answer in ('given', 'unknown', 'declined', 'not_asked')
    and (trafficking_types_answer = 'given') = (coalesce(cardinality(trafficking_types), 0) > 0)
    and (trafficking_types is null or cardinality(trafficking_types) > 0)),
  check (trafficking_status_answer in ('given', 'unknown', 'declined', 'not_asked')
    and (trafficking_status_answer = 'given') = (trafficking_status is not null)),
  check (methods_of_control_answer in ('given', 'unknown', 'declined', 'not_asked')
    and (methods_of_control_answer = 'given') = (coalesce(cardinality(methods_of_control), 0) > 0)
    and (methods_of_control is null or cardinality(methods_of_control) > 0)),
  check (recruitment_methods_answer in ('given', 'unknown', 'declined', 'not_asked')
    and (recruitment_methods_answer = 'given') = (coalesce(cardinality(recruitment_methods), 0) > 0)
    and (recruitment_methods is null or cardinality(recruitment_methods) > 0)),
  check (industry_answer in ('given', 'unknown', 'declined', 'not_asked')
    and (industry_answer = 'given') = (industry is not null)),
  check (province_answer in ('given', 'unknown', 'declined', 'not_asked')
    and (province_answer = 'given') = (province is not null)),
  check (municipality_answer in ('given', 'unknown', 'declined', 'not_asked')
    and (municipality_answer = 'given') = (municipality is not null)),
  check (community_size_answer in ('given', 'unknown', 'declined', 'not_asked')
    and (community_size_answer = 'given') = (community_size is not null))
);
create index case_file_worked_idx on case_file (last_worked_at desc, id);
create index case_file_assigned_idx on case_file (assigned_to) where status = 'open';

-- Who worked on a case (created it, changed it, was assigned it): the advocates who may see it.
create table case_worker (
  case_id           uuid not null references case_file (id),
  staff_id          uuid not null references staff_user (id),
  via               text not null check (via in ('created', 'worked', 'assigned')),
  first_at          timestamptz not null,
  last_worked_at    timestamptz not null,
  primary key (case_id, staff_id)
);
create index case_worker_staff_idx on case_worker (staff_id, case_id);

-- The signals (conversations) a case gathers: a person calling back, several people about one situation.
create table case_signal (
  case_id           uuid not null references case_file (id),
  signal_id         uuid not null references intake_signal (id),
  linked_by         uuid references staff_user (id),
  linked_at         timestamptz not null,
  primary key (case_id, signal_id)
);
create index case_signal_signal_idx on case_signal (signal_id);

create table case_person (
  id                uuid primary key default gen_random_uuid(),
  case_id           uuid not null references case_file (id),
  role              text check (role in ('victim', 'survivor', 'concerned_other', 'professional')),
  role_answer       text not null default 'not_asked',
  age_years         integer check (age_years between 0 and 120),
  age_band          text check (age_band in
                      ('under_12', '12_15', '16_17', '18_24', '25_34', '35_44', '45_54', '55_64', '65_plus')),
  age_answer        text not null default 'not_asked',
  gender            text,
  gender_answer     text not null default 'not_asked',
  languages         text[],
  languages_answer  text not null default 'not_asked',
  residency         text,
  residency_answer  text not null default 'not_asked',
  indigenous        text,
  indigenous_answer text not null default 'not_asked',
  two_spirit_lgbtqi boolean,
  two_spirit_lgbtqi_answer text not null default 'not_asked',
  disability        boolean,
  disability_answer text not null default 'not_asked',
  -- JSON of answers { callBack, voicemail, text, email, codeWord, safeTimes }, sealed.
  safe_contact_sealed text,
  created_by        uuid references staff_user (id),
  created_at        timestamptz not null,
  updated_at        timestamptz not null,
  check (role_answer in ('given', 'unknown', 'declined', 'not_asked')
    and (role_answer = 'given') = (role is not null)),
  check (age_answer in ('given', 'unknown', 'declined', 'not_asked')
    and (age_answer = 'given') = (age_years is not null or age_band is not null)
    and (age_years is null or age_band is null)),
  check (gender_answer in ('given', 'unknown', 'declined', 'not_asked')
    and (gender_answer = 'given') = (gender is not null)),
  check (languages_answer in ('given', 'unknown', 'declined', 'not_asked')
    and (languages_answer = 'given') = (coalesce(cardinality(languages), 0) > 0)
    and (languages is null or cardinality(languages) > 0)),
  check (residency_answer in ('given', 'unknown', 'declined', 'not_asked')
    and (residency_answer = 'given') = (residency is not null)),
  check (indigenous_answer in ('given', 'unknown', 'declined', 'not_asked')
    and (indigenous_answer = 'given') = (indigenous is not null)),
  check (two_spirit_lgbtqi_answer in ('given', 'unknown', 'declined', 'not_asked')
    and (two_spirit_lgbtqi_answer = 'given') = (two_spirit_lgbtqi is not null)),
  check (disability_answer in ('given', 'unknown', 'declined', 'not_asked')
    and (disability_answer = 'given') = (disability is not null))
);
create index case_person_case_idx on case_person (case_id, created_at);

create table case_exploiter (
  id                uuid primary key default gen_random_uuid(),
  case_id           uuid not null references case_file (id),
  count             integer check (count > 0),
  count_answer      text not null default 'not_asked',
  relationship      text,
  relationship_answer text not null default 'not_asked',
  -- JSON of answers { tattoos, piercings, vehicle, licencePlate, onlinePlatforms }, sealed.
  features_sealed   text,
  created_by        uuid references staff_user (id),
  created_at        timestamptz not null,
  updated_at        timestamptz not null,
  check (count_answer in ('given', 'unknown', 'declined', 'not_asked')
    and (count_answer = 'given') = (count is not null)),
  check (relationship_answer in ('given', 'unknown', 'declined', 'not_asked')
    and (relationship_answer = 'given') = (relationship is not null))
);
create index case_exploiter_case_idx on case_exploiter (case_id, created_at);

create table case_need (
  id                uuid primary key default gen_random_uuid(),
  case_id           uuid not null references case_file (id),
  person_id         uuid references case_person (id),
  -- A directory service type (relais-service-type code), so a need leads to a directory search.
  kind              text not null,
  status            text not null default 'unmet' check (status in ('unmet', 'referred', 'met', 'declined')),
  created_by        uuid references staff_user (id),
  created_at        timestamptz not null,
  updated_at        timestamptz not null,
  status_changed_at timestamptz not null
);
create index case_need_case_idx on case_need (case_id, created_at);

-- Notes are append-only: what was written stays as written, by whom and when. Only the retention
-- purge (which sets relais.purging for its own transaction) may remove them.
create table case_note (
  id                uuid primary key default gen_random_uuid(),
  case_id           uuid not null references case_file (id),
  author_id         uuid references staff_user (id),
  body_sealed       text not null,
  created_at        timestamptz not null
);
create index case_note_case_idx on case_note (case_id, created_at);

create function case_note_append_only() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' and coalesce(current_setting('relais.purging', true), '') = 'on' then
    return old;
  end if;
  raise exception 'case notes are append-only' using errcode = 'restrict_violation';
end
$$;
create trigger case_note_append_only before update or delete on case_note
  for each row execute function case_note_append_only();

-- Break-the-glass: an administrator opens a case they may not otherwise see, with a written reason
-- that supervisors review; the opening lets them read it until expires_at.
create table case_access (
  id                uuid primary key default gen_random_uuid(),
  case_id           uuid not null references case_file (id),
  staff_id          uuid not null references staff_user (id),
  reason_sealed     text not null,
  opened_at         timestamptz not null,
  expires_at        timestamptz not null
);
create index case_access_staff_idx on case_access (staff_id, case_id, expires_at);
create index case_access_opened_idx on case_access (opened_at desc);
