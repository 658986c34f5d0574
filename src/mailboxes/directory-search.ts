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
// How many boxes a search reads, in the order of names, over its lead's words (at least 50 each), before
// it bounds what it found.
export const WORDS_WINDOW = 2000
const WORD_WINDOW_AT_LEAST = 50

/**
 * Active and listed boxes, by the query's criteria but its words. The status and listing are written
 * in the SQL, not sent as parameters: a plan made for any value could not use the directory's partial
 * indexes.
 */
const listedBoxes = (db: Executor, query: DirectoryQuery) =>
  db
    .selectFrom('mailboxes as m')
    .where(sql<SqlBool>`m.status = 'active' and m.listed`)
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

/** SQL: `v.word` begins with one of `forms` (a range of the vocabulary's index each). */
const begunBy = (forms: QueryWord) =>
  sql.join(
    forms.map((form) => sql`(v.word >= ${form} and v.word < ${`${form}{`})`),
    sql` or `,
  )

/**
 * SQL: `searchDirectory`'s boxes as a JSON array, in one statement. Without words, the boxes in the
 * order of names. With words:
 * - The query word that begins the words of fewest boxes (the vocabulary counts them) leads, unless
 *   it begins more than 100 words of the directory and another does not.
 * - `bounded`: the boxes of each word it begins are read in the order of names, 2,000 over those words
 *   at most (50 each at least), each checked on its row for the other words and criteria, until a page
 *   of matches is found for that word. A word whose boxes read gave no page bounds what is certain: the
 *   matches up to its last box read (`bound`). When these fill the page, that is the page: a common
 *   word has read a page's worth of its boxes, a rare one all of them, and a word whose boxes rarely
 *   match (the "médicale" of laboratories' services, for "cabinet méd") its share of the 2,000.
 * - Only otherwise (`rest`), the matches after that bound come from the words' GIN index, sorted.
 * - When every query word begins more than 100 words (a letter or two, a number), the first 1,000
 *   boxes in the order of names are checked instead (`near`), in which such common words soon fill a
 *   page; the index gives the matches after them only when they do not.
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
  // Each query word: how many words of the directory it begins (up to one more than may lead), and
  // in how many boxes; and those words, when it leads.
  const vocabulary = sql`mailbox_directory_vocabulary v`
  const queryWords = sql.join(
    query.words.map(
      (forms, i) => sql`(${sql.lit(i)},
        (select count(*) from (select from ${vocabulary} where (${begunBy(forms)}) and v.boxes > 0
          limit ${sql.lit(MAX_LEAD_WORDS + 1)}) w),
        (select coalesce(sum(v.boxes), 0) from ${vocabulary} where ${begunBy(forms)}))`,
    ),
  )
  const leadWords = sql.join(
    query.words.map(
      (forms, i) => sql`select v.word from ${vocabulary}
        where (${begunBy(forms)}) and v.boxes > 0
          and (select position from lead) = ${sql.lit(i)} and not (select too_many from lead)`,
    ),
    sql` union all `,
  )
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
  // that would read every box), so that the reading stops at the page. A query of one word and no other
  // criterion has nothing to check: the boxes of the words it begins are its matches, read off the index.
  const checked = query.words.length > 1 || query.postalCode !== undefined || query.kind !== undefined
  const boxMatches = listedBoxes(db, query)
    .select(sql<boolean>`true`.as('matches'))
    .where(sql<SqlBool>`m.id = e.mailbox_id`)
    .where(matches)
  const firstMatches = db
    .selectFrom(entries.limit(sql<number>`(select size from word_window)`).as('e'))
    .select(['e.sort_name', 'e.mailbox_id as id'])
    .$if(checked, (rows) => rows.where(sql<SqlBool>`(${boxMatches})`))
    .orderBy('e.sort_name')
    .orderBy('e.mailbox_id')
    .limit(take)
  const lastRead = entries.offset(sql<number>`(select size from word_window) - 1`).limit(1)
  // Every match after what was read, from the words' GIN index, to be sorted: never a walk through the
  // names. Read only when needed (a one-time filter).
  const rest = listedBoxes(db, query)
    .select(['m.sort_name', 'm.id'])
    .where(matches)
    .where(sql<SqlBool>`exists (select from read_up_to)`)
    .where(sql<SqlBool>`(m.sort_name, m.id) > (select sort_name, id from read_up_to)`)
  const columns = sql.join(DIRECTORY_COLUMNS.map((column) => sql.ref(`m.${column}`)))
  return list(sql`(
    with lead as materialized (
      select position, words > ${sql.lit(MAX_LEAD_WORDS)} as too_many
      from (values ${queryWords}) q (position, words, boxes)
      order by 2, boxes, position limit 1),
    lead_words as materialized (${leadWords}),
    word_window as materialized (
      select greatest(${sql.lit(WORD_WINDOW_AT_LEAST)}, ${sql.lit(WORDS_WINDOW)} / nullif(count(*), 0)) as size
      from lead_words),
    names_window as materialized (
      select * from (${byNames.select(['m.sort_name', 'm.id', 'm.search_vector']).limit(NAMES_WINDOW)}) w
      where (select too_many from lead)),
    near as materialized (
      select sort_name, id from names_window m where ${matches} order by sort_name, id limit ${take}),
    bounded as materialized (
      select s.word, x.sort_name, x.id from lead_words s cross join lateral (${firstMatches}) x),
    bound as materialized (
      select b.sort_name, b.mailbox_id as id
      from lead_words s left join (select word, count(*) as found from bounded group by word) c using (word)
      cross join lateral (${lastRead}) b
      where coalesce(c.found, 0) < ${take}
      order by b.sort_name, b.mailbox_id limit 1),
    certain as materialized (
      select distinct sort_name, id from bounded c
      where not exists (select from bound b where (c.sort_name, c.id) > (b.sort_name, b.id))),
    read_up_to as materialized (
      select sort_name, id from bound where (select count(*) from certain) < ${take}
      union all
      select * from (select sort_name, id from names_window order by sort_name desc, id desc limit 1) w
      where (select count(*) from near) < ${take} and (select count(*) from names_window) = ${NAMES_WINDOW}),
    rest as materialized (${rest}),
    page as (
      select distinct sort_name, id from (
        select * from certain union all select * from near
        union all (select * from rest order by sort_name, id limit ${take})) found
      order by sort_name, id limit ${take})
    select ${columns} from page join mailboxes m on m.id = page.id and m.status = 'active' and m.listed)`)
}
