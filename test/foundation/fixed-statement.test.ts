import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixedStatement } from '../../src/db/fixed-statement.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts'

/**
 * A statement built and compiled once (`fixedStatement`, the hot reads' `fixedReadInSession`): each call
 * sends the one text with its own values, and a builder whose text would depend on its values is refused.
 */
let database: TestDatabase
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(() => database?.drop())

describe('a fixed statement', () => {
  it('sends the same text each time, with each call’s values in their places', async () => {
    let built = 0
    const statement = fixedStatement((_db, first: number, second: string, third: number) => {
      built++
      return sql<{ sum: number; word: string }>`select ${first}::int + ${third}::int as sum,
        ${second}::text || ${'!'}::text as word`
    })
    const one = statement(database.db, 1, 'un', 10)
    const two = statement(database.db, 2, 'deux', 20)
    expect(two.sql).toBe(one.sql)
    // Built on the first call only: with stand-ins, then with that call's values, to check it.
    expect(built).toBe(2)
    statement(database.db, 3, 'trois', 30)
    expect(built).toBe(2)
    expect(one.parameters).toEqual([1, 10, 'un', '!'])
    expect((await database.db.executeQuery(one)).rows).toEqual([{ sum: 11, word: 'un!' }])
    expect((await database.db.executeQuery(two)).rows).toEqual([{ sum: 22, word: 'deux!' }])
  })

  it('places a value as many times as its builder does', async () => {
    const statement = fixedStatement(
      (_db, value: number) => sql<{ x: number; y: number }>`
      select ${value}::int as x, ${value}::int * 2 as y`,
    )
    expect((await database.db.executeQuery(statement(database.db, 4))).rows).toEqual([{ x: 4, y: 8 }])
    expect((await database.db.executeQuery(statement(database.db, 5))).rows).toEqual([{ x: 5, y: 10 }])
  })

  it.each([
    ['leaves a value out', (_value: string) => sql<{ x: number }>`select 1 as x`],
    [
      'places a value but looks at it too',
      (value: string) =>
        sql<{
          x: number
        }>`select ${value}::text as x ${typeof value === 'string' ? sql`` : sql`where false`}`,
    ],
    [
      'nests a value in another',
      (value: string) => sql<{ x: number }>`select ${value}::text, ${[value]}::text[]`,
    ],
    [
      'writes a value into the text',
      (value: string) => sql<{ x: number }>`select ${sql.lit(String(value))} as x`,
    ],
  ])('is refused when its builder %s', (_case, build) => {
    const statement = fixedStatement((_db, value: string) => build(value))
    expect(() => statement(database.db, 'a')).toThrow(/^A fixed statement must/)
  })
})
