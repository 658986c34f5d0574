import { accountRequestTemplates } from './access/account-request-emails.ts'
import { accessTemplates } from './access/emails.ts'
import { accountTemplates } from './accounts/emails.ts'
import { mailboxTemplates } from './mailboxes/emails.ts'
import { foundationTemplates, type TemplateCatalog } from './notifications/templates.ts'

/** Every email the service sends, by template name: each area adds its own. */
export const emailTemplates = {
  ...foundationTemplates,
  ...accountTemplates,
  ...accessTemplates,
  ...accountRequestTemplates,
  ...mailboxTemplates,
} satisfies TemplateCatalog

/** The catalogue's type: queueing an email checks its template name and data against it. */
export type EmailCatalog = typeof emailTemplates
export type TemplateName = keyof EmailCatalog
