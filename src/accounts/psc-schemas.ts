import { Type } from 'typebox'
import {
  DateTime,
  EXAMPLE_ID,
  EXAMPLE_PSC_REGISTRATION_TOKEN,
  EXAMPLE_PSC_STATE,
  EXAMPLE_RPPS,
  Nullable,
  Str,
  UuidOf,
} from '../shared/examples.ts'
import { Line } from '../shared/text.ts'
import { Civility, EXAMPLE_TOKEN_PAIR, PracticeCivility, Profession, Rpps, TokenPair } from './schemas.ts'

const strict = { additionalProperties: false } as const
const EXPIRES_AT = '2026-11-24T09:40:00.000Z'

export const PscAuthorizationRequest = Type.Object(
  {
    redirectUri: Type.String({
      format: 'uri',
      maxLength: 500,
      description: 'The front-end page Pro Santé Connect sends the person back to: one of PSC_REDIRECT_URIS',
      examples: ['https://portail.example.org/connexion/psc'],
    }),
  },
  strict,
)

export const PscAuthorization = Type.Object({
  authorizationUrl: Str(
    'https://auth.esw.esante.gouv.fr/auth/realms/esante-wallet/protocol/openid-connect/auth?client_id=sesame&response_type=code&scope=openid+scope_all&acr_values=eidas1&code_challenge_method=S256&state=…&nonce=…&code_challenge=…&redirect_uri=…',
    { description: 'Where the front-end sends the browser' },
  ),
  state: Str(EXAMPLE_PSC_STATE, {
    description:
      'Comes back on the redirect URI; the front-end may keep it to match the answer to its request',
  }),
  expiresAt: Type.String({ format: 'date-time', examples: [EXPIRES_AT] }),
})

/** The query parameters Pro Santé Connect sent to the redirect URI, as the front-end received them. */
export const PscCallback = Type.Object(
  {
    state: Line(200, EXAMPLE_PSC_STATE, { minLength: 20 }),
    code: Type.Optional(Line(2048, 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4Q0JDLUhTMjU2In0..c2Vzc2lvbi1jb2Rl')),
    iss: Type.Optional(
      Line(500, 'https://auth.esw.esante.gouv.fr/auth/realms/esante-wallet', {
        description: 'The `iss` parameter, when the provider sends it (RFC 9207)',
      }),
    ),
    error: Type.Optional(Line(100, 'access_denied', { description: 'Instead of `code`, when it failed' })),
    errorDescription: Type.Optional(Line(500, 'End-User aborted interaction', { minLength: 0 })),
  },
  {
    ...strict,
    examples: [
      {
        state: EXAMPLE_PSC_STATE,
        code: 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4Q0JDLUhTMjU2In0..c2Vzc2lvbi1jb2Rl',
        iss: 'https://auth.esw.esante.gouv.fr/auth/realms/esante-wallet',
      },
    ],
  },
)

const PracticeSite = Type.Object({
  name: Str('CABINET MEDICAL DES LICES'),
  finess: Nullable(Str('810000018')),
  siret: Nullable(Str('73282932000074')),
  address: Nullable(Str('12 rue des Lilas')),
  postalCode: Nullable(Str('81000')),
  city: Nullable(Str('ALBI')),
  structureId: Nullable(
    UuidOf(EXAMPLE_ID.structure, { description: 'The structure Sésame knows by this FINESS or SIRET' }),
  ),
})

export const PscSignedIn = Type.Object(
  { outcome: Type.Literal('signed_in'), ...TokenPair.properties },
  { title: 'PscSignedIn' },
)

export const PscRegistration = Type.Object(
  {
    outcome: Type.Literal('registration'),
    registrationToken: Str(EXAMPLE_PSC_REGISTRATION_TOKEN, {
      description: 'For POST /v1/registrations (`pscRegistrationToken`): 30 minutes, single use',
    }),
    expiresAt: Type.String({ format: 'date-time', examples: ['2026-11-24T10:00:00.000Z'] }),
    prefill: Type.Object(
      {
        rpps: Nullable(Rpps),
        civility: Nullable(Civility),
        practiceCivility: Nullable(PracticeCivility),
        firstName: Str('CLAIRE'),
        lastName: Str('MARTIN'),
        profession: Nullable(Profession),
        practiceSites: Type.Array(PracticeSite),
      },
      {
        description:
          'What Pro Santé Connect said: the registration form shows it, and the identity may not be typed',
      },
    ),
  },
  { title: 'PscRegistration' },
)

export const PscSignInOutcome = Type.Union([PscSignedIn, PscRegistration], {
  examples: [
    { outcome: 'signed_in', ...EXAMPLE_TOKEN_PAIR },
    {
      outcome: 'registration',
      registrationToken: EXAMPLE_PSC_REGISTRATION_TOKEN,
      expiresAt: '2026-11-24T10:00:00.000Z',
      prefill: {
        rpps: EXAMPLE_RPPS,
        civility: 'MME',
        practiceCivility: 'DR',
        firstName: 'CLAIRE',
        lastName: 'MARTIN',
        profession: { code: '10', label: 'Médecin' },
        practiceSites: [
          {
            name: 'CABINET MEDICAL DES LICES',
            finess: '810000018',
            siret: null,
            address: '12 rue des Lilas',
            postalCode: '81000',
            city: 'ALBI',
            structureId: EXAMPLE_ID.structure,
          },
        ],
      },
    },
  ],
  description:
    '`signed_in`: an account is linked to this identity, or has its RPPS (it is linked now): tokens, no ' +
    'emailed code. `registration`: nobody yet; register with the token, the form filled with `prefill`.',
})

export const PscLink = Type.Object({
  linked: Type.Boolean(),
  linkedAt: Nullable(DateTime),
})
