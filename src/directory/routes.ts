import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { notFound } from '../shared/errors.ts'
import { EXAMPLE_RPPS } from '../shared/examples.ts'
import { Cursor, Limit, Page } from '../shared/pagination.ts'
import { Line } from '../shared/text.ts'
import { SearchText } from '../shared/word-search.ts'
import { establishmentByFiness, establishmentView, searchEstablishments } from './establishments.ts'
import { professionalByRpps, searchProfessionals } from './search.ts'

const Name = (example: string) =>
  Line(100, example, { description: 'The beginning of the name; case and accents aside' })
const Rpps = Type.String({ pattern: '^[0-9]{9,11}$', examples: [EXAMPLE_RPPS] })
const Finess = Type.String({ pattern: '^[0-9][0-9ABab][0-9]{7}$', examples: ['810000018'] })
/**
 * Every directory read: rate-limited per client, and written out by V8's `JSON.stringify` rather than
 * the schema-compiled serializer, which is slower on these string-heavy pages (about 10% of the
 * search's throughput, see README, Benchmarks). The response schemas still document the routes; what
 * keeps other fields out is the explicit mapping of `search.ts`, over public directory data only.
 */
const directoryRead = {
  config: { rateLimit: { max: 120, timeWindow: 60_000 } },
  serializerCompiler: () => (data: unknown) => JSON.stringify(data),
}

/** Public, read-only search of the national directories, for registration forms. */
export const directoryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app.deps
  const Professional = Type.Ref('DirectoryProfessional')
  const Establishment = Type.Ref('DirectoryEstablishment')

  app.get(
    '/v1/directory/professionals',
    {
      ...directoryRead,
      schema: {
        tags: ['directory'],
        operationId: 'searchProfessionals',
        summary: 'RPPS directory: by words in any order, name prefixes or RPPS; each person once',
        description:
          'Every word of `q` begins a word of the last name, the first name, or the city or structure name of ' +
          "the person's activities, in any order (case, accents, apostrophes and hyphens aside): persons " +
          'found by their names alone first, then by name. The other criteria narrow the search. Public, ' +
          'for registration forms, and throttled (120 a minute).',
        querystring: Type.Object({
          q: Type.Optional(SearchText('helene dupont albi')),
          lastName: Type.Optional(Name('martin')),
          firstName: Type.Optional(Name('clai')),
          rpps: Type.Optional(Rpps),
          limit: Limit(50, 20),
          cursor: Type.Optional(Cursor),
        }),
        response: {
          200: Type.With(Page(Professional), {
            description: 'A page of the persons found, each once with all their activities.',
          }),
        },
      },
    },
    async (request) => searchProfessionals(db, request.query),
  )

  app.get(
    '/v1/directory/professionals/:rpps',
    {
      ...directoryRead,
      schema: {
        tags: ['directory'],
        operationId: 'getProfessional',
        summary: 'One person of the RPPS directory, with their activities',
        description: 'Public and throttled (120 a minute); a number the directory does not know is a 404.',
        params: Type.Object({ rpps: Rpps }),
        response: {
          200: Type.Ref('DirectoryProfessional', { description: 'The person, with their activities.' }),
        },
      },
    },
    async (request) => {
      const person = await professionalByRpps(db, request.params.rpps)
      if (!person) throw notFound('not_found', 'No such person in the directory.')
      return person
    },
  )

  app.get(
    '/v1/directory/establishments',
    {
      ...directoryRead,
      schema: {
        tags: ['directory'],
        operationId: 'searchEstablishments',
        summary: 'FINESS directory: by words in any order, FINESS or postal code',
        description:
          'Every word of `q` begins a word of the name, the long name, the city or the postal code, in any ' +
          'order (case, accents, apostrophes and hyphens aside). Best matches first: every word in the name ' +
          'before matches in the city, then shorter names. The other criteria narrow the search. Public, ' +
          'for registration forms, and throttled (120 a minute).',
        querystring: Type.Object({
          q: Type.Optional(SearchText('centre sante albi')),
          finess: Type.Optional(Finess),
          postalCode: Type.Optional(Type.String({ pattern: '^[0-9]{5}$', examples: ['81000'] })),
          limit: Limit(50, 20),
          cursor: Type.Optional(Cursor),
        }),
        response: {
          200: Type.With(Page(Establishment), {
            description: 'A page of the establishments found, best first.',
          }),
        },
      },
    },
    async (request) => searchEstablishments(db, request.query),
  )

  app.get(
    '/v1/directory/establishments/:finess',
    {
      ...directoryRead,
      schema: {
        tags: ['directory'],
        operationId: 'getEstablishment',
        summary: 'One establishment of the FINESS directory',
        description: 'Public and throttled (120 a minute); a number the directory does not know is a 404.',
        params: Type.Object({ finess: Finess }),
        response: {
          200: Type.Ref('DirectoryEstablishment', {
            description: 'The establishment, with its address and position.',
          }),
        },
      },
    },
    async (request) => {
      const row = await establishmentByFiness(db, request.params.finess.toUpperCase())
      if (!row) throw notFound('not_found', 'No such establishment in the directory.')
      return establishmentView(row)
    },
  )
}
