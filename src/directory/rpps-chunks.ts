import { DirectoryFileError } from './file-error.ts'
import type { ByteSource } from './lines.ts'
import { RppsRows } from './rpps-rows.ts'

/** A piece of the extract, after its header: whole lines, whole runs of a person's lines. */
export interface RppsChunk {
  /** The header line, which every chunk is parsed under. */
  header: string
  /** In memory of their own, which can be handed over to another thread. */
  bytes: Buffer
  /** The number in the file of the chunk's first line (the header is line 1). */
  firstLine: number
}

// About this many bytes a chunk: few messages between threads, little memory.
const CHUNK_BYTES = 256 * 1024
const PIECE_BYTES = 32 * 1024
// A run of one person's lines longer than this (never seen: a person has a few dozen activities at
// most) is cut where the bytes end; that person is then derived from their first run only.
const MAX_RUN_BYTES = 64 << 20
// No directory line comes near this: a longer one means a file of another kind, not to be hoarded.
const MAX_LINE_CHARS = 1 << 20
const NEWLINE = 10
const CARRIAGE_RETURN = 13
const LONG_LINE = 'a line is longer than 1 MB: not a directory extract'

/**
 * The chunks of an RPPS extract (UTF-8, `|`-separated, one header line), in file order, each cut
 * before the first line of a person's run of lines, so that each chunk can be parsed alone, in any
 * thread, and give the same rows as the whole file read line by line (the rows of a run carry the words
 * of all its lines). Throws when the header lacks a required column, or when there is no header.
 */
export async function* readRppsChunks(input: ByteSource): AsyncGenerator<RppsChunk> {
  let pieces: Buffer[] = []
  let size = 0
  let header: string | undefined
  let persons: RppsRows | undefined
  let lineNumber = 1
  const headerDecoder = new TextDecoder('utf-8')

  /** Reads the header off the front of `bytes`; returns the bytes after it. */
  const takeHeader = (bytes: Buffer, last: boolean): Buffer => {
    let start = 0
    while (header === undefined) {
      const end = bytes.indexOf(NEWLINE, start)
      if (end < 0 && !last) break
      const line = stripCarriageReturn(
        headerDecoder.decode(bytes.subarray(start, end < 0 ? bytes.length : end)),
      )
      start = end < 0 ? bytes.length : end + 1
      if (line === '') {
        if (end >= 0) lineNumber++
        if (end < 0) break
        continue
      }
      header = line
      persons = new RppsRows(line)
      lineNumber++
    }
    return bytes.subarray(start)
  }

  /** The chunk of `bytes` up to `end`; the lines it holds are counted. */
  const chunkOf = (bytes: Buffer, end: number): RppsChunk => {
    const chunk = { header: header!, bytes: bytes.subarray(0, end), firstLine: lineNumber }
    lineNumber += countLines(chunk.bytes)
    return chunk
  }

  for await (const piece of input as AsyncIterable<string | Buffer | Uint8Array>) {
    const bytes = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : toBuffer(piece)
    if (bytes.length === 0) continue
    pieces.push(bytes)
    size += bytes.length
    if (size < CHUNK_BYTES && header !== undefined) continue
    let buffer = joined(pieces, size)
    if (header === undefined) buffer = takeHeader(buffer, false)
    if (header === undefined) {
      refuseLongLine(buffer)
      pieces = [buffer]
      size = buffer.length
      continue
    }
    const cut = runBoundary(buffer, persons!)
    // Copied before the chunk is handed out: the chunk's memory goes with it.
    const rest = Buffer.from(buffer.subarray(cut))
    refuseLongLine(rest.subarray(rest.lastIndexOf(NEWLINE) + 1))
    pieces = rest.length > 0 ? [rest] : []
    size = rest.length
    if (cut > 0) yield chunkOf(buffer, cut)
  }
  let rest = joined(pieces, size)
  if (header === undefined) rest = takeHeader(rest, true)
  if (header === undefined) throw new DirectoryFileError('RPPS file is empty: no header line')
  if (rest.length > 0) yield chunkOf(rest, rest.length)
}

/**
 * Where to cut `bytes` (which begin at the start of a run): before the last run of a person that may go
 * on past them, or after the last line when none of its lines names a person. 0 when they are one run.
 */
function runBoundary(bytes: Buffer, persons: RppsRows): number {
  const end = bytes.lastIndexOf(NEWLINE)
  if (end < 0) return 0
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true })
  let last: string | undefined
  let lineEnd = end
  for (;;) {
    const start = lineEnd === 0 ? 0 : bytes.lastIndexOf(NEWLINE, lineEnd - 1) + 1
    const person = persons.personOf(stripCarriageReturn(decoder.decode(bytes.subarray(start, lineEnd))))
    if (person !== undefined) {
      if (last === undefined) last = person
      else if (person !== last) return lineEnd + 1
    }
    if (start === 0) break
    lineEnd = start - 1
  }
  if (last === undefined || bytes.length > MAX_RUN_BYTES) return end + 1
  return 0
}

/**
 * The lines of a chunk, as text, 32 KB of the chunk at a time; line terminators (LF or CRLF) stripped,
 * the last line needs none. (Strings of a few tens of KB stay in V8's young generation; the text of a
 * whole chunk would land in the large-object space and make the parse several times slower.)
 */
export function* chunkLines(bytes: Uint8Array): Generator<string[]> {
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true })
  for (let start = 0; start < bytes.length; ) {
    let end = Math.min(start + PIECE_BYTES, bytes.length)
    if (end < bytes.length) {
      const last = bytes.lastIndexOf(NEWLINE, end - 1)
      end = last >= start ? last + 1 : bytes.indexOf(NEWLINE, end) + 1 || bytes.length
    }
    const lines = decoder.decode(bytes.subarray(start, end)).split('\n')
    if (lines[lines.length - 1] === '') lines.pop()
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!
      if (line.length > MAX_LINE_CHARS) throw new DirectoryFileError(LONG_LINE)
      if (line.charCodeAt(line.length - 1) === CARRIAGE_RETURN) lines[i] = line.slice(0, -1)
    }
    yield lines
    start = end
  }
}

/** The pieces in one buffer of their own (never a view of a shared pool). */
function joined(pieces: Buffer[], size: number): Buffer {
  const buffer = Buffer.from(new ArrayBuffer(size))
  let at = 0
  for (const piece of pieces) {
    buffer.set(piece, at)
    at += piece.length
  }
  return buffer
}

/** The lines a chunk holds: its line ends, and a last line without one. */
function countLines(bytes: Buffer): number {
  let count = 0
  for (let at = bytes.indexOf(NEWLINE); at >= 0; at = bytes.indexOf(NEWLINE, at + 1)) count++
  return bytes.length > 0 && bytes[bytes.length - 1] !== NEWLINE ? count + 1 : count
}

/** A line still without its end, longer than any directory line: a file of another kind. */
function refuseLongLine(partial: Buffer) {
  if (partial.length <= MAX_LINE_CHARS) return
  if (new TextDecoder('utf-8', { ignoreBOM: true }).decode(partial).length > MAX_LINE_CHARS)
    throw new DirectoryFileError(LONG_LINE)
}

function stripCarriageReturn(line: string): string {
  return line.charCodeAt(line.length - 1) === CARRIAGE_RETURN ? line.slice(0, -1) : line
}

function toBuffer(chunk: Buffer | Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
}
