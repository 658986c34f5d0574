import * as oidc from 'openid-client'
import { describe, expect, it } from 'vitest'
import { identityFromClaims } from '../../src/psc/claims.ts'
import { problemOf } from '../../src/psc/problems.ts'
import { pscClaims } from '../helpers/psc-claims.ts'

const strict = { acceptAnyRppsCheckDigit: false }
const RPPS = '10003456786'
const doctor = pscClaims(
  {
    nationalId: `8${RPPS}`,
    givenName: 'CLAIRE',
    familyName: 'MARTIN',
    civility: 'MME',
    practiceCivility: 'DR',
    profession: '10',
    activities: [
      {
        raisonSocialeSite: 'CABINET MEDICAL DES LICES',
        numeroFinessSite: '810000018',
        numeroVoie: '4',
        libelleVoie: 'DES LICES',
        codePostal: '81000',
        bureauCedex: '81000 ALBI',
      },
    ],
  },
  'f:550dc1c8:810003456786',
)

describe('what PSC says of a person', () => {
  it('reads the identity, the practice and its sites from the userinfo claims', () => {
    expect(identityFromClaims(doctor, strict)).toEqual({
      nationalId: `8${RPPS}`,
      rpps: RPPS,
      civility: 'MME',
      practiceCivility: 'DR',
      firstName: 'CLAIRE',
      lastName: 'MARTIN',
      profession: '10',
      sites: [
        {
          name: 'CABINET MEDICAL DES LICES',
          finess: '810000018',
          siret: null,
          address: '4 rue DES LICES',
          postalCode: '81000',
          city: 'ALBI',
        },
      ],
    })
  })

  const site = (activity: Record<string, string>) =>
    identityFromClaims({ ...doctor, SubjectRefPro: { exercices: [{ activities: [activity] }] } }, strict)
      ?.sites
  it.each([
    [
      'a national identifier that is not an RPPS (ADELI, test identities)',
      { SubjectNameID: 'ANS20231122132732' },
      { rpps: null },
    ],
    ['an RPPS with a wrong check digit', { SubjectNameID: '810003456787' }, { rpps: null }],
    ['a civility of MLLE, as MME', { codeCivilite: 'MLLE' }, { civility: 'MME' }],
    [
      'no civility',
      { codeCivilite: '', SubjectRefPro: {} },
      { civility: null, practiceCivility: null, profession: null, sites: [] },
    ],
    [
      'names with control characters, cleaned',
      { given_name: 'CLA\u0000IRE\n', family_name: ' MAR\u001bTIN ' },
      { firstName: 'CLA IRE', lastName: 'MAR TIN' },
    ],
    ['a SubjectRefPro that is not an object', { SubjectRefPro: 'none' }, { profession: null, sites: [] }],
  ])('%s', (_case, claims, expected) => {
    expect(identityFromClaims({ ...doctor, ...claims }, strict)).toMatchObject(expected)
  })

  it.each([
    ['no SubjectNameID', { SubjectNameID: undefined }],
    ['a blank first name', { given_name: '  ' }],
    ['no last name', { family_name: 42 }],
  ])('is nobody with %s', (_case, claims) => {
    expect(identityFromClaims({ ...doctor, ...claims }, strict)).toBeNull()
  })

  it('accepts the fictitious RPPS of the test directories when told to', () => {
    expect(
      identityFromClaims({ ...doctor, SubjectNameID: '810003456787' }, { acceptAnyRppsCheckDigit: true })
        ?.rpps,
    ).toBe('10003456787')
  })

  it.each([
    [
      'a site known by SIRET only',
      { raisonSocialeSite: 'CDS', numeroSiretSite: '73282932000074' },
      { siret: '73282932000074', finess: null },
    ],
    [
      'an invalid FINESS, dropped',
      { raisonSocialeSite: 'CDS', numeroFinessSite: '810000019' },
      { finess: null },
    ],
    [
      'an unknown street type, left out',
      { raisonSocialeSite: 'CDS', numeroVoie: '2', codeTypeDeVoie: 'ZZ', libelleVoie: 'DU PONT' },
      { address: '2 DU PONT' },
    ],
    ['a bad postal code, dropped', { raisonSocialeSite: 'CDS', codePostal: '8100' }, { postalCode: null }],
  ])('%s', (_case, activity, expected) => {
    expect(site(activity)).toEqual([expect.objectContaining(expected)])
  })

  it('skips a site with neither name nor identifier', () => {
    expect(site({ codePostal: '81000' })).toEqual([])
  })
})

describe('the problem for each failure of the relying-party library', () => {
  const clientError = (code: string, cause?: unknown) =>
    new oidc.ClientError('failed', { cause, code } as never)
  it.each([
    [new TypeError('fetch failed'), 502, 'psc_unavailable'],
    [clientError('OAUTH_TIMEOUT'), 502, 'psc_unavailable'],
    [clientError('OAUTH_RESPONSE_IS_NOT_CONFORM'), 502, 'psc_unavailable'],
    [
      clientError('OAUTH_JWT_CLAIM_COMPARISON_FAILED', { cause: { claim: 'nonce' } }),
      401,
      'psc_nonce_mismatch',
    ],
    [
      clientError('OAUTH_JWT_CLAIM_COMPARISON_FAILED', { cause: { claim: 'aud' } }),
      401,
      'psc_id_token_invalid',
    ],
    [clientError('OAUTH_JWT_TIMESTAMP_CHECK_FAILED'), 401, 'psc_id_token_invalid'],
    [
      clientError('OAUTH_INVALID_RESPONSE', { message: 'JWT signature verification failed' }),
      401,
      'psc_signature_invalid',
    ],
    [clientError('OAUTH_KEY_SELECTION_FAILED'), 401, 'psc_signature_invalid'],
    [
      clientError('OAUTH_INVALID_RESPONSE', { message: 'response parameter "iss" (issuer) missing' }),
      400,
      'psc_authorization_error',
    ],
    [clientError('OAUTH_UNSUPPORTED_OPERATION'), 502, 'psc_provider_error'],
    [new Error('anything else'), 502, 'psc_provider_error'],
  ])('%s', (error, status, code) => {
    expect(problemOf(error)).toMatchObject({ status, code })
  })
})
