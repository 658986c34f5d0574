import { parentPort, workerData } from 'node:worker_threads'
import { CopyBytes } from './bulk-load.ts'
import { DirectoryFileError } from './file-error.ts'
import type { ParseReply, ParseRequest } from './rpps-parse.ts'
import { RppsRows } from './rpps-rows.ts'

// A thread of `rpps-parse.ts`: parses the chunks it is sent, in order, into COPY text.
const persons = new RppsRows((workerData as { header: string }).header)
const port = parentPort!
const output = new CopyBytes()

port.on('message', (request: ParseRequest) => {
  let reply: ParseReply
  try {
    if (request.kind === 'words') {
      reply = { kind: 'words', words: [...persons.words.vocabulary()] }
    } else {
      const counts = persons.chunk(request.bytes, request.firstLine, (rows) => output.add(rows))
      // Handed over rather than copied.
      const copy = output.take()
      reply = { kind: 'rows', copy, ...counts }
      port.postMessage(reply, [copy.buffer as ArrayBuffer])
      return
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    reply = { kind: 'failed', message, fileError: error instanceof DirectoryFileError }
  }
  port.postMessage(reply)
})
