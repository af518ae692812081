-- What changed in the search index, so that a copy of it kept in memory (ADR 005) catches up by
-- reading the rows changed since its revision rather than the whole index.
--
-- Every statement writing directory_search first takes the next revision, holding the revision row
-- until its transaction ends: writers of the index take revisions in the order they commit. Any
-- revision a reader sees is therefore committed with every revision before it, and the changes of
-- the revisions above its copy's are exactly what it has missed.
create table directory_search_revision (
  singleton boolean primary key default true check (singleton),
  revision bigint not null default 0,
  -- The log below holds every change of the revisions above this one; a copy older than it reloads.
  complete_after bigint not null default 0
);
insert into directory_search_revision default values;

create table directory_search_change (
  revision bigint not null,
  id text not null
);
create index directory_search_change_revision_idx on directory_search_change (revision);

-- Before each statement: the next revision, and the log trimmed to its last 1,000 revisions. A
-- truncation leaves no row to log: the log is then complete only from its revision on.
create function relais_directory_search_revise() returns trigger language plpgsql as $$
declare
  next bigint;
begin
  update directory_search_revision
    set revision = revision + 1,
      complete_after = greatest(complete_after, revision + 1 - 1000,
        case when tg_op = 'TRUNCATE' then revision + 1 else 0 end)
    returning revision into next;
  delete from directory_search_change where revision <= next - 1000;
  return null;
end
$$;

-- After each statement: the ids it inserted, updated (before and after) or deleted.
create function relais_directory_search_log() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    insert into directory_search_change (revision, id)
      select r.revision, n.id from new_rows n, directory_search_revision r;
  elsif tg_op = 'DELETE' then
    insert into directory_search_change (revision, id)
      select r.revision, o.id from old_rows o, directory_search_revision r;
  else
    insert into directory_search_change (revision, id)
      select r.revision, c.id from (select id from old_rows union select id from new_rows) c,
        directory_search_revision r;
  end if;
  return null;
end
$$;

create trigger directory_search_revise before insert or update or delete or truncate on directory_search
  for each statement execute function relais_directory_search_revise();
create trigger directory_search_log_insert after insert on directory_search
  referencing new table as new_rows for each statement execute function relais_directory_search_log();
create trigger directory_search_log_update after update on directory_search
  referencing old table as old_rows new table as new_rows
  for each statement execute function relais_directory_search_log();
create trigger directory_search_log_delete after delete on directory_search
  referencing old table as old_rows for each statement execute function relais_directory_search_log();
