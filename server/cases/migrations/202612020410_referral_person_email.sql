-- A referral's details sent to the person themselves by email, at their request: the service's name,
-- address, phone, hours and languages, in their language, and never anything about the case. The
-- referral keeps the latest attempt: the address it went to (sealed, like other personal data), the
-- language, who sent it and when, and the mail server's refusal if any (sealed too: it may quote the
-- address). The retention purge removes the sealed values and keeps the rest, for the counts.
alter table case_referral
  add column person_email_status text not null default 'not_requested'
    check (person_email_status in ('not_requested', 'pending', 'sent', 'failed')),
  add column person_email_to_sealed text,
  add column person_email_language text check (person_email_language in ('en', 'fr')),
  add column person_email_by uuid references staff_user (id),
  add column person_email_attempted_at timestamptz,
  add column person_email_sent_at timestamptz,
  add column person_email_error_sealed text,
  add constraint case_referral_person_email_sent
    check ((person_email_status = 'sent') = (person_email_sent_at is not null)),
  add constraint case_referral_person_email_recorded
    check (person_email_status = 'not_requested'
      or (person_email_language is not null and person_email_by is not null
        and person_email_attempted_at is not null));
