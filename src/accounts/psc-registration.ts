import { randomToken } from '../auth/secrets.ts'
import type { Executor } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import type { PscIdentity } from '../psc/claims.ts'
import { badRequest, bodyProblem, type FieldProblem, unprocessable } from '../shared/errors.ts'
import { PROFESSIONS, professionOf } from '../shared/professions.ts'
import { findStructure } from '../structures/repository.ts'
import type { RegistrationInput } from './registration-schema.ts'

/**
 * A professional Pro Santé Connect knows and Sésame does not: what PSC said of them is kept on the
 * server for 30 minutes behind a single-use token, which `POST /v1/registrations` accepts instead of
 * typed identity fields.
 */
const REGISTRATION_MINUTES = 30
const TOKEN_PURPOSE = 'psc-registration'

const invalidToken = () =>
  unprocessable(
    'psc_registration_token_invalid',
    'This Pro Santé Connect registration token is unknown, expired or already used: sign in with Pro Santé Connect again.',
    [{ in: 'body', field: 'pscRegistrationToken', message: 'is not valid' }],
  )

/** The identity fields PSC vouches for, as the registration form names them. */
function verifiedFields(identity: PscIdentity) {
  const fields = {
    rpps: identity.rpps,
    civility: identity.civility,
    practiceCivility: identity.practiceCivility,
    firstName: identity.firstName,
    lastName: identity.lastName,
    profession: identity.profession && identity.profession in PROFESSIONS ? identity.profession : null,
  }
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null)) as Partial<
    Pick<RegistrationInput, keyof typeof fields>
  >
}

/** Keeps the identity for a registration; answers the token and what the form can be filled with. */
export async function issuePscRegistration(deps: Deps, trx: Executor, identity: PscIdentity) {
  const token = randomToken()
  const now = deps.clock.now()
  const expiresAt = new Date(now.getTime() + REGISTRATION_MINUTES * 60_000)
  await trx
    .insertInto('psc_registration_tokens')
    .values({
      token_hash: deps.secrets.hash(TOKEN_PURPOSE, token),
      national_id: identity.nationalId,
      identity: JSON.stringify(identity),
      created_at: now,
      expires_at: expiresAt,
    })
    .execute()
  await trx
    .deleteFrom('psc_registration_tokens')
    .where('expires_at', '<', new Date(now.getTime() - 86_400_000))
    .execute()
  // The practice sites Sésame knows already, by FINESS, else by SIRET.
  const practiceSites = await Promise.all(
    identity.sites.map(async (site) => ({
      ...site,
      structureId: (await findStructure(trx, site))?.id ?? null,
    })),
  )
  return {
    registrationToken: token,
    expiresAt: expiresAt.toISOString(),
    prefill: {
      rpps: identity.rpps,
      civility: identity.civility,
      practiceCivility: identity.practiceCivility,
      firstName: identity.firstName,
      lastName: identity.lastName,
      profession: professionOf(verifiedFields(identity).profession ?? null),
      practiceSites,
    },
  }
}

/** The identity behind a registration token, without spending it. */
export async function peekPscRegistration(deps: Deps, token: string): Promise<PscIdentity> {
  const row = await deps.db
    .selectFrom('psc_registration_tokens')
    .select('identity')
    .where('token_hash', '=', deps.secrets.hash(TOKEN_PURPOSE, token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', deps.clock.now())
    .executeTakeFirst()
  if (!row) throw invalidToken()
  return row.identity as PscIdentity
}

/** Spends the token, once, in the registration's transaction. */
export async function consumePscRegistration(deps: Deps, trx: Executor, token: string) {
  const now = deps.clock.now()
  const spent = await trx
    .updateTable('psc_registration_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', deps.secrets.hash(TOKEN_PURPOSE, token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('token_hash')
    .executeTakeFirst()
  if (!spent) throw invalidToken()
}

/**
 * The form completed with the identity PSC verified. Those fields may not be typed (400 naming each);
 * a field PSC left empty (a civility, say) is typed as usual.
 */
export function withPscIdentity(input: RegistrationInput, identity: PscIdentity): RegistrationInput {
  if (!identity.rpps) throw invalidToken()
  const verified = verifiedFields(identity)
  const problems: FieldProblem[] = []
  if (input.profile !== 'health_professional') {
    problems.push(bodyProblem('profile', 'must be health_professional with a Pro Santé Connect registration'))
  }
  for (const field of Object.keys(verified) as (keyof typeof verified)[]) {
    if (input[field] !== undefined) {
      problems.push(bodyProblem(field, 'comes from Pro Santé Connect and may not be typed'))
    }
  }
  if (problems.length > 0)
    throw badRequest('invalid_registration', 'The registration is not valid.', problems)
  return { ...input, ...verified }
}
