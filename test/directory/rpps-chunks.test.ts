import { describe, expect, it } from 'vitest'
import { generateRppsLines } from '../../scripts/directory/generate.ts'
import { type RppsChunk, readRppsChunks } from '../../src/directory/rpps-chunks.ts'
import { parseChunks } from '../../src/directory/rpps-parse.ts'
import { RppsRows } from '../../src/directory/rpps-rows.ts'
import type { Vocabulary } from '../../src/directory/vocabulary.ts'

// 30,000 lines (about 11 MB, some forty chunks), 0.5% of them bad, a person's lines one after the other.
const text = `${[...generateRppsLines({ lines: 30_000, seed: 11, badLineRatio: 0.005 })].join('\r\n')}\r\n`
const bytes = Buffer.from(text, 'utf8')

/** The file's bytes in pieces of `size` bytes, cut anywhere (inside a character too). */
async function* pieces(size: number) {
  for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size)
}

async function parsed(size: number, threads: number) {
  const words: Vocabulary = new Map()
  const copy: Buffer[] = []
  const rejections: { line: number; reason: string }[] = []
  let accepted = 0
  for await (const chunk of parseChunks(readRppsChunks(pieces(size)), words, threads)) {
    copy.push(Buffer.from(chunk.copy))
    rejections.push(...chunk.rejections)
    accepted += chunk.accepted
  }
  return {
    copy: Buffer.concat(copy).toString('utf8'),
    rejections,
    accepted,
    words: [...words].sort(([a], [b]) => (a < b ? -1 : 1)),
  }
}

describe('the RPPS extract in chunks', () => {
  it('gives the same rows, rejections, words and their counts in worker threads as here, whatever the pieces it comes in', async () => {
    const here = await parsed(64 * 1024, 0)
    expect(here.accepted + here.rejections.length).toBe(30_000)
    expect(here.rejections.length).toBeGreaterThan(50)
    expect(here.rejections.map((rejection) => rejection.line)).toEqual(
      [...here.rejections.map((rejection) => rejection.line)].sort((a, b) => a - b),
    )
    expect(here.copy.split('\n')).toHaveLength(here.accepted + 1)
    expect(await parsed(7919, 2)).toEqual(here)
    expect(await parsed(1 << 20, 3)).toEqual(here)
  })

  it('cuts only between two persons’ runs of lines, numbering the lines as the file does', async () => {
    const chunks: RppsChunk[] = []
    for await (const chunk of readRppsChunks(pieces(5000))) chunks.push(chunk)
    expect(chunks.length).toBeGreaterThan(20)
    const lines = chunks.map((chunk) => chunk.bytes.toString('utf8').split('\r\n').slice(0, -1))
    const persons = new RppsRows(chunks[0]!.header)
    const personsOf = (chunkLines: string[]) =>
      chunkLines.map((line) => persons.personOf(line)).filter((rpps) => rpps !== undefined)
    for (let i = 1; i < chunks.length; i++) {
      expect(chunks[i]!.firstLine).toBe(chunks[i - 1]!.firstLine + lines[i - 1]!.length)
      expect(personsOf(lines[i]!)[0]).not.toBe(personsOf(lines[i - 1]!).at(-1))
    }
    expect(chunks[0]!.firstLine).toBe(2)
    expect(lines.flat()).toEqual(text.split('\r\n').slice(1, -1))
  })
})
