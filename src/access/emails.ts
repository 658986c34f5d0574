import type { TemplateCatalog } from '../notifications/templates.ts'

const rightsLabel = {
  fr: { results: 'Résultats', invoices: 'Factures' },
  en: { results: 'Results', invoices: 'Invoices' },
} as const
const list = (locale: 'fr' | 'en', rights: string[]) =>
  rights.map((right) => rightsLabel[locale][right as 'results'] ?? right).join(', ')

/** The emails of the access-rights area. */
export const accessTemplates = {
  'access.approval_requested': {
    fr: (d: { firstName?: string; requester: string; rights: string[]; requestId: string }) => ({
      subject: 'Sésame : une demande d’accès attend votre approbation',
      text: `Bonjour${d.firstName ? ` ${d.firstName}` : ''},\n\n${d.requester} demande l’accès à : ${list('fr', d.rights)}.\nValidez ou modifiez cette demande depuis la page « Approbation des comptes » de votre espace.\n\nDemande : ${d.requestId}\n\nL'équipe Sésame`,
    }),
    en: (d: { firstName?: string; requester: string; rights: string[]; requestId: string }) => ({
      subject: 'Sésame: an access request awaits your approval',
      text: `Hello${d.firstName ? ` ${d.firstName}` : ''},\n\n${d.requester} asks for access to: ${list('en', d.rights)}.\nApprove or change this request from the "Account approvals" page of your space.\n\nRequest: ${d.requestId}\n\nThe Sésame team`,
    }),
  },
} satisfies TemplateCatalog
