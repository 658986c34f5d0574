import { describe, expect, it } from 'vitest'
import type { Executor } from '../../src/db/schema.ts'
import type { Deps } from '../../src/deps.ts'
import { emailTemplates } from '../../src/email-templates.ts'

// What `npm run typecheck` proves: each line marked `@ts-expect-error` must fail to compile, or the
// check fails. Never called; queueing is tested against the database in outbox.test.ts.
function queueingChecksTheCatalogue(outbox: Deps['outbox'], db: Executor) {
  return [
    outbox.enqueue(db, { to: 'claire.martin@example.org', template: 'ops.test' }),
    outbox.enqueue(db, {
      to: 'claire.martin@example.org',
      template: 'account.login_code',
      data: { firstName: 'Claire' },
      secrets: { code: '123456' },
    }),
    // @ts-expect-error no template by that name
    outbox.enqueue(db, { to: 'claire.martin@example.org', template: 'account.no_such_email' }),
    // @ts-expect-error the login code template needs its code, as a secret
    outbox.enqueue(db, { to: 'claire.martin@example.org', template: 'account.login_code', data: {} }),
    // @ts-expect-error a code is a string
    outbox.enqueue(db, {
      to: 'claire.martin@example.org',
      template: 'account.login_code',
      secrets: { code: 1 },
    }),
    // @ts-expect-error an invitation's data names its mailbox, its role, its link…
    outbox.enqueue(db, { to: 'claire.martin@example.org', template: 'mailbox.invitation', data: {} }),
  ]
}

describe('the email catalogue', () => {
  it('has a template, in every locale, for every name an area adds to it', () => {
    expect(queueingChecksTheCatalogue).toBeTypeOf('function')
    for (const template of Object.values(emailTemplates))
      expect(Object.keys(template).sort()).toEqual(['en', 'fr'])
  })
})
