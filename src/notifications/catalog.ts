import type { foundationTemplates } from './templates.ts'

type FoundationTemplates = typeof foundationTemplates

/**
 * Every email the service sends, by template name: `Deps.outbox` is typed by it, so an email queued with
 * an unknown template, or with data or secrets of another shape than its template renders, does not
 * compile. Each area adds its templates from its own emails file (`declare module
 * '../notifications/catalog.ts'`), so this folder, and `deps.ts`, import no area.
 */
export interface EmailCatalog extends FoundationTemplates {}
