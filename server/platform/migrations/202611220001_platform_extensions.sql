-- Extensions every module may rely on. On a managed PostgreSQL server an administrator may have to
-- create PostGIS once beforehand; "if not exists" then needs no privilege.
create extension if not exists pg_trgm;
create extension if not exists unaccent;
create extension if not exists postgis;
