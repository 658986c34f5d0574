import { oneLine, quotedBlock } from './quoting.ts'

export type Locale = 'fr' | 'en'

export interface RenderedEmail {
  subject: string
  text: string
}

/**
 * An email template: for each locale, a function of the message's data and its secrets (codes,
 * links), which are only ever in memory while the message is rendered.
 */
export type EmailTemplate<Data = Record<string, unknown>, Secrets = Record<string, unknown>> = Record<
  Locale,
  (data: Data, secrets: Secrets) => RenderedEmail
>

// biome-ignore lint/suspicious/noExplicitAny: a catalog holds templates of every data shape.
export type TemplateCatalog = Record<string, EmailTemplate<any, any>>
/** Templates by name, as an object's type or an interface (`EmailCatalog`, which has no index signature). */
// biome-ignore lint/suspicious/noExplicitAny: a catalog holds templates of every data shape.
export type CatalogOf<C> = { [Name in keyof C]: EmailTemplate<any, any> }

type Greeted = { firstName?: string }
/** The greeting line: the first name on it, on that line only. */
export const hello = {
  fr: (d: Greeted) => `Bonjour${d.firstName ? ` ${oneLine(d.firstName)}` : ''},\n\n`,
  en: (d: Greeted) => `Hello${d.firstName ? ` ${oneLine(d.firstName)}` : ''},\n\n`,
}
const signature = { fr: "\n\nL'équipe Sésame", en: '\n\nThe Sésame team' }

/** The usual Sésame email: a subject, a greeting by first name, the body, the signature. */
export const greetingTemplate = <D extends Greeted, S = Record<string, never>>(
  subjects: { fr: string; en: string },
  bodies: { fr: (data: D, secrets: S) => string; en: (data: D, secrets: S) => string },
): EmailTemplate<D, S> => ({
  fr: (data, secrets) => ({
    subject: `Sésame : ${subjects.fr}`,
    text: hello.fr(data) + bodies.fr(data, secrets) + signature.fr,
  }),
  en: (data, secrets) => ({
    subject: `Sésame: ${subjects.en}`,
    text: hello.en(data) + bodies.en(data, secrets) + signature.en,
  }),
})

export const foundationTemplates = {
  /** Sent by ops (`npm run mail:test`) to check that mail goes out. */
  'ops.test': {
    fr: (data: { note?: string }) => ({
      subject: 'Sésame : message de test',
      text: `Bonjour,\n\nCeci est un message de test envoyé par Sésame.${data.note ? `\n\n${quotedBlock(data.note)}` : ''}\n\nL'équipe Sésame`,
    }),
    en: (data: { note?: string }) => ({
      subject: 'Sésame: test message',
      text: `Hello,\n\nThis is a test message sent by Sésame.${data.note ? `\n\n${quotedBlock(data.note)}` : ''}\n\nThe Sésame team`,
    }),
  },
} satisfies TemplateCatalog
