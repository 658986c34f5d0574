import { createHash } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Clock } from '../clock.ts'
import { isUniqueViolation } from '../db/errors.ts'
import type { Executor } from '../db/schema.ts'
import { AppError, badRequest, conflict, unprocessable } from '../shared/errors.ts'
import { PROBLEM_CONTENT_TYPE, problemDocument } from '../shared/problem.ts'

const KEY = /^[\x21-\x7e]{1,255}$/

export interface StoredResponse {
  status: number
  body: unknown
}

/**
 * Idempotency-Key (IETF httpapi draft): the first request with a key runs and its response is kept;
 * a replay gets that response again; the same key with another payload is refused (422); the same key
 * while the first is still running is refused (409). Keys belong to one client.
 */
export async function idempotent(
  deps: { db: Executor; clock: Clock },
  request: FastifyRequest,
  reply: FastifyReply,
  clientId: string,
  options: { required: boolean },
  run: () => Promise<StoredResponse>,
): Promise<FastifyReply> {
  const key = request.headers['idempotency-key']
  if (key === undefined) {
    if (options.required)
      throw badRequest('idempotency_key_required', 'A bulk write needs an Idempotency-Key header.')
    return send(reply, await run())
  }
  if (typeof key !== 'string' || !KEY.test(key)) {
    throw badRequest(
      'invalid_idempotency_key',
      'The Idempotency-Key must be 1 to 255 visible ASCII characters.',
    )
  }
  const fingerprint = createHash('sha256')
    .update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`)
    .digest('hex')

  const claimed = await deps.db
    .insertInto('idempotency_keys')
    .values({
      client_id: clientId,
      key,
      request_hash: fingerprint,
      status: 'in_flight',
      created_at: deps.clock.now(),
    })
    .onConflict((oc) => oc.doNothing())
    .returning('key')
    .executeTakeFirst()
    .catch((error: unknown) => {
      if (isUniqueViolation(error)) return undefined
      throw error
    })
  if (!claimed) return replay(deps.db, reply, clientId, key, fingerprint)

  let response: StoredResponse
  try {
    response = await run()
  } catch (error) {
    // A failure of ours lets the client retry with the same key; a refusal is this payload's answer.
    if (!(error instanceof AppError) || error.status >= 500) {
      await forget(deps.db, clientId, key)
      throw error
    }
    const context = { url: request.url, requestId: request.id }
    response = {
      status: error.status,
      body: problemDocument(error.status, error.code, error.message, context, error.errors),
    }
  }
  await store(deps.db, clientId, key, response)
  return send(reply, response)
}

const send = (reply: FastifyReply, response: StoredResponse) => {
  if (response.status >= 400) reply.type(PROBLEM_CONTENT_TYPE)
  return reply.status(response.status).send(response.body)
}

async function replay(db: Executor, reply: FastifyReply, clientId: string, key: string, fingerprint: string) {
  const previous = await db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'status', 'response_status', 'response_body'])
    .where('client_id', '=', clientId)
    .where('key', '=', key)
    .executeTakeFirstOrThrow()
  if (previous.request_hash !== fingerprint) {
    throw unprocessable('idempotency_key_reused', 'This Idempotency-Key was used for another request.')
  }
  if (previous.status === 'in_flight') {
    throw conflict(
      'idempotency_key_in_flight',
      'A request with this Idempotency-Key is still being processed.',
    )
  }
  reply.header('idempotent-replayed', 'true')
  return send(reply, { status: previous.response_status ?? 200, body: previous.response_body })
}

const store = (db: Executor, clientId: string, key: string, response: StoredResponse) =>
  db
    .updateTable('idempotency_keys')
    .set({ status: 'done', response_status: response.status, response_body: JSON.stringify(response.body) })
    .where('client_id', '=', clientId)
    .where('key', '=', key)
    .execute()

const forget = (db: Executor, clientId: string, key: string) =>
  db.deleteFrom('idempotency_keys').where('client_id', '=', clientId).where('key', '=', key).execute()
