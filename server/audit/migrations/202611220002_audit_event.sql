-- Append-only, hash-chained audit trail. Each row carries the hash of the row before it and a gap-free
-- sequence number, so an altered row breaks its own hash and a removed row breaks the chain.
create table audit_event (
  seq          bigint primary key,
  occurred_at  timestamptz not null,
  actor_id     uuid,
  actor_label  text not null,
  action       text not null,
  entity_type  text,
  entity_id    text,
  address      text,
  request_id   text,
  details      jsonb not null default '{}'::jsonb,
  prev_hash    text not null,
  hash         text not null unique
);

create index audit_event_actor_idx on audit_event (actor_id, occurred_at);
create index audit_event_action_idx on audit_event (action, occurred_at);
create index audit_event_time_idx on audit_event (occurred_at);

create function relais_audit_event_immutable() returns trigger language plpgsql as $$
begin
  raise exception 'audit_event is append-only (% refused)', tg_op using errcode = 'insufficient_privilege';
end
$$;

create trigger audit_event_no_update before update or delete on audit_event
  for each row execute function relais_audit_event_immutable();
create trigger audit_event_no_truncate before truncate on audit_event
  for each statement execute function relais_audit_event_immutable();
