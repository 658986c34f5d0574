import { parentPort, workerData } from 'node:worker_threads'
import { copyRows } from './bulk-load.ts'
import { DirectoryFileError } from './file-error.ts'
import { chunkLines } from './rpps-chunks.ts'
import type { ParseReply, ParseRequest } from './rpps-parse.ts'
import { RppsRows } from './rpps-rows.ts'

// A thread of `rpps-parse.ts`: parses the chunks it is sent, in order, into COPY text.
const persons = new RppsRows((workerData as { header: string }).header)
const port = parentPort!
const encoder = new TextEncoder()

port.on('message', (request: ParseRequest) => {
  let reply: ParseReply
  try {
    if (request.kind === 'words') {
      reply = { kind: 'words', words: [...persons.words.vocabulary()] }
    } else {
      const { rows, rejections, accepted } = persons.rows(chunkLines(request.bytes), request.firstLine)
      // Its own memory (a Buffer of a short text may share a pool), handed over rather than copied.
      const copy = encoder.encode(copyRows(rows))
      reply = { kind: 'rows', copy, rejections, accepted }
      port.postMessage(reply, [copy.buffer])
      return
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    reply = { kind: 'failed', message, fileError: error instanceof DirectoryFileError }
  }
  port.postMessage(reply)
})
