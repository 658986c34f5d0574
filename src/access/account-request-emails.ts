import { quoted, quotedBlock } from '../notifications/quoting.ts'
import { greetingTemplate, type TemplateCatalog } from '../notifications/templates.ts'

const plain = greetingTemplate
type Name = { firstName?: string }

const due = (iso: string, locale: 'fr-FR' | 'en-GB') =>
  new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' }).format(
    new Date(iso),
  )
const places = (names: string[], locale: 'fr' | 'en') =>
  names.map((name) => `  - ${quoted(name, locale)}`).join('\n')

export type WelcomeData = Name & {
  email: string
  requester: string
  workplaces: string[]
  activationUrl: string
}
export type UpdatedData = Name & { requester: string; workplaces: string[] }
export type FulfilledData = Name & { requestId: string; user: string; email: string; updated: boolean }
export type RejectedData = Name & { requestId: string; user: string; reason: string }
export type SubmittedData = Name & {
  requestId: string
  requester: string
  user: string
  occupation: string
  previousAccount: boolean
  dueAt: string
}

/**
 * The emails of account requests by managers. The provisional access code of a welcome email is a
 * secret: sealed in the outbox, erased once sent, never in the payload.
 */
export const accountRequestTemplates = {
  /** To the new user: what their first sign-in needs. */
  'account_request.welcome': plain<WelcomeData, { provisionalCode: string }>(
    { fr: 'bienvenue, votre compte est créé', en: 'welcome, your account is ready' },
    {
      fr: (d, s) =>
        `${quoted(d.requester, 'fr')} a demandé la création de votre compte Sésame ; il est prêt.\n\n` +
        `Identifiant : ${d.email}\nCode d'accès provisoire : ${s.provisionalCode}\n\n` +
        `Pour votre première connexion, ouvrez ${d.activationUrl}, saisissez votre adresse et ce code, puis choisissez votre mot de passe. ` +
        `Le code est valable 7 jours et ne sert qu'une fois ; ne le communiquez à personne.\n\n` +
        `Établissements auxquels vous avez accès :\n${places(d.workplaces, 'fr')}`,
      en: (d, s) =>
        `${quoted(d.requester, 'en')} asked for your Sésame account to be created; it is ready.\n\n` +
        `Login: ${d.email}\nProvisional access code: ${s.provisionalCode}\n\n` +
        `For your first sign-in, open ${d.activationUrl}, enter your address and this code, then choose your password. ` +
        `The code is valid for 7 days and works once; share it with nobody.\n\n` +
        `Institutions you have access to:\n${places(d.workplaces, 'en')}`,
    },
  ),
  /** To a user whose existing account was updated instead of a new one being created. */
  'account_request.account_updated': plain<UpdatedData>(
    { fr: 'votre compte a été mis à jour', en: 'your account was updated' },
    {
      fr: (d) =>
        `À la demande de ${quoted(d.requester, 'fr')}, votre compte Sésame existant a été mis à jour : continuez à vous connecter avec votre adresse et votre mot de passe habituels.\n\n` +
        `Établissements de votre compte :\n${places(d.workplaces, 'fr')}\n\nSi vous avez oublié votre mot de passe, utilisez « mot de passe oublié ».`,
      en: (d) =>
        `At the request of ${quoted(d.requester, 'en')}, your existing Sésame account was updated: keep signing in with your usual address and password.\n\n` +
        `Institutions of your account:\n${places(d.workplaces, 'en')}\n\nIf you forgot your password, use "forgot password".`,
    },
  ),
  /** To the requester, once the new user's email has been sent. */
  'account_request.fulfilled': plain<FulfilledData>(
    { fr: 'le compte demandé est prêt', en: 'the account you requested is ready' },
    {
      fr: (d) =>
        `${d.updated ? `Le compte existant de ${quoted(d.user, 'fr')} a été mis à jour` : `Le compte de ${quoted(d.user, 'fr')} a été créé`} et ses accès lui ont été envoyés à ${d.email}.\n` +
        `Assurez-vous de sa formation à l'utilisation de son nouvel outil de travail.\n\nDemande : ${d.requestId}`,
      en: (d) =>
        `${d.updated ? `The existing account of ${quoted(d.user, 'en')} was updated` : `The account of ${quoted(d.user, 'en')} was created`} and their access was sent to ${d.email}.\n` +
        `Please make sure they are trained to use their new work tool.\n\nRequest: ${d.requestId}`,
    },
  ),
  /** To the requester, when support refuses the request. */
  'account_request.rejected': plain<RejectedData>(
    { fr: 'votre demande de création de compte', en: 'your account request' },
    {
      fr: (d) =>
        `Votre demande de création de compte pour ${quoted(d.user, 'fr')} n'a pas été acceptée.\nMotif :\n${quotedBlock(d.reason)}\n\nDemande : ${d.requestId}`,
      en: (d) =>
        `Your account request for ${quoted(d.user, 'en')} was not accepted.\nReason:\n${quotedBlock(d.reason)}\n\nRequest: ${d.requestId}`,
    },
  ),
  /** To the support desk: a new request to fulfil within 3 business days. */
  'account_request.submitted_support': plain<SubmittedData>(
    { fr: 'nouvelle demande de création de compte', en: 'new account request' },
    {
      fr: (d) =>
        `${quoted(d.requester, 'fr')} demande ${d.previousAccount ? 'la mise à jour du compte existant' : 'la création du compte'} de ${quoted(d.user, 'fr')} (${d.occupation}).\n` +
        `À traiter avant le ${due(d.dueAt, 'fr-FR')} (heure de Paris).\n\nDemande : ${d.requestId}`,
      en: (d) =>
        `${quoted(d.requester, 'en')} requests ${d.previousAccount ? 'an update of the existing account' : 'an account'} for ${quoted(d.user, 'en')} (${d.occupation}).\n` +
        `Due by ${due(d.dueAt, 'en-GB')} (Paris time).\n\nRequest: ${d.requestId}`,
    },
  ),
} satisfies TemplateCatalog

type AccountRequestTemplates = typeof accountRequestTemplates
declare module '../notifications/catalog.ts' {
  interface EmailCatalog extends AccountRequestTemplates {}
}
