import type { TemplateCatalog } from '../notifications/templates.ts'

/** The emails of account requests by managers. */
export const accountRequestTemplates = {} satisfies TemplateCatalog
