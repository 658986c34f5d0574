import { StringDecoder } from 'node:string_decoder'

/** Turns bytes into text across chunk boundaries (a multi-byte character may straddle two chunks). */
export interface TextDecoderLike {
  write(chunk: Buffer): string
  end(): string | undefined
}

export type ByteSource = NodeJS.ReadableStream | AsyncIterable<string | Buffer | Uint8Array>

/**
 * The lines of a byte or text stream, a batch per chunk rather than a promise per line: the
 * callers parse a batch synchronously, which keeps 2 million lines cheap. Line terminators
 * (LF or CRLF) are stripped; the last line needs none. Memory holds one chunk and one partial line.
 */
export async function* readLineBatches(
  input: ByteSource,
  decoder: TextDecoderLike = new StringDecoder('utf8'),
): AsyncGenerator<string[]> {
  let carry = ''
  for await (const chunk of input as AsyncIterable<string | Buffer | Uint8Array>) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(toBuffer(chunk))
    if (text === '') continue
    const lines = (carry + text).split('\n')
    carry = lines.pop()!
    if (lines.length > 0) yield stripCarriageReturns(lines)
  }
  const rest = carry + (decoder.end() ?? '')
  if (rest !== '') yield stripCarriageReturns(rest.split('\n'))
}

function stripCarriageReturns(lines: string[]): string[] {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (line.charCodeAt(line.length - 1) === 13) lines[i] = line.slice(0, -1)
  }
  return lines
}

function toBuffer(chunk: Buffer | Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
}

/** Appends `part` to `text` with `separator`, skipping empty parts, without building arrays. */
export function appendPart(text: string, part: string, separator: string): string {
  if (part === '') return text
  return text === '' ? part : text + separator + part
}
