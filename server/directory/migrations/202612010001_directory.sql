-- The referral directory, stored as Open Referral HSDS 3.1 objects. Each top-level object
-- (organization, location, service, service_at_location, taxonomy, taxonomy_term) is a row; its HSDS
-- sub-objects (phones, addresses, schedules, languages, contacts, ...) stay nested in `doc`, so they
-- always share their parent's confidentiality. Columns beside `doc` are the fields Relais filters on,
-- and the Relais profile's extensions (confidential, agency kind and jurisdiction, referral status,
-- eligibility, verification, French text).

create table directory_taxonomy (
  id            text primary key,
  name          text not null,
  description   text not null,
  uri           text,
  version       text,
  updated_at    timestamptz not null default now()
);

create table directory_taxonomy_term (
  id              text primary key,
  taxonomy_id     text references directory_taxonomy (id),
  code            text,
  name_en         text,
  name_fr         text check (coalesce(name_en, name_fr) is not null),
  description_en  text,
  description_fr  text,
  parent_id       text references directory_taxonomy_term (id),
  term_uri        text,
  updated_at      timestamptz not null default now()
);
create unique index directory_taxonomy_term_code_idx on directory_taxonomy_term (taxonomy_id, code);

create table directory_organization (
  id                      text primary key,
  -- Bilingual text: either language may be missing, and each falls back to the other.
  name_en                 text,
  name_fr                 text check (coalesce(name_en, name_fr) is not null),
  description_en          text,
  description_fr          text,
  kind                    text not null default 'service_provider'
                          check (kind in ('service_provider', 'law_enforcement', 'child_protection', 'emergency_dispatch')),
  confidential            boolean not null default false,
  -- Jurisdiction of an agency: the place it is responsible for.
  jurisdiction_country    text,
  jurisdiction_province   text,
  jurisdiction_municipality text,
  jurisdiction_area       geometry(MultiPolygon, 4326),
  -- A 24/7 number (police dispatch, child-protection intake line).
  emergency_phone         text,
  doc                     jsonb not null,
  last_verified_at        timestamptz,
  last_verified_by        uuid,
  verification_interval_days integer check (verification_interval_days between 1 and 3650),
  created_at              timestamptz not null default now(),
  updated_at              timestamptz not null default now()
);
create index directory_organization_kind_idx on directory_organization (kind, jurisdiction_province);
create index directory_organization_area_idx on directory_organization using gist (jurisdiction_area);

create table directory_location (
  id                  text primary key,
  organization_id     text references directory_organization (id),
  location_type       text not null default 'physical' check (location_type in ('physical', 'postal', 'virtual')),
  name_en             text,
  name_fr             text,
  description_en      text,
  description_fr      text,
  confidential        boolean not null default false,
  point               geography(Point, 4326),
  province            text,
  municipality        text,
  doc                 jsonb not null,
  last_verified_at    timestamptz,
  last_verified_by    uuid,
  verification_interval_days integer check (verification_interval_days between 1 and 3650),
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now()
);
create index directory_location_org_idx on directory_location (organization_id);

create table directory_service (
  id                  text primary key,
  organization_id     text not null references directory_organization (id),
  name_en             text,
  name_fr             text check (coalesce(name_en, name_fr) is not null),
  description_en      text,
  description_fr      text,
  status              text not null default 'active'
                      check (status in ('active', 'inactive', 'defunct', 'temporarily closed')),
  confidential        boolean not null default false,
  referral_status     text check (referral_status in ('accepting', 'waitlist', 'not_accepting')),
  referral_status_at  date,
  minimum_age         numeric,
  maximum_age         numeric,
  status_independent  boolean,
  substance_use_accepted boolean,
  doc                 jsonb not null,
  last_verified_at    timestamptz,
  last_verified_by    uuid,
  verification_interval_days integer check (verification_interval_days between 1 and 3650),
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now()
);
create index directory_service_org_idx on directory_service (organization_id);

