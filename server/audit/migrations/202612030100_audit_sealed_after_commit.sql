-- Events are recorded in the transaction of their change without waiting for each other, and sealed
-- into the chain (gap-free seq, previous hash, own hash) right after they commit, one sealer at a time.
-- A row may be sealed once; after that, and for every other column always, it is immutable.
alter table audit_event drop constraint audit_event_pkey;
alter table audit_event add column id bigint generated always as identity;
alter table audit_event add primary key (id);
alter table audit_event
  alter column seq drop not null,
  alter column prev_hash drop not null,
  alter column hash drop not null;
alter table audit_event add constraint audit_event_seq_key unique (seq);
create index audit_event_unsealed_idx on audit_event (id) where seq is null;

create or replace function relais_audit_event_immutable() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE' and old.seq is null and new.seq is not null and new.prev_hash is not null
     and new.hash is not null
     and to_jsonb(old) - array['seq', 'prev_hash', 'hash'] = to_jsonb(new) - array['seq', 'prev_hash', 'hash']
  then
    return new;
  end if;
  raise exception 'audit_event is append-only (% refused)', tg_op using errcode = 'insufficient_privilege';
end
$$;
