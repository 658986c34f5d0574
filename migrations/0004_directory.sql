-- The national directories, as last imported: RPPS persons and their activities, FINESS establishments.
-- An import loads `*_next` tables, indexes them, then swaps them in with the live ones in one
-- transaction: searches never see a half-loaded directory, and a failed import changes nothing.
-- Search keys are lowercased and unaccented by the importer (the same normalisation as queries).

create table directory_persons (
  rpps text primary key,
  id_type text not null,
  national_id text not null,
  civility_code text not null,
  civility_label text not null,
  practice_civility_code text not null,
  practice_civility_label text not null,
  last_name text not null,
  first_name text not null,
  search_last_name text not null,
  search_first_name text not null
);
create index directory_persons_search on directory_persons (search_last_name text_pattern_ops, search_first_name text_pattern_ops, rpps);
create index directory_persons_first_name on directory_persons (search_first_name text_pattern_ops);

-- One row per line of the extract (person × activity), persons' columns included: the import loads
-- it straight from the file, then derives the persons from it in one pass.
create table directory_activities (
  rpps text not null,
  line integer not null,
  id_type text not null,
  national_id text not null,
  civility_code text not null,
  civility_label text not null,
  practice_civility_code text not null,
  practice_civility_label text not null,
  last_name text not null,
  first_name text not null,
  search_last_name text not null,
  search_first_name text not null,
  profession_code text not null,
  profession_label text not null,
  category_code text not null,
  mode_code text not null,
  mode_label text not null,
  siret text not null,
  siren text not null,
  finess text not null,
  finess_legal text not null,
  structure_name text not null,
  address text not null,
  postal_code text not null,
  city text not null,
  department_code text not null,
  phone text not null,
  email text not null
);
create index directory_activities_rpps on directory_activities (rpps);

create table directory_establishments (
  finess text primary key,
  finess_legal text not null,
  name text not null,
  short_name text not null,
  search_name text not null,
  address text not null,
  postal_code text not null,
  city text not null,
  department_code text not null,
  department_label text not null,
  phone text not null,
  category_code text not null,
  category_label text not null,
  siret text not null,
  x double precision,
  y double precision,
  geo_source text
);
create index directory_establishments_search on directory_establishments (search_name text_pattern_ops);
create index directory_establishments_postal_code on directory_establishments (postal_code);
create index directory_establishments_legal on directory_establishments (finess_legal);
create index directory_establishments_siret on directory_establishments (siret);

create table directory_imports (
  id uuid primary key default gen_random_uuid(),
  kind text not null check (kind in ('rpps', 'finess')),
  status text not null check (status in ('running', 'succeeded', 'failed')),
  source text not null,
  lines_read integer not null default 0,
  imported integer not null default 0,
  rejected integer not null default 0,
  rejections jsonb not null default '[]'::jsonb,
  error text,
  requested_by text,
  started_at timestamptz not null,
  finished_at timestamptz
);

-- One import of a kind at a time.
create unique index directory_imports_one_running on directory_imports (kind) where status = 'running';