create table directory_service_at_location (
  id            text primary key,
  service_id    text not null references directory_service (id) on delete cascade,
  location_id   text not null references directory_location (id) on delete cascade,
  doc           jsonb not null,
  updated_at    timestamptz not null default now(),
  unique (service_id, location_id)
);
create index directory_sal_location_idx on directory_service_at_location (location_id);

-- HSDS attributes: taxonomy terms attached to an entity (service types and populations served, among others).
create table directory_attribute (
  id                text primary key,
  link_entity       text not null check (link_entity in ('organization', 'service', 'location', 'service_at_location')),
  link_id           text not null,
  link_type         text,
  taxonomy_term_id  text not null references directory_taxonomy_term (id),
  value             text,
  label             text
);
create index directory_attribute_link_idx on directory_attribute (link_entity, link_id);
create index directory_attribute_term_idx on directory_attribute (taxonomy_term_id);

-- HSDS metadata: one row per changed field of a resource, as the standard records changes.
create table directory_metadata (
  id                  uuid primary key default gen_random_uuid(),
  resource_id         text not null,
  resource_type       text not null,
  last_action_date    timestamptz not null default now(),
  last_action_type    text not null check (last_action_type in ('create', 'update', 'delete', 'verify')),
  field_name          text not null,
  previous_value      text not null,
  replacement_value   text not null,
  updated_by          text not null
);
create index directory_metadata_resource_idx on directory_metadata (resource_type, resource_id);

-- Places the directory can be searched from ("within 50 km of Sherbrooke"), and that agencies'
-- jurisdictions name.
create table directory_municipality (
  id          text primary key,
  name        text not null,
  province    text not null,
  point       geography(Point, 4326) not null
);
create index directory_municipality_name_idx on directory_municipality (province, lower(name));

-- Each check of an entry by a directory manager.
create table directory_verification (
  id            uuid primary key default gen_random_uuid(),
  entity_type   text not null check (entity_type in ('organization', 'service', 'location')),
  entity_id     text not null,
  outcome       text not null check (outcome in ('confirmed', 'changed', 'unreachable', 'closed')),
  note          text,
  verified_by   uuid not null,
  verified_at   timestamptz not null default now()
);
create index directory_verification_entity_idx on directory_verification (entity_type, entity_id, verified_at desc);

-- The search index: one row per service at a location (or per service without a location), with
-- everything the advocates' and the public's search filter on. Rebuilt from the rows above in the
-- transaction that changes them. `confidential` is true when the service, its organization or the
-- location is.
create table directory_search (
  id                  text primary key,
  service_id          text not null references directory_service (id) on delete cascade,
  location_id         text references directory_location (id) on delete cascade,
  organization_id     text not null references directory_organization (id) on delete cascade,
  confidential        boolean not null,
  kind                text not null,
  status              text not null,
  text_en             tsvector not null,
  text_fr             tsvector not null,
  names               text not null,
  term_ids            text[] not null default '{}',
  languages           text[] not null default '{}',
  province            text,
  municipality        text,
  point               geography(Point, 4326),
  -- Opening hours as minutes of the week (0 = Monday 00:00), so "open now" is one containment test.
  open_minutes        int4multirange not null default '{}',
  open_24_7           boolean not null default false,
  referral_status     text,
  minimum_age         numeric,
  maximum_age         numeric,
  substance_use_accepted boolean,
  last_verified_at    timestamptz
);
create index directory_search_service_idx on directory_search (service_id);
create index directory_search_location_idx on directory_search (location_id);
create index directory_search_text_en_idx on directory_search using gin (text_en);
create index directory_search_text_fr_idx on directory_search using gin (text_fr);
create index directory_search_names_idx on directory_search using gin (names gin_trgm_ops);
create index directory_search_terms_idx on directory_search using gin (term_ids);
create index directory_search_point_idx on directory_search using gist (point);
create index directory_search_province_idx on directory_search (province, municipality);
