import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { CopyBytes } from './bulk-load.ts'
import { DirectoryFileError } from './file-error.ts'
import type { RppsChunk } from './rpps-chunks.ts'
import { type ChunkCounts, RppsRows } from './rpps-rows.ts'
import { addVocabulary, type Vocabulary } from './vocabulary.ts'

export type ParseRequest = { kind: 'rows'; bytes: Uint8Array; firstLine: number } | { kind: 'words' }
export type ParseReply =
  | ({ kind: 'rows'; copy: Uint8Array } & ChunkCounts)
  | { kind: 'words'; words: [string, number][] }
  | { kind: 'failed'; message: string; fileError: boolean }
type RowsReply = Extract<ParseReply, { kind: 'rows' }>

// The compiled twin runs the compiled worker.
const WORKER = new URL(
  import.meta.url.endsWith('.ts') ? './rpps-parse-worker.ts' : './rpps-parse-worker.js',
  import.meta.url,
)
// Chunks sent ahead of the one being written, per thread: enough to keep every thread busy.
const AHEAD = 2

/** A thread parsing the chunks it is sent, answering in the order they were sent. */
class ParseThread {
  readonly #worker: Worker
  readonly #waiting: { resolve: (reply: ParseReply) => void; reject: (error: unknown) => void }[] = []
  #failure: unknown

  constructor(header: string) {
    this.#worker = new Worker(WORKER, {
      workerData: { header },
      // A parser needs little: a chunk and the caches of names and words.
      resourceLimits: { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 16 },
    })
    this.#worker.on('message', (reply: ParseReply) => this.#waiting.shift()?.resolve(reply))
    this.#worker.on('error', (error) => this.#fail(error))
    this.#worker.on('exit', (code) => this.#fail(new Error(`a parse thread exited (${code})`)))
  }

  #fail(error: unknown) {
    this.#failure ??= error
    for (const waiting of this.#waiting.splice(0)) waiting.reject(this.#failure)
  }

  async ask(request: ParseRequest, transfer: ArrayBuffer[] = []): Promise<ParseReply> {
    if (this.#failure !== undefined) throw this.#failure
    const reply = new Promise<ParseReply>((resolve, reject) => this.#waiting.push({ resolve, reject }))
    this.#worker.postMessage(request, transfer)
    const answer = await reply
    if (answer.kind === 'failed')
      throw answer.fileError ? new DirectoryFileError(answer.message) : new Error(answer.message)
    return answer
  }

  async close() {
    this.#failure ??= new Error('closed')
    await this.#worker.terminate()
  }
}

/**
 * How many threads parse besides this one: one a core less the one COPY's PostgreSQL backend takes, at
 * most four; none on two cores, where this thread's parse and the backend already take both (more
 * threads would only share the same cores, at the price of their start and messages).
 */
export const parseThreadCount = (cores = availableParallelism()) => (cores > 2 ? Math.min(4, cores - 1) : 0)

/**
 * Parses the chunks into rows in COPY's text form, in file order: in `threads` other threads, each
 * chunk in the next one in turn, or here when `threads` is 0; then adds the words of every thread's
 * vocabulary, and the rows each is in, to `words`.
 */
export async function* parseChunks(
  chunks: AsyncIterable<RppsChunk>,
  words: Vocabulary,
  threads = parseThreadCount(),
): AsyncGenerator<RowsReply> {
  if (threads === 0) {
    let persons: RppsRows | undefined
    const output = new CopyBytes()
    for await (const { header, bytes, firstLine } of chunks) {
      persons ??= new RppsRows(header)
      const counts = persons.chunk(bytes, firstLine, (rows) => output.add(rows))
      yield { kind: 'rows', copy: output.take(), ...counts }
    }
    addVocabulary(words, persons?.words.vocabulary() ?? [])
    return
  }
  const pool: ParseThread[] = []
  const pending: Promise<ParseReply>[] = []
  // Settled promises never reject unhandled while they wait their turn.
  const queue = (reply: Promise<ParseReply>) => {
    reply.catch(() => {})
    pending.push(reply)
  }
  try {
    let next = 0
    for await (const chunk of chunks) {
      if (pool.length === 0) for (let i = 0; i < threads; i++) pool.push(new ParseThread(chunk.header))
      const { bytes, firstLine } = chunk
      queue(pool[next]!.ask({ kind: 'rows', bytes, firstLine }, [bytes.buffer as ArrayBuffer]))
      next = (next + 1) % pool.length
      while (pending.length >= pool.length * AHEAD) yield (await pending.shift()!) as RowsReply
    }
    while (pending.length > 0) yield (await pending.shift()!) as RowsReply
    for (const thread of pool) {
      const reply = await thread.ask({ kind: 'words' })
      if (reply.kind === 'words') addVocabulary(words, reply.words)
    }
  } finally {
    await Promise.all(pool.map((thread) => thread.close()))
  }
}
