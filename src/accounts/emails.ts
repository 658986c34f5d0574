import { quoted, quotedBlock } from '../notifications/quoting.ts'
import { greetingTemplate, type TemplateCatalog } from '../notifications/templates.ts'

const plain = greetingTemplate
type Name = { firstName?: string }

/** The emails of the accounts area; codes and links come as secrets, never stored in clear. */
export const accountTemplates = {
  'account.email_proof': plain<Name & { purpose: string }, { code: string }>(
    { fr: 'votre code de vérification', en: 'your verification code' },
    {
      fr: (_d, s) =>
        `Votre code de vérification est : ${s.code}\n\nIl est valable 10 minutes. Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.`,
      en: (_d, s) =>
        `Your verification code is: ${s.code}\n\nIt is valid for 10 minutes. If you did not ask for it, ignore this message.`,
    },
  ),
  'account.email_proof_existing': plain<Name & { purpose: string }>(
    { fr: 'adresse déjà utilisée', en: 'address already in use' },
    {
      fr: () =>
        "Quelqu'un a demandé à vérifier cette adresse, mais elle est déjà celle d'un compte Sésame. Si c'est vous, connectez-vous, ou utilisez « mot de passe oublié ». Sinon, ignorez ce message.",
      en: () =>
        'Someone asked to verify this address, but it already belongs to a Sésame account. If that was you, sign in, or use "forgot password". Otherwise, ignore this message.',
    },
  ),
  'account.login_code': plain<Name, { code: string }>(
    { fr: 'votre code de connexion', en: 'your sign-in code' },
    {
      fr: (_d, s) =>
        `Votre code à usage unique pour vous connecter est : ${s.code}\n\nIl est valable 10 minutes. Si vous n'essayez pas de vous connecter, changez votre mot de passe.`,
      en: (_d, s) =>
        `Your one-time sign-in code is: ${s.code}\n\nIt is valid for 10 minutes. If you are not signing in, change your password.`,
    },
  ),
  'account.step_up_code': plain<Name, { code: string }>(
    { fr: 'confirmez qu’il s’agit bien de vous', en: 'confirm it is you' },
    {
      fr: (_d, s) =>
        `Pour confirmer une opération sensible sur votre compte (adresse, mot de passe, second facteur, délégation, boîte aux lettres sécurisée), saisissez ce code : ${s.code}\n\nIl est valable 10 minutes. Si vous n'êtes pas à l'origine de cette demande, changez votre mot de passe.`,
      en: (_d, s) =>
        `To confirm a sensitive change to your account (address, password, second factor, delegation, secure mailbox), enter this code: ${s.code}\n\nIt is valid for 10 minutes. If you did not ask for it, change your password.`,
    },
  ),
  'account.login_changed': plain<Name & { address: string }>(
    { fr: 'votre identifiant de connexion a changé', en: 'your sign-in address changed' },
    {
      fr: (d) =>
        `L'adresse de connexion de votre compte n'est plus celle-ci : c'est désormais « ${d.address} ». Vos autres sessions ont été fermées.\n\nSi vous n'êtes pas à l'origine de ce changement, contactez le support sans attendre.`,
      en: (d) =>
        `Your account no longer signs in with this address: it is now "${d.address}". Your other sessions were ended.\n\nIf you did not make this change, contact support at once.`,
    },
  ),
  'account.registered_support': plain<
    Name & { accountId: string; name: string; profile: string; status: string; identityVerifiedBy?: 'psc' }
  >(
    { fr: 'nouvelle inscription à valider', en: 'new registration to validate' },
    {
      fr: (d) =>
        `Nouvelle inscription : ${quoted(d.name, 'fr')} (${d.profile}), statut ${d.status}.\nCompte : ${d.accountId}` +
        (d.identityVerifiedBy === 'psc' ? '\nIdentité vérifiée par Pro Santé Connect.' : ''),
      en: (d) =>
        `New registration: ${quoted(d.name, 'en')} (${d.profile}), status ${d.status}.\nAccount: ${d.accountId}` +
        (d.identityVerifiedBy === 'psc' ? '\nIdentity verified by Pro Santé Connect.' : ''),
    },
  ),
  'account.validated': plain<Name & { withCode: boolean; withPsc?: boolean }, { provisionalCode?: string }>(
    { fr: 'votre compte est activé', en: 'your account is active' },
    {
      fr: (d, s) =>
        d.withCode
          ? `Votre inscription est validée. Votre code d'accès provisoire est : ${s.provisionalCode}\n\nIl est valable 7 jours : à la première connexion, il vous sera demandé de définir votre mot de passe.`
          : d.withPsc
            ? 'Votre inscription est validée : vous pouvez vous connecter avec Pro Santé Connect.'
            : 'Votre inscription est validée : vous pouvez vous connecter.',
      en: (d, s) =>
        d.withCode
          ? `Your registration is validated. Your provisional access code is: ${s.provisionalCode}\n\nIt is valid for 7 days: at your first sign-in you will set your password.`
          : d.withPsc
            ? 'Your registration is validated: you can sign in with Pro Santé Connect.'
            : 'Your registration is validated: you can sign in.',
    },
  ),
  'account.rejected': plain<Name & { reason: string }>(
    { fr: 'votre inscription', en: 'your registration' },
    {
      fr: (d) => `Votre demande d'inscription n'a pas été acceptée.\nMotif :\n${quotedBlock(d.reason)}`,
      en: (d) => `Your registration was not accepted.\nReason:\n${quotedBlock(d.reason)}`,
    },
  ),
  'account.profile_change_decided': plain<Name & { approved: boolean; reason?: string }>(
    { fr: 'votre demande de modification', en: 'your change request' },
    {
      fr: (d) =>
        d.approved
          ? 'Votre demande de modification de profil a été acceptée.'
          : `Votre demande de modification de profil a été refusée.${d.reason ? `\nMotif :\n${quotedBlock(d.reason)}` : ''}`,
      en: (d) =>
        d.approved
          ? 'Your profile change request was approved.'
          : `Your profile change request was refused.${d.reason ? `\nReason:\n${quotedBlock(d.reason)}` : ''}`,
    },
  ),
  'account.password_changed': plain<Name>(
    { fr: 'mot de passe modifié', en: 'password changed' },
    {
      fr: () =>
        "Le mot de passe de votre compte vient d'être modifié, et vos sessions ont été fermées. Si ce n'est pas vous, contactez le support.",
      en: () =>
        'Your password was just changed, and your sessions were closed. If this was not you, contact support.',
    },
  ),
  'account.password_reset': plain<Name, { link: string }>(
    { fr: 'réinitialisation du mot de passe', en: 'password reset' },
    {
      fr: (_d, s) =>
        `Pour choisir un nouveau mot de passe, ouvrez ce lien (valable 30 minutes, une seule fois) :\n${s.link}\n\nSi vous n'avez rien demandé, ignorez ce message.`,
      en: (_d, s) =>
        `To choose a new password, open this link (valid once, for 30 minutes):\n${s.link}\n\nIf you did not ask, ignore this message.`,
    },
  ),
  'account.email_added': plain<Name & { address: string }>(
    { fr: 'nouvelle adresse ajoutée', en: 'address added' },
    {
      fr: (d) =>
        `L'adresse ${d.address} a été ajoutée à votre compte. Si ce n'est pas vous, contactez le support.`,
      en: (d) => `The address ${d.address} was added to your account. If this was not you, contact support.`,
    },
  ),
  'account.profile_change_requested_support': plain<Name & { accountId: string; requestId: string }>(
    { fr: 'modification de profil à valider', en: 'profile change to review' },
    {
      fr: (d) =>
        `Une demande de modification de profil attend votre décision.\nCompte : ${d.accountId}\nDemande : ${d.requestId}`,
      en: (d) =>
        `A profile change request awaits your decision.\nAccount: ${d.accountId}\nRequest: ${d.requestId}`,
    },
  ),
} satisfies TemplateCatalog

type AccountTemplates = typeof accountTemplates
declare module '../notifications/catalog.ts' {
  interface EmailCatalog extends AccountTemplates {}
}
