import { quoted, quotedBlock } from '../notifications/quoting.ts'
import { greetingTemplate, type TemplateCatalog } from '../notifications/templates.ts'

const rightsLabel = {
  fr: { results: 'Résultats', invoices: 'Factures' },
  en: { results: 'Results', invoices: 'Invoices' },
} as const
const list = (locale: 'fr' | 'en', rights: string[]) =>
  rights.map((right) => rightsLabel[locale][right as 'results'] ?? right).join(', ')

type Requested = { firstName?: string; requester: string; rights: string[]; requestId: string }
type Decided = { firstName?: string; requestId: string; approved: boolean; rights: string[]; reason?: string }
type Revoked = { firstName?: string; right: string; structureName: string }
type PlaceRequested = { firstName?: string; requester: string; structureName: string; placeId: string }
type PlaceDecided = { firstName?: string; confirmed: boolean; structureName: string; reason?: string }

/** The emails of the access-rights area. */
export const accessTemplates = {
  'access.approval_requested': greetingTemplate<Requested>(
    { fr: 'une demande d’accès attend votre approbation', en: 'an access request awaits your approval' },
    {
      fr: (d) =>
        `${quoted(d.requester, 'fr')} demande l’accès à : ${list('fr', d.rights)}.\nValidez ou modifiez cette demande depuis la page « Approbation des comptes » de votre espace.\n\nDemande : ${d.requestId}`,
      en: (d) =>
        `${quoted(d.requester, 'en')} asks for access to: ${list('en', d.rights)}.\nApprove or change this request from the "Account approvals" page of your space.\n\nRequest: ${d.requestId}`,
    },
  ),
  'access.request_decided': greetingTemplate<Decided>(
    { fr: 'votre demande d’accès', en: 'your access request' },
    {
      fr: (d) =>
        d.approved
          ? `Votre demande d’accès est approuvée : ${list('fr', d.rights)}.`
          : `Votre demande d’accès est refusée.${d.reason ? `\nMotif :\n${quotedBlock(d.reason)}` : ''}`,
      en: (d) =>
        d.approved
          ? `Your access request is approved: ${list('en', d.rights)}.`
          : `Your access request is rejected.${d.reason ? `\nReason:\n${quotedBlock(d.reason)}` : ''}`,
    },
  ),
  'access.delegate_decided': greetingTemplate<Decided>(
    { fr: 'une demande a été décidée par votre délégué', en: 'your delegate decided a request' },
    {
      fr: (d) =>
        `Votre délégué a ${d.approved ? `approuvé l’accès à : ${list('fr', d.rights)}` : 'refusé une demande d’accès'} (demande ${d.requestId}). Vous restez responsable des droits accordés à vos collaborateurs.`,
      en: (d) =>
        `Your delegate ${d.approved ? `approved access to: ${list('en', d.rights)}` : 'rejected an access request'} (request ${d.requestId}). You remain responsible for your collaborators' rights.`,
    },
  ),
  'access.right_revoked': greetingTemplate<Revoked>(
    { fr: 'un droit d’accès vous a été retiré', en: 'an access right was withdrawn' },
    {
      fr: (d) =>
        `Votre accès « ${list('fr', [d.right])} » pour ${quoted(d.structureName, 'fr')} a été retiré.`,
      en: (d) => `Your "${list('en', [d.right])}" access for ${quoted(d.structureName, 'en')} was withdrawn.`,
    },
  ),
  'access.place_requested': greetingTemplate<PlaceRequested>(
    { fr: 'un lieu d’exercice attend votre confirmation', en: 'a practice place awaits your confirmation' },
    {
      fr: (d) =>
        `${quoted(d.requester, 'fr')} demande à être rattaché(e) à ${quoted(d.structureName, 'fr')}.\nConfirmez ou refusez ce rattachement depuis votre espace : tant qu’il n’est pas confirmé, il ne donne aucun droit.\n\nLieu : ${d.placeId}`,
      en: (d) =>
        `${quoted(d.requester, 'en')} asks to join ${quoted(d.structureName, 'en')}.\nConfirm or reject it from your space: until it is confirmed, it gives no right.\n\nPlace: ${d.placeId}`,
    },
  ),
  'access.place_decided': greetingTemplate<PlaceDecided>(
    { fr: 'votre lieu d’exercice', en: 'your practice place' },
    {
      fr: (d) =>
        d.confirmed
          ? `Votre rattachement à ${quoted(d.structureName, 'fr')} est confirmé.`
          : `Votre rattachement à ${quoted(d.structureName, 'fr')} est refusé.${d.reason ? `\nMotif :\n${quotedBlock(d.reason)}` : ''}`,
      en: (d) =>
        d.confirmed
          ? `Your place at ${quoted(d.structureName, 'en')} is confirmed.`
          : `Your place at ${quoted(d.structureName, 'en')} is rejected.${d.reason ? `\nReason:\n${quotedBlock(d.reason)}` : ''}`,
    },
  ),
} satisfies TemplateCatalog

type AccessTemplates = typeof accessTemplates
declare module '../notifications/catalog.ts' {
  interface EmailCatalog extends AccessTemplates {}
}
