import { accountRequestTemplates } from './access/account-request-emails.ts'
import { accessTemplates } from './access/emails.ts'
import { accountTemplates } from './accounts/emails.ts'
import { mailboxTemplates } from './mailboxes/emails.ts'
import type { EmailCatalog } from './notifications/catalog.ts'
import { foundationTemplates, type TemplateCatalog } from './notifications/templates.ts'

/**
 * Every area's templates, for the worker that renders them. Their types are `EmailCatalog`, which each
 * area's emails file extends; `satisfies` checks that no template the catalogue names is missing here.
 */
export const emailTemplates = {
  ...foundationTemplates,
  ...accountTemplates,
  ...accessTemplates,
  ...accountRequestTemplates,
  ...mailboxTemplates,
} satisfies TemplateCatalog & EmailCatalog
