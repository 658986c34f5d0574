import { describe, expect, it } from 'vitest'
import { isConcurrencyConflict, isDatabaseUnavailable } from '../../src/db/errors.ts'

const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code })

describe('database errors that are an outage (503), not a bug (500)', () => {
  it.each([
    ['connection refused', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['connection reset', withCode('ECONNRESET')],
    ['host unknown', withCode('ENOTFOUND')],
    [
      'shutting down (admin_shutdown)',
      withCode('57P01', 'terminating connection due to administrator command'),
    ],
    ['crashed (crash_shutdown)', withCode('57P02')],
    ['starting up (cannot_connect_now)', withCode('57P03', 'the database system is starting up')],
    ['too many connections', withCode('53300', 'sorry, too many clients already')],
    ['a connection failure (class 08)', withCode('08006')],
    ['a connection lost mid-query', new Error('Connection terminated unexpectedly')],
    ['no connection in time', new Error('timeout exceeded when trying to connect')],
    ['a lost connection, wrapped', new Error('Connection terminated due to connection timeout')],
    ['every address refused', new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], '')],
    ['a cause that is an outage', new Error('query failed', { cause: withCode('57P01') })],
  ])('%s is an outage', (_case, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true)
  })

  it.each([
    ['a unique violation', withCode('23505')],
    ['an undefined table', withCode('42P01')],
    ['a serialisation failure', withCode('40001')],
    ['a protocol violation (too many parameters), which a retry meets again', withCode('08P01')],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['not an error', 'ECONNREFUSED'],
  ])('%s is not', (_case, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false)
  })

  it('tells a concurrency conflict, which a retry mends', () => {
    expect(isConcurrencyConflict(withCode('40001'))).toBe(true)
    expect(isConcurrencyConflict(withCode('40P01'))).toBe(true)
    expect(isConcurrencyConflict(withCode('23505'))).toBe(false)
  })
})
