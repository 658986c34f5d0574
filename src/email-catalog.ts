import { foundationTemplates, type TemplateCatalog } from './notifications/templates.ts'

/** Every email the service sends, by template name: each area adds its own. */
export const emailTemplates: TemplateCatalog = {
  ...foundationTemplates,
}
