-- Retention: the personal data of signals not about trafficking, and of cases closed long enough, is
-- purged on a schedule; the rows stay, with what reports count (channel, times, classification; a
-- case's codes, place, people's roles and age bands), and these mark what was purged and when.

create table case_purged_signal (
  signal_id         uuid primary key references intake_signal (id),
  purged_at         timestamptz not null
);

alter table case_file add column purged_at timestamptz;
create index case_file_retention_idx on case_file (closed_at) where status = 'closed' and purged_at is null;
