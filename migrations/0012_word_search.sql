-- Word search (src/shared/word-search.ts): every word of a query is the beginning of some word of the
-- searched text, in any order, case, accents and apostrophes aside, read off a GIN index of tsvectors.

-- The words of a text, folded as `documentWords` folds them in JavaScript (the Latin letters, with
-- their accents and ligatures; a word with an apostrophe both whole and in its parts). For tables that
-- many places write, searched through an expression index.
create function search_words(text) returns tsvector
language sql immutable strict parallel safe as $$
  select to_tsvector('simple', regexp_replace(folded || ' ' || regexp_replace(folded, '[''’ʼ`´]', '', 'g'), '[^a-z0-9]+', ' ', 'g'))
  from (
    select lower(replace(replace(replace(replace(replace(replace(replace(translate($1,
      'ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝàáâãäåçèéêëìíîïðñòóôõöøùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĐđĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦħĨĩĪīĬĭĮįİıĴĵĶķĹĺĻļĽľĿŀŁłŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŧŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽž',
      'aaaaaaceeeeiiiidnoooooouuuuyaaaaaaceeeeiiiidnoooooouuuuyyaaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiijjkkllllllllllnnnnnnoooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzz'),
      'Æ', 'ae'), 'æ', 'ae'), 'Œ', 'oe'), 'œ', 'oe'), 'Þ', 'th'), 'þ', 'th'), 'ß', 'ss')) as folded
  ) as f
$$;

-- The support desk's searches: accounts by their names, structures by name, city and postal code.
create index accounts_words on accounts using gin (search_words(first_name || ' ' || last_name));
create index structures_words on structures
  using gin (search_words(name || ' ' || coalesce(city, '') || ' ' || coalesce(postal_code, '')));

-- The directories: the importer writes each row's words (names with weight A, what ranks first), and
-- keeps every word once in a vocabulary, where a query's prefixes are expanded into the words they
-- begin: the index is then read word by word, skipping through its lists, instead of gathering every
-- row under a prefix (see src/directory/vocabulary.ts). Rows imported before this migration have no
-- words (computing them here takes minutes on the national files, locks held): words find them once
-- the directories are imported again; the other criteria find them meanwhile.
-- A person's words come on the first line of each run of their lines (src/directory/rpps-import.ts),
-- and stay with the person derived from their first line.
alter table directory_activities add column search_vector tsvector not null default '';
alter table directory_persons add column search_vector tsvector not null default '';
create index directory_persons_words on directory_persons using gin (search_vector);
create table directory_person_words (word text collate "C" primary key);

-- Establishments: words of the name and the long name (weight A), the city and the postal code; and
-- positions in WGS 84 beside the coordinates in the system each line names (`sourcecoordet`). Rows
-- imported before have their system; their words, latitude and longitude come with the next import.
alter table directory_establishments
  add column search_vector tsvector not null default '',
  add column coordinate_system text,
  add column latitude double precision,
  add column longitude double precision;
update directory_establishments set coordinate_system = nullif(regexp_replace(geo_source, '^.*,', ''), '')
where geo_source is not null;
drop index directory_establishments_search;
create index directory_establishments_words on directory_establishments using gin (search_vector);
create table directory_establishment_words (word text collate "C" primary key);
