import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { EXAMPLE_RPPS } from '../shared/examples.ts'
import { Line } from '../shared/text.ts'
import { directoryEntry } from './directory-entry.ts'
import { checkIdentifier, IDENTIFIER_TYPES } from './rules.ts'

const IdentifierResult = Type.Object({
  type: Type.Enum(IDENTIFIER_TYPES),
  input: Type.String({ examples: ['100 0345 6786'] }),
  normalized: Type.String({ examples: [EXAMPLE_RPPS] }),
  valid: Type.Boolean(),
  reason: Type.Optional(Type.Enum(['empty', 'characters', 'length', 'check_digit'] as const)),
  message: Type.Optional(Type.String({ examples: ['The check digit does not match'] })),
  checkDigit: Type.Union([
    Type.Literal('verified'),
    Type.Literal('not_applicable'),
    Type.Literal('not_verified'),
  ]),
  nationalId: Type.Optional(
    Type.String({ description: 'IdNat_PS: 8 + RPPS, 0 + ADELI', examples: [`8${EXAMPLE_RPPS}`] }),
  ),
  directory: Type.Optional(
    Type.Union([
      Type.Object({ kind: Type.Literal('professional'), professional: Type.Ref('DirectoryProfessional') }),
      Type.Object({
        kind: Type.Literal('establishment'),
        finessType: Type.Union([Type.Literal('geographique'), Type.Literal('juridique')], {
          description: 'geographique: a site (ET); juridique: the legal entity (EJ)',
        }),
        establishments: Type.Array(Type.Ref('DirectoryEstablishment'), {
          description: 'The site, or the sites of the legal entity',
        }),
      }),
    ]),
  ),
})

/** Is this number valid, and what do the national directories know of it? */
export const identifierRoutes: FastifyPluginAsyncTypebox<{ acceptAnyRppsCheckDigit: boolean }> = async (
  app,
  options,
) => {
  app.get(
    '/v1/identifiers/:type/:value',
    {
      schema: {
        tags: ['identifiers'],
        operationId: 'checkIdentifier',
        summary: 'Validates an RPPS, ADELI, FINESS, SIREN or SIRET number, and finds it in the directories',
        description:
          'Public, for forms. A number that fails its rule (length, characters, check digit) is answered ' +
          '200 with `valid: false` and the reason, not refused; a valid one carries what the imported ' +
          'national directories know of it.',
        params: Type.Object({
          type: Type.Enum(IDENTIFIER_TYPES, { examples: ['rpps'] }),
          value: Line(40, [EXAMPLE_RPPS, '810000018']),
        }),
        response: {
          200: Type.With(IdentifierResult, {
            description: 'The verdict on the number, normalised, and its directory entry when there is one.',
          }),
        },
      },
    },
    async (request) => {
      const check = checkIdentifier(request.params.type, request.params.value, options)
      if (!check.valid) return check
      const directory = await directoryEntry(app.deps.db, check)
      return directory ? { ...check, directory } : check
    },
  )
}
