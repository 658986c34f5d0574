import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { DirectoryFileError } from './file-error.ts'
import type { RppsChunk } from './rpps-chunks.ts'
import type { ChunkRows } from './rpps-rows.ts'

export type ParseRequest = { kind: 'rows'; bytes: Uint8Array; firstLine: number } | { kind: 'words' }
export type ParseReply =
  | ({ kind: 'rows'; copy: Uint8Array } & Omit<ChunkRows, 'rows'>)
  | { kind: 'words'; words: string[] }
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

/** How many threads parse: one a core, two at least (the parse then runs beside the writing), four at most. */
export const parseThreadCount = () => Math.min(4, Math.max(2, availableParallelism()))

/**
 * Parses the chunks in `threads` threads, each chunk in the next thread in turn, and yields their rows in
 * COPY's text form, in file order; then `words` receives the words of every thread's vocabulary.
 */
export async function* parseInThreads(
  chunks: AsyncIterable<RppsChunk>,
  words: Set<string>,
  threads = parseThreadCount(),
): AsyncGenerator<RowsReply> {
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
      // A copy the thread takes over: the chunk may be a view of a larger buffer.
      const bytes = new Uint8Array(chunk.bytes)
      queue(pool[next]!.ask({ kind: 'rows', bytes, firstLine: chunk.firstLine }, [bytes.buffer]))
      next = (next + 1) % pool.length
      while (pending.length >= pool.length * AHEAD) yield (await pending.shift()!) as RowsReply
    }
    while (pending.length > 0) yield (await pending.shift()!) as RowsReply
    for (const thread of pool) {
      const reply = await thread.ask({ kind: 'words' })
      if (reply.kind === 'words') for (const word of reply.words) words.add(word)
    }
  } finally {
    await Promise.all(pool.map((thread) => thread.close()))
  }
}
