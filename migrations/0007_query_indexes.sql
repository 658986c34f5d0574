-- Indexes that let the hot searches read one page off an index instead of sorting every match.

-- Search keys compare byte by byte (collation "C"): they are already lowercased and unaccented, and one
-- btree index then serves both the prefix match (`like 'mar%'`) and the order of the page, so that a
-- search reads the first page off the index instead of sorting every match.

drop index directory_persons_search;
drop index directory_persons_first_name;
alter table directory_persons
  alter column search_last_name type text collate "C",
  alter column search_first_name type text collate "C";
create index directory_persons_search on directory_persons (search_last_name, search_first_name, rpps);
create index directory_persons_first_name on directory_persons (search_first_name);

alter table directory_activities
  alter column search_last_name type text collate "C",
  alter column search_first_name type text collate "C";

drop index directory_establishments_search;
alter table directory_establishments alter column search_name type text collate "C";
create index directory_establishments_search on directory_establishments (search_name, finess);

-- The approval queue: each approver's requests by status, newest first, read one page at a time (the
-- person's own and each delegation's); support reads every approver's by status.
drop index access_requests_approver;
create index access_requests_queue on access_requests (approver_id, status, created_at desc, id desc);
create index access_requests_by_status on access_requests (status, created_at desc, id desc);
