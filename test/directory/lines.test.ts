import { describe, expect, it } from 'vitest'
import { readLineBatches } from '../../src/directory/lines.ts'

async function linesOf(chunks: (Buffer | string)[]) {
  const lines: string[] = []
  for await (const batch of readLineBatches(
    (async function* () {
      yield* chunks
    })(),
  )) {
    lines.push(...batch)
  }
  return lines
}

const bytes = (text: string) => Buffer.from(text, 'utf8')

describe('readLineBatches', () => {
  it.each([
    ['one chunk, LF', [bytes('Hélène|Dupré\nLoïc|N’Diaye\n')], ['Hélène|Dupré', 'Loïc|N’Diaye']],
    ['CRLF, no final terminator', [bytes('a\r\nb\r\nc')], ['a', 'b', 'c']],
    ['a line across chunks', [bytes('Hél'), bytes('ène\nLo'), bytes('ïc\n')], ['Hélène', 'Loïc']],
    // "é" is 0xC3 0xA9 and "’" is 0xE2 0x80 0x99: cut inside them.
    [
      'a character cut in two',
      [bytes('H').subarray(0, 1), Buffer.from([0xc3]), Buffer.from([0xa9, 0x0a])],
      ['Hé'],
    ],
    [
      'a character cut in three',
      [Buffer.from([0x4e, 0xe2]), Buffer.from([0x80]), Buffer.from([0x99, 0x0a])],
      ['N’'],
    ],
    ['a malformed byte, replaced', [Buffer.from([0x41, 0xff, 0x42, 0x0a])], ['A\uFFFDB']],
    ['text chunks', ['x\ny', '\nz'], ['x', 'y', 'z']],
    ['an empty input', [], []],
  ])('%s', async (_case, chunks, expected) => {
    expect(await linesOf(chunks)).toEqual(expected)
  })

  it('refuses a line longer than 1 MB', async () => {
    await expect(linesOf([Buffer.alloc((1 << 20) + 10, 0x61)])).rejects.toThrow(/longer than 1 MB/)
  })
})
