-- Where the person is and who they are to the situation, as the advocate records them at wrap-up,
-- for counts by province or territory and by caller type. Never required: 'unknown' when the person
-- did not say, 'declined' when they chose not to, and null when it was not recorded.
alter table intake_signal
  add column province text
    check (province in ('AB', 'BC', 'MB', 'NB', 'NL', 'NS', 'NT', 'NU', 'ON', 'PE', 'QC', 'SK', 'YT',
                        'unknown', 'declined')),
  -- victim: still in the situation; survivor: has left it; concerned_other: family, a friend, someone
  -- of the community; professional: a service provider, police, a health or school worker.
  add column caller_type text
    check (caller_type in ('victim', 'survivor', 'concerned_other', 'professional', 'unknown', 'declined'));
