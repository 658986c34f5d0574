import { greetingTemplate, type TemplateCatalog } from '../notifications/templates.ts'

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
  'access.request_decided': {
    fr: (d: Decided) => ({
      subject: 'Sésame : votre demande d’accès',
      text: `Bonjour${d.firstName ? ` ${d.firstName}` : ''},\n\n${d.approved ? `Votre demande d’accès est approuvée : ${list('fr', d.rights)}.` : `Votre demande d’accès est refusée.${d.reason ? `\nMotif : ${d.reason}` : ''}`}\n\nL'équipe Sésame`,
    }),
    en: (d: Decided) => ({
      subject: 'Sésame: your access request',
      text: `Hello${d.firstName ? ` ${d.firstName}` : ''},\n\n${d.approved ? `Your access request is approved: ${list('en', d.rights)}.` : `Your access request is rejected.${d.reason ? `\nReason: ${d.reason}` : ''}`}\n\nThe Sésame team`,
    }),
  },
  'access.delegate_decided': {
    fr: (d: Decided) => ({
      subject: 'Sésame : une demande a été décidée par votre délégué',
      text: `Bonjour${d.firstName ? ` ${d.firstName}` : ''},\n\nVotre délégué a ${d.approved ? `approuvé l’accès à : ${list('fr', d.rights)}` : 'refusé une demande d’accès'} (demande ${d.requestId}). Vous restez responsable des droits accordés à vos collaborateurs.\n\nL'équipe Sésame`,
    }),
    en: (d: Decided) => ({
      subject: 'Sésame: your delegate decided a request',
      text: `Hello${d.firstName ? ` ${d.firstName}` : ''},\n\nYour delegate ${d.approved ? `approved access to: ${list('en', d.rights)}` : 'rejected an access request'} (request ${d.requestId}). You remain responsible for your collaborators' rights.\n\nThe Sésame team`,
    }),
  },
  'access.right_revoked': {
    fr: (d: { firstName?: string; right: string; structureName: string }) => ({
      subject: 'Sésame : un droit d’accès vous a été retiré',
      text: `Bonjour${d.firstName ? ` ${d.firstName}` : ''},\n\nVotre accès « ${list('fr', [d.right])} » pour ${d.structureName} a été retiré.\n\nL'équipe Sésame`,
    }),
    en: (d: { firstName?: string; right: string; structureName: string }) => ({
      subject: 'Sésame: an access right was withdrawn',
      text: `Hello${d.firstName ? ` ${d.firstName}` : ''},\n\nYour "${list('en', [d.right])}" access for ${d.structureName} was withdrawn.\n\nThe Sésame team`,
    }),
  },
  'access.place_requested': greetingTemplate<{
    firstName?: string
    requester: string
    structureName: string
    placeId: string
  }>(
    { fr: 'un lieu d’exercice attend votre confirmation', en: 'a practice place awaits your confirmation' },
    {
      fr: (d) =>
        `« ${d.requester} » demande à être rattaché(e) à « ${d.structureName} ».\nConfirmez ou refusez ce rattachement depuis votre espace : tant qu’il n’est pas confirmé, il ne donne aucun droit.\n\nLieu : ${d.placeId}`,
      en: (d) =>
        `"${d.requester}" asks to join "${d.structureName}".\nConfirm or reject it from your space: until it is confirmed, it gives no right.\n\nPlace: ${d.placeId}`,
    },
  ),
  'access.place_decided': greetingTemplate<{
    firstName?: string
    confirmed: boolean
    structureName: string
    reason?: string
  }>(
    { fr: 'votre lieu d’exercice', en: 'your practice place' },
    {
      fr: (d) =>
        d.confirmed
          ? `Votre rattachement à « ${d.structureName} » est confirmé.`
          : `Votre rattachement à « ${d.structureName} » est refusé.${d.reason ? `\nMotif : « ${d.reason} »` : ''}`,
      en: (d) =>
        d.confirmed
          ? `Your place at "${d.structureName}" is confirmed.`
          : `Your place at "${d.structureName}" is rejected.${d.reason ? `\nReason: "${d.reason}"` : ''}`,
    },
  ),
} satisfies TemplateCatalog

type Decided = { firstName?: string; requestId: string; approved: boolean; rights: string[]; reason?: string }
