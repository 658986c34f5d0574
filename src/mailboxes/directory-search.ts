import { type RawBuilder, type SqlBool, sql } from 'kysely'
import { jsonList } from '../db/json.ts'
import type { Executor, MailboxKind } from '../db/schema.ts'
import { matchesWords, type QueryWord } from '../shared/word-search.ts'
import type { MailboxRow } from './repository.ts'

/**
 * The directory's search: active and listed boxes by words, postal code and kind, in the order of
 * names, page by page after a (sort name, id) key. Reads `mailboxes` and the two tables the triggers
 * of migration 0021 keep beside it: each word of a listed box with the box's name, in that order
 * (`mailbox_directory_words`), and how many boxes each word is in (`mailbox_directory_vocabulary`).
 */
export interface DirectoryQuery {
  /** Each the beginning of a word of the box (see shared/word-search.ts). */
  words: readonly QueryWord[]
  postalCode?: string | undefined
  kind?: MailboxKind | undefined
  after?: [string, string] | undefined
  limit: number
}

const DIRECTORY_COLUMNS = [
  'id',
  'kind',
  'mssante_address',
  'name',
  'commercial_name',
  'service',
  'description',
  'address_line',
  'postal_code',
  'city',
  'department',
  'phones',
  'sort_name',
] as const

/** A box as the directory lists it. */
export type DirectoryRow = Pick<MailboxRow, (typeof DIRECTORY_COLUMNS)[number]>

// How many words of the directory a query word may begin and lead the search (see `directoryJson`).
export const MAX_LEAD_WORDS = 100
// How many boxes, in the order of names, a search whose words all begin more checks first.
export const NAMES_WINDOW = 1000
// How many of a word's boxes a search reads, in the order of names, before it bounds what it found.
export const WORD_WINDOW = 200

/** Active and listed boxes, by the query's criteria but its words. */
const listedBoxes = (db: Executor, query: DirectoryQuery) =>
  db
    .selectFrom('mailboxes as m')
    .where('m.status', '=', 'active')
    .where('m.listed', '=', true)
    .$if(query.postalCode !== undefined, (rows) =>
      rows.where('m.postal_code', 'like', `${query.postalCode}%`),
    )
    .$if(query.kind !== undefined, (rows) => rows.where('m.kind', '=', query.kind!))

/** Active and listed boxes by the query, in the order of names, one more than the page. */
export async function searchDirectory(db: Executor, query: DirectoryQuery) {
  const { rows } = await sql<{ body: DirectoryRow[] }>`select (${directoryJson(db, query)}) as body`.execute(
    db,
  )
  return rows[0]!.body
}

/** SQL: the vocabulary's words (`v`) that one of `forms` begins, a range of its index each. */
const wordsBegunBy = (forms: RawBuilder<unknown>) =>
  sql`unnest(${forms}) as f (form) join mailbox_directory_vocabulary v
    on v.word >= f.form collate "C" and v.word < (f.form || '{') collate "C"`

/**
 * SQL: `searchDirectory`'s boxes as a JSON array, in one statement. Without words, the boxes in the
 * order of names. With words:
 * - The query word that begins the words of fewest boxes (the vocabulary counts them) leads, unless
 *   it begins more than 100 words of the directory and another does not.
 * - `bounded`: the boxes of each word it begins are read in the order of names, at most 200, each
 *   checked on its row for the other words and criteria, until a page of matches is found for that
 *   word. A word whose 200 boxes gave no page bounds what is certain: the matches up to its 200th box
 *   (`bound`). When these fill the page, that is the page: a common word has read a page's worth of
 *   its boxes, a rare one all of them, and a word whose boxes rarely match (the "médicale" of
 *   laboratories' services, for "cabinet méd") 200.
 * - Only otherwise (`rest`), each word's boxes are read until a page of matches, or to the end.
 * - When every query word begins more than 100 words (a letter or two, a number), the first 1,000
 *   boxes in the order of names are checked instead (`near`), in which such common words soon fill a
 *   page; the lead's words are read only when they do not.
 */
