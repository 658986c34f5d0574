-- The mailbox directory lists boxes in the order of names. Its words' GIN index finds the boxes a word
-- is in, but not in that order: a common word ("pharm") meant reading and sorting every box it is in.
-- Each word of an active and listed box is now also kept with the box's name, in that order, and each
-- word once with the number of boxes it is in: a search reads, word by word, the boxes of its rarest
-- query word in the order of names and checks its other words on them, and stops at the page; the GIN
-- index stays for the matches too sparse among those boxes (src/mailboxes/directory-search.ts). The
-- triggers below keep both tables; nothing else writes them.
create table mailbox_directory_words (
  word text collate "C" not null,
  sort_name text not null,
  mailbox_id uuid not null,
  primary key (word, sort_name, mailbox_id)
);
create table mailbox_directory_vocabulary (
  word text collate "C" primary key,
  boxes integer not null
);

-- A change of the boxes, word by word: +1 for a word a box now has, -1 for one it had (a box has its
-- words while it is active and listed).
create type mailbox_word_change as (word text, sort_name text, mailbox_id uuid, delta integer);

create function mailbox_word_changes(listed boolean, words tsvector, sort_name text, id uuid, delta integer)
returns setof mailbox_word_change
language sql immutable as $$
  select w.word, sort_name, id, delta from unnest(tsvector_to_array(words)) as w (word) where listed
$$;

-- Applies changes: entries removed and added (one both removed and added, a box edited with that word
-- and its name unchanged, stays), then the vocabulary's counts in the order of its words. A count is
-- locked until the change commits: writes of boxes that share a word ("de", a postal code) wait for
-- each other, in the order of the words, never in a cycle. The service writes one box per
-- transaction, of a few milliseconds.
create function apply_mailbox_word_changes(changes mailbox_word_change[]) returns void
language sql as $$
  delete from mailbox_directory_words e
  using (select word, sort_name, mailbox_id from unnest(changes)
         group by word, sort_name, mailbox_id having sum(delta) < 0) gone
  where (e.word, e.sort_name, e.mailbox_id) = (gone.word, gone.sort_name, gone.mailbox_id);
  insert into mailbox_directory_words (word, sort_name, mailbox_id)
  select word, sort_name, mailbox_id from unnest(changes)
  group by word, sort_name, mailbox_id having sum(delta) > 0;
  insert into mailbox_directory_vocabulary as v (word, boxes)
  select word, sum(delta) from unnest(changes) group by word having sum(delta) <> 0 order by word
  on conflict (word) do update set boxes = v.boxes + excluded.boxes;
$$;

create function mailbox_directory_words_change() returns trigger
language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    perform apply_mailbox_word_changes(array(
      select mailbox_word_changes(n.status = 'active' and n.listed, n.search_vector, n.sort_name, n.id, 1)
      from new_boxes n));
  elsif tg_op = 'DELETE' then
    perform apply_mailbox_word_changes(array(
      select mailbox_word_changes(o.status = 'active' and o.listed, o.search_vector, o.sort_name, o.id, -1)
      from old_boxes o));
  else
    perform apply_mailbox_word_changes(array(
      select mailbox_word_changes(o.status = 'active' and o.listed, o.search_vector, o.sort_name, o.id, -1)
      from old_boxes o
      union all
      select mailbox_word_changes(n.status = 'active' and n.listed, n.search_vector, n.sort_name, n.id, 1)
      from new_boxes n));
  end if;
  return null;
end
$$;

create trigger mailboxes_directory_words_insert after insert on mailboxes
  referencing new table as new_boxes for each statement execute function mailbox_directory_words_change();
create trigger mailboxes_directory_words_update after update on mailboxes
  referencing old table as old_boxes new table as new_boxes
  for each statement execute function mailbox_directory_words_change();
create trigger mailboxes_directory_words_delete after delete on mailboxes
  referencing old table as old_boxes for each statement execute function mailbox_directory_words_change();

create function mailbox_directory_words_truncate() returns trigger
language plpgsql as $$
begin
  truncate mailbox_directory_words, mailbox_directory_vocabulary;
  return null;
end
$$;
create trigger mailboxes_directory_words_truncate after truncate on mailboxes
  for each statement execute function mailbox_directory_words_truncate();

insert into mailbox_directory_words (word, sort_name, mailbox_id)
select distinct w.word, m.sort_name, m.id
from mailboxes m cross join unnest(tsvector_to_array(m.search_vector)) as w (word)
where m.status = 'active' and m.listed;
insert into mailbox_directory_vocabulary (word, boxes)
select word, count(*) from mailbox_directory_words group by word;
