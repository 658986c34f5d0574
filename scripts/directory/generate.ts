import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { finished } from 'node:stream/promises'
import { parseArgs } from 'node:util'
import { generateFinessLines } from './finess-lines.ts'
import { generateRppsLines, type RppsColumnCount } from './rpps-lines.ts'

export { type FinessGeneratorOptions, generateFinessLines } from './finess-lines.ts'
export { generateRppsLines, type RppsGeneratorOptions, rppsHeader } from './rpps-lines.ts'

/**
 * The generators' edition: a new one whenever what they generate changes, so that a benchmark database
 * imported from an older edition is imported again rather than measured as it was.
 */
export const GENERATOR_EDITION = 2

// Lines are gathered into strings of about this size before writing: one write per line
// would dominate the run time on 2 million lines.
const CHUNK_CHARS = 1 << 16

/** Writes `lines`, each followed by `\n`, honouring backpressure; resolves once the stream is finished. */
export async function writeLines(
  lines: Iterable<string>,
  output: NodeJS.WritableStream,
  encoding: 'utf8' | 'latin1',
): Promise<number> {
  let chunk = ''
  let count = 0
  for (const line of lines) {
    chunk += `${line}\n`
    count++
    if (chunk.length >= CHUNK_CHARS) {
      if (!output.write(chunk, encoding)) await once(output, 'drain')
      chunk = ''
    }
  }
  output.end(chunk, encoding)
  await finished(output)
  return count
}

// node scripts/directory/generate.ts --kind rpps --lines 2000000 --out /tmp/PS_LibreAcces_Personne_activite_202611.txt [--columns 56|52|48] [--seed 42]
// node scripts/directory/generate.ts --kind finess --establishments 100000 --out /tmp/etalab-cs1100507-stock-20261101.csv [--seed 42]
if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      kind: { type: 'string' },
      lines: { type: 'string', default: '1000' },
      establishments: { type: 'string', default: '1000' },
      columns: { type: 'string', default: '56' },
      seed: { type: 'string', default: '42' },
      out: { type: 'string' },
    },
  })
  const columns = Number(values.columns)
  if (
    !values.out ||
    (values.kind !== 'rpps' && values.kind !== 'finess') ||
    ![56, 52, 48].includes(columns)
  ) {
    process.stderr.write(
      'usage: node scripts/directory/generate.ts --kind rpps --lines N [--columns 56|52|48] --out FILE [--seed N]\n' +
        '       node scripts/directory/generate.ts --kind finess --establishments N --out FILE [--seed N]\n',
    )
    process.exit(64)
  }
  const started = performance.now()
  const seed = Number(values.seed)
  const count =
    values.kind === 'rpps'
      ? await writeLines(
          generateRppsLines({ lines: Number(values.lines), columns: columns as RppsColumnCount, seed }),
          createWriteStream(values.out, { highWaterMark: 1 << 20 }),
          'utf8',
        )
      : await writeLines(
          generateFinessLines({ establishments: Number(values.establishments), seed }),
          createWriteStream(values.out, { highWaterMark: 1 << 20 }),
          'latin1', // the FINESS extracts are ISO-8859-1
        )
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  process.stderr.write(`${values.out}: ${count} lines in ${seconds} s\n`)
}
