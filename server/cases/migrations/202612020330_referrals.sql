-- Referrals: from a need of a case to a directory service. A referral keeps a copy of the service as
-- the directory named it then (the directory may change or drop it later), the person's consent to
-- what may be shared (the names of the fields, never their values), the outcome with the history of
-- its changes, the next follow-up, and the email to the provider if one was asked for. The alias,
-- the warm-handoff note and the notes of each outcome are sealed.

create table case_referral (
  id                uuid primary key default gen_random_uuid(),
  case_id           uuid not null references case_file (id) on delete cascade,
  -- A need recorded by mistake may be removed; the referral keeps its kind.
  need_id           uuid references case_need (id) on delete set null,
  need_kind         text not null,
  person_id         uuid references case_person (id) on delete set null,
  service_id        text not null,
  organization_id   text not null,
  service_name_en   text,
  service_name_fr   text,
  organization_name_en text,
  organization_name_fr text,
  service_confidential boolean not null,
  service_referral_status text check (service_referral_status in ('accepting', 'waitlist', 'not_accepting')),
  consent_given     boolean not null,
  consent_at        timestamptz not null,
  shared_fields     text[] not null default '{}',
  alias_sealed      text,
  handoff_note_sealed text,
  status            text not null default 'pending'
                      check (status in ('pending', 'accepted', 'declined', 'no_capacity', 'completed', 'unknown')),
  status_changed_at timestamptz not null,
  -- Null once no follow-up is due (an outcome that closes the referral).
  follow_up_due_at  timestamptz,
  email_status      text not null default 'not_requested'
                      check (email_status in ('not_requested', 'pending', 'sent', 'failed')),
  email_to          text,
  email_language    text check (email_language in ('en', 'fr')),
  email_attempted_at timestamptz,
  email_sent_at     timestamptz,
  email_error       text,
  created_by        uuid not null references staff_user (id),
  created_at        timestamptz not null,
  updated_at        timestamptz not null,
  -- Nothing is shared without consent.
  check (consent_given or cardinality(shared_fields) = 0),
  check ((email_status = 'sent') = (email_sent_at is not null)),
  check (email_status = 'not_requested' or (email_to is not null and email_language is not null))
);
create index case_referral_case_idx on case_referral (case_id, created_at);
create index case_referral_need_idx on case_referral (need_id);
create index case_referral_follow_up_idx on case_referral (follow_up_due_at, id) where follow_up_due_at is not null;

-- Each outcome recorded, the first being the referral itself (pending): when it happened, when and by
-- whom it was recorded.
create table case_referral_event (
  id                uuid primary key default gen_random_uuid(),
  referral_id       uuid not null references case_referral (id) on delete cascade,
  status            text not null
                      check (status in ('pending', 'accepted', 'declined', 'no_capacity', 'completed', 'unknown')),
  note_sealed       text,
  occurred_at       timestamptz not null,
  recorded_by       uuid not null references staff_user (id),
  recorded_at       timestamptz not null
);
create index case_referral_event_referral_idx on case_referral_event (referral_id, recorded_at);
