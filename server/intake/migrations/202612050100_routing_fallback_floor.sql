-- The router's other question each round: when does the next waiting signal reach its interpreter
-- fallback? Read from an index, not by going through the whole queue.
create index intake_signal_fallback_idx on intake_signal (fallback_at) where status = 'queued';
