-- The search index, made cheap to filter, count and rank per row (ADR 005).
--
-- Service types and populations get arrays of their own (codes, in the order of term_ids), so the
-- facets count them without sifting every term id by its prefix.
alter table directory_search
  add column service_types text[] not null default '{}',
  add column populations text[] not null default '{}',
  -- The municipality as compared (lower case, unaccented), so filtering on it is an index look-up
  -- rather than unaccent() on every row.
  add column municipality_key text,
  -- The point on the unit sphere: "within r of the origin" is then a dot product against cos(r / R),
  -- a few multiplications per row instead of a PostGIS distance per row. Computed from `point`, so
  -- they can never disagree with it.
  add column unit_x double precision
    generated always as (cos(radians(st_y(point::geometry))) * cos(radians(st_x(point::geometry)))) stored,
  add column unit_y double precision
    generated always as (cos(radians(st_y(point::geometry))) * sin(radians(st_x(point::geometry)))) stored,
  add column unit_z double precision
    generated always as (sin(radians(st_y(point::geometry)))) stored;

update directory_search set
  service_types = array(
    select substr(t.id, length('relais-service-type:') + 1) from unnest(term_ids) with ordinality as t(id, n)
    where t.id like 'relais-service-type:%' order by t.n),
  populations = array(
    select substr(t.id, length('relais-population:') + 1) from unnest(term_ids) with ordinality as t(id, n)
    where t.id like 'relais-population:%' order by t.n),
  municipality_key = lower(unaccent(municipality));

-- The box around a search circle, in longitude and latitude: a planar test on the index, which the
-- dot product then makes exact. It replaces the index on the geography, which only the search read.
create index directory_search_position_idx on directory_search using gist ((point::geometry));
drop index directory_search_point_idx;
create index directory_search_municipality_idx on directory_search (municipality_key);

-- Searches read a few thousand rows through indexes: starting parallel workers costs more than it
-- saves (17 ms against 9 ms for the filter at 100,000 services).
alter table directory_search set (parallel_workers = 0);
