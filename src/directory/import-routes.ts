import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { AppError, badRequest, notFound, unprocessable } from '../shared/errors.ts'
import { EXAMPLE_ID, UuidOf } from '../shared/examples.ts'
import { DirectoryFileError } from './file-error.ts'
import { importDirectory, importReport } from './importer.ts'
import { ImportReport } from './schemas.ts'
import { unlessEmpty, unzipFirstEntry } from './source.ts'

const support = [{ bearerAuth: [] }]

/** A zip that cannot be opened is the sender's problem (422), said without yauzl's words. */
const unreadable = (error: unknown): never => {
  if (!(error instanceof DirectoryFileError)) throw error
  throw unprocessable('unreadable_file', `The file cannot be read: ${error.message}.`, [
    { in: 'body', field: '', message: error.message },
  ])
}
const FILE_TYPES = ['text/plain', 'text/csv', 'application/octet-stream', 'application/zip']

/** Support: imports of the national directory files, streamed from the request body. */
export const directoryImportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { deps, guard } = app
  const { db } = deps
  // The file is not buffered: the import reads the request stream as it arrives.
  app.addContentTypeParser(FILE_TYPES, (_request, payload, done) => done(null, payload))

  app.post(
    '/v1/admin/directory/imports',
    {
      onRequest: guard.role('support'),
      bodyLimit: Number.MAX_SAFE_INTEGER,
      config: { rateLimit: false },
      schema: {
        tags: ['directory'],
        operationId: 'importDirectory',
        summary: 'Support: import an RPPS or FINESS extract (the file as the body, or a .zip of it)',
        description:
          'For the support desk (role `support`). Streams the file into the directory and swaps it in when ' +
          'complete; the previous directory stays if anything fails. The answer comes once the import is ' +
          'done; progress is at GET /v1/admin/directory/imports/{id} meanwhile.',
        security: support,
        consumes: FILE_TYPES,
        querystring: Type.Object({
          kind: Type.Union([Type.Literal('rpps'), Type.Literal('finess')], { examples: ['finess'] }),
        }),
        response: {
          201: Type.With(ImportReport, {
            description: 'The import has ended, succeeded or failed: its report; `location` names it.',
          }),
        },
      },
    },
    async (request, reply) => {
      const body = request.body as NodeJS.ReadableStream | undefined
      // Another media type (JSON, a form) was parsed by its own parser: not a file.
      if (body !== undefined && typeof body.pipe !== 'function') {
        throw new AppError(
          415,
          'unsupported_media_type',
          `Send the file as one of: ${FILE_TYPES.join(', ')}.`,
        )
      }
      const raw = body && (await unlessEmpty(body))
      if (raw === undefined) throw badRequest('file_required', 'Send the directory file as the request body.')
      const zipped = request.headers['content-type']?.startsWith('application/zip')
      const input = zipped ? await unzipFirstEntry(raw).catch(unreadable) : raw
      const requestedBy = request.principal?.kind === 'person' ? request.principal.sub : null
      const source = `upload (${request.headers['content-type'] ?? 'unknown type'})`
      const id = await importDirectory({ ...deps, logger: request.log }, request.query.kind, input, {
        source,
        requestedBy,
      })
      const report = (await importReport(db, id))!
      return reply.status(201).header('location', `/v1/admin/directory/imports/${id}`).send(report)
    },
  )

  app.get(
    '/v1/admin/directory/imports/:id',
    {
      onRequest: guard.role('support'),
      schema: {
        tags: ['directory'],
        operationId: 'getDirectoryImport',
        summary: 'Support: progress and outcome of a directory import',
        description: 'For the support desk (role `support`); an unknown import is a 404.',
        security: support,
        params: Type.Object({ id: UuidOf(EXAMPLE_ID.job) }),
        response: {
          200: Type.With(ImportReport, {
            description:
              'The import’s report: its status, the lines read, imported and rejected, and any error.',
          }),
        },
      },
    },
    async (request) => {
      const report = await importReport(db, request.params.id)
      if (!report) throw notFound('not_found', 'No such import.')
      return report
    },
  )
}
