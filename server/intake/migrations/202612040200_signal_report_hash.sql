-- A 64-bit hash of the columns the funder's report reads from a signal, kept by PostgreSQL on every
-- write. The report fingerprints the signals it counted as the XOR of these hashes, without hashing
-- a million rows again each time it runs.
alter table intake_signal
  add column report_hash bigint generated always as (
    hash_record_extended(row(id, channel, classification, province, caller_type, language,
      preferred_language, received_at, enqueued_at, answered_at, abandoned_at, ended_at,
      wrap_up_ended_at), 0)
  ) stored;