export function directoryJson(db: Executor, query: DirectoryQuery) {
  const take = query.limit + 1
  const list = (rows: RawBuilder<unknown>) =>
    jsonList(sql`select json_agg(x order by x.sort_name, x.id) from ${rows} x`) as RawBuilder<DirectoryRow[]>
  const after = query.after
  const byNames = listedBoxes(db, query)
    .$if(after !== undefined, (rows) =>
      rows.where((eb) => eb(eb.refTuple('m.sort_name', 'm.id'), '>', eb.tuple(after![0], after![1]))),
    )
    .orderBy('m.sort_name')
    .orderBy('m.id')
  if (query.words.length === 0) return list(sql`(${byNames.select(DIRECTORY_COLUMNS).limit(take)})`)

  const matches = matchesWords(sql.ref('m.search_vector'), query.words)
  const queryForms = sql.join(query.words.map((forms, i) => sql`(${i}, ${[...forms]}::text[])`))
  const wordCount = sql`(select count(*) from (select from ${wordsBegunBy(sql.ref('q.forms'))}
    where v.boxes > 0 limit ${MAX_LEAD_WORDS + 1}) w)`
  // The boxes of the word `s.word`, in the order of names.
  const entries = db
    .selectFrom('mailbox_directory_words as e')
    .select(['e.sort_name', 'e.mailbox_id'])
    .where('e.word', '=', sql<string>`s.word`)
    .$if(after !== undefined, (rows) =>
      rows.where((eb) => eb(eb.refTuple('e.sort_name', 'e.mailbox_id'), '>', eb.tuple(after![0], after![1]))),
    )
    .orderBy('e.sort_name')
    .orderBy('e.mailbox_id')
  // Each checked on its row, in a subquery per box (which PostgreSQL keeps as such, rather than a join
  // that would read every box), so that the reading stops at the page.
  const boxMatches = listedBoxes(db, query)
    .select(sql<boolean>`true`.as('matches'))
    .where(sql<SqlBool>`m.id = e.mailbox_id`)
    .where(matches)
  const matchesAmong = (rows: typeof entries) =>
    db
      .selectFrom(rows.as('e'))
      .select(['e.sort_name', 'e.mailbox_id as id'])
      .where(sql<SqlBool>`(${boxMatches})`)
      .orderBy('e.sort_name')
      .orderBy('e.mailbox_id')
      .limit(take)
  const lastRead = entries.offset(WORD_WINDOW - 1).limit(1)
  const columns = sql.join(DIRECTORY_COLUMNS.map((column) => sql.ref(`m.${column}`)))
  return list(sql`(
    with query_words (position, forms) as (values ${queryForms}),
    lead as materialized (
      select q.forms, ${wordCount} > ${MAX_LEAD_WORDS} as too_many from query_words q
      order by 2, (select coalesce(sum(v.boxes), 0) from ${wordsBegunBy(sql.ref('q.forms'))}), q.position
      limit 1),
    lead_words as materialized (
      select distinct v.word from lead cross join lateral (
        select v.word from ${wordsBegunBy(sql.ref('lead.forms'))} where v.boxes > 0) v),
    names_window as materialized (
      select * from (${byNames.select(['m.sort_name', 'm.id', 'm.search_vector']).limit(NAMES_WINDOW)}) w
      where (select too_many from lead)),
    near as materialized (
      select sort_name, id from names_window m where ${matches} order by sort_name, id limit ${take}),
    bounded as materialized (
      select s.word, x.sort_name, x.id from lead_words s
      cross join lateral (${matchesAmong(entries.limit(WORD_WINDOW))}) x
      where not (select too_many from lead)),
    bound as materialized (
      select b.sort_name, b.mailbox_id as id
      from lead_words s left join (select word, count(*) as found from bounded group by word) c using (word)
      cross join lateral (${lastRead}) b
      where coalesce(c.found, 0) < ${take} and not (select too_many from lead)
      order by b.sort_name, b.mailbox_id limit 1),
    certain as materialized (
      select distinct sort_name, id from bounded c
      where not exists (select from bound b where (c.sort_name, c.id) > (b.sort_name, b.id))),
    rest as materialized (
      select x.sort_name, x.id from lead_words s cross join lateral (${matchesAmong(entries)}) x
      where (exists (select from bound) and (select count(*) from certain) < ${take})
        or ((select too_many from lead) and (select count(*) from near) < ${take}
          and (select count(*) from names_window) = ${NAMES_WINDOW})),
    page as (
      select distinct sort_name, id from (
        select * from certain union all select * from near union all select * from rest) found
      order by sort_name, id limit ${take})
    select ${columns} from page join mailboxes m on m.id = page.id)`)
}
