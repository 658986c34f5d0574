-- How many rows of its directory each word is in, which the import counts: a query reads its rarest
-- word off the index and checks the far more common prefixes on the rows it finds (see
-- src/directory/vocabulary.ts). Vocabularies imported before count 0 for every word until the next
-- import; a query then reads every word off the index, as before.
alter table directory_person_words add column rows integer not null default 0;
alter table directory_establishment_words add column rows integer not null default 0;
