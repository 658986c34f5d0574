import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { type AuditActor, recordAudit } from '../audit/audit.ts'
import type { Clock } from '../clock.ts'
import type { Executor } from '../db/schema.ts'
import { notFound } from '../shared/errors.ts'
import { labById } from './repository.ts'

// Client secrets are 256 random bits: a plain SHA-256 is enough to keep them unusable if the table
// leaks (nothing to brute-force), and it keeps the token endpoint fast.
const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex')
const DUMMY_HASH = hashSecret('no such client')

export async function createLabClient(
  deps: { db: Executor; clock: Clock },
  actor: AuditActor,
  labId: string,
  name: string,
) {
  const secret = `lcs_${randomBytes(32).toString('base64url')}`
  return deps.db.transaction().execute(async (trx) => {
    if (!(await labById(trx, labId))) throw notFound('not_found', 'No such lab.')
    const client = await trx
      .insertInto('lab_clients')
      .values({ lab_id: labId, name, secret_hash: hashSecret(secret), created_at: deps.clock.now() })
      .returning(['id', 'created_at'])
      .executeTakeFirstOrThrow()
    await recordAudit(trx, deps.clock, actor, {
      action: 'lab_client.created',
      subjectType: 'lab_client',
      subjectId: client.id,
      details: { labId, name },
    })
    return {
      clientId: client.id,
      clientSecret: secret,
      labId,
      name,
      createdAt: client.created_at.toISOString(),
    }
  })
}

export async function revokeLabClient(
  deps: { db: Executor; clock: Clock },
  actor: AuditActor,
  labId: string,
  clientId: string,
) {
  await deps.db.transaction().execute(async (trx) => {
    const revoked = await trx
      .updateTable('lab_clients')
      .set({ revoked_at: deps.clock.now() })
      .where('id', '=', clientId)
      .where('lab_id', '=', labId)
      .where('revoked_at', 'is', null)
      .returning('id')
      .executeTakeFirst()
    if (!revoked) throw notFound('not_found', 'No such active client for this lab.')
    await recordAudit(trx, deps.clock, actor, {
      action: 'lab_client.revoked',
      subjectType: 'lab_client',
      subjectId: clientId,
    })
  })
}

/** The client's lab when the secret matches an active client; the comparison takes the same time otherwise. */
export async function authenticateLabClient(
  db: Executor,
  clientId: string,
  secret: string,
): Promise<string | null> {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(clientId)
  const client = uuid
    ? await db
        .selectFrom('lab_clients')
        .select(['lab_id', 'secret_hash'])
        .where('id', '=', clientId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst()
    : undefined
  const expected = Buffer.from(client?.secret_hash ?? DUMMY_HASH, 'hex')
  const matches = timingSafeEqual(expected, Buffer.from(hashSecret(secret), 'hex'))
  return client && matches ? client.lab_id : null
}

/** Whether this client of this lab exists and is not revoked: its tokens stand only while it does. */
export async function isActiveLabClient(db: Executor, clientId: string, labId: string): Promise<boolean> {
  const client = await db
    .selectFrom('lab_clients')
    .select('id')
    .where('id', '=', clientId)
    .where('lab_id', '=', labId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return client !== undefined
}
