import { quoted, quotedBlock } from '../notifications/quoting.ts'
import { greetingTemplate, type TemplateCatalog } from '../notifications/templates.ts'

type Box = { firstName?: string; name: string; address?: string | null; reason?: string | undefined }

/** The emails to a box's managers about its lifecycle, which all show the same data (`Box`). */
export type BoxTemplate =
  | 'mailbox.validated'
  | 'mailbox.rejected'
  | 'mailbox.activated'
  | 'mailbox.suspended'
  | 'mailbox.reopened'
  | 'mailbox.closed'
type ToSupport = {
  firstName?: string
  mailboxId: string
  kind?: string
  name: string
  address?: string | null
  reason?: string
}
type Invited = {
  firstName?: string
  inviter: string
  name: string
  role: 'manager' | 'member'
  link: string
  expiresAt: string
}

const reasonBlock = { fr: 'Motif :', en: 'Reason:' }
const withReason = (locale: 'fr' | 'en', reason?: string) =>
  reason ? `\n${reasonBlock[locale]}\n${quotedBlock(reason)}` : ''
const roleLabel = {
  fr: { manager: 'gestionnaire', member: 'membre' },
  en: { manager: 'manager', member: 'member' },
} as const

/** The emails of the mailboxes area: to the support desk, the managers of a box, and invitees. */
export const mailboxTemplates = {
  'mailbox.created_support': greetingTemplate<ToSupport>(
    { fr: 'nouvelle boîte aux lettres à valider', en: 'new mailbox to validate' },
    {
      fr: (d) => `Nouvelle boîte aux lettres ${d.kind} : ${quoted(d.name, 'fr')}.\nBoîte : ${d.mailboxId}`,
      en: (d) => `New ${d.kind} mailbox: ${quoted(d.name, 'en')}.\nMailbox: ${d.mailboxId}`,
    },
  ),
  'mailbox.closure_requested_support': greetingTemplate<ToSupport>(
    { fr: 'demande de fermeture d’une boîte aux lettres', en: 'a mailbox asks to be closed' },
    {
      fr: (d) =>
        `Un gestionnaire demande la fermeture de la boîte ${quoted(d.name, 'fr')} (${d.address ?? 'sans adresse'}).${withReason('fr', d.reason)}\nBoîte : ${d.mailboxId}`,
      en: (d) =>
        `A manager asks to close the mailbox ${quoted(d.name, 'en')} (${d.address ?? 'no address'}).${withReason('en', d.reason)}\nMailbox: ${d.mailboxId}`,
    },
  ),
  'mailbox.validated': greetingTemplate<Box>(
    { fr: 'votre boîte aux lettres est validée', en: 'your mailbox is validated' },
    {
      fr: (d) =>
        `La boîte aux lettres ${quoted(d.name, 'fr')} est validée. Son adresse MSSanté, ${d.address}, est en cours de création : un message vous le dira quand elle sera prête.`,
      en: (d) =>
        `The mailbox ${quoted(d.name, 'en')} is validated. Its MSSanté address, ${d.address}, is being set up: you will be told when it is ready.`,
    },
  ),
  'mailbox.rejected': greetingTemplate<Box>(
    { fr: 'votre demande de boîte aux lettres', en: 'your mailbox request' },
    {
      fr: (d) =>
        `La boîte aux lettres ${quoted(d.name, 'fr')} n’a pas été validée.${withReason('fr', d.reason)}`,
      en: (d) => `The mailbox ${quoted(d.name, 'en')} was not validated.${withReason('en', d.reason)}`,
    },
  ),
  'mailbox.activated': greetingTemplate<Box>(
    { fr: 'votre adresse MSSanté est prête', en: 'your MSSanté address is ready' },
    {
      fr: (d) =>
        `La boîte aux lettres ${quoted(d.name, 'fr')} est active. Son adresse MSSanté est : ${d.address}\n\nPour l’utiliser, connectez-vous à votre compte, puis changez de compte vers cette boîte.`,
      en: (d) =>
        `The mailbox ${quoted(d.name, 'en')} is active. Its MSSanté address is: ${d.address}\n\nTo use it, sign in to your account, then switch to this mailbox.`,
    },
  ),
  'mailbox.suspended': greetingTemplate<Box>(
    { fr: 'votre boîte aux lettres est suspendue', en: 'your mailbox is suspended' },
    {
      fr: (d) =>
        `La boîte aux lettres ${quoted(d.name, 'fr')} (${d.address}) est suspendue.${withReason('fr', d.reason)}`,
      en: (d) =>
        `The mailbox ${quoted(d.name, 'en')} (${d.address}) is suspended.${withReason('en', d.reason)}`,
    },
  ),
  'mailbox.reopened': greetingTemplate<Box>(
    { fr: 'votre boîte aux lettres est rétablie', en: 'your mailbox is back' },
    {
      fr: (d) => `La suspension de la boîte aux lettres ${quoted(d.name, 'fr')} (${d.address}) est levée.`,
      en: (d) => `The suspension of the mailbox ${quoted(d.name, 'en')} (${d.address}) is lifted.`,
    },
  ),
  'mailbox.closed': greetingTemplate<Box>(
    { fr: 'votre boîte aux lettres est fermée', en: 'your mailbox is closed' },
    {
      fr: (d) => `La boîte aux lettres ${quoted(d.name, 'fr')} est fermée.${withReason('fr', d.reason)}`,
      en: (d) => `The mailbox ${quoted(d.name, 'en')} is closed.${withReason('en', d.reason)}`,
    },
  ),
  'mailbox.invitation': greetingTemplate<Invited>(
    { fr: 'invitation à une boîte aux lettres partagée', en: 'invitation to a shared mailbox' },
    {
      fr: (d) =>
        `${quoted(d.inviter, 'fr')} vous invite dans la boîte aux lettres ${quoted(d.name, 'fr')} en tant que ${roleLabel.fr[d.role]}.\n\nConnectez-vous à votre compte individuel pour accepter : ${d.link}\nVous n’avez pas encore de compte ? Inscrivez-vous d’abord avec cette adresse, puis ouvrez ce lien.\n\nCette invitation vaut jusqu’au ${d.expiresAt.slice(0, 10)}. Si vous ne connaissez pas cette boîte, ignorez ce message.`,
      en: (d) =>
        `${quoted(d.inviter, 'en')} invites you into the mailbox ${quoted(d.name, 'en')} as a ${roleLabel.en[d.role]}.\n\nSign in to your individual account to accept: ${d.link}\nNo account yet? Register with this address first, then open the link.\n\nThis invitation holds until ${d.expiresAt.slice(0, 10)}. If you do not know this mailbox, ignore this message.`,
    },
  ),
} satisfies TemplateCatalog

type MailboxTemplates = typeof mailboxTemplates
declare module '../notifications/catalog.ts' {
  interface EmailCatalog extends MailboxTemplates {}
}
