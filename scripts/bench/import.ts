import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import type pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { GENERATOR_EDITION, generateRppsLines, writeLines } from '../directory/generate.ts'
import type { Figure } from './report.ts'

// The RPPS extract has 56 columns, and each line ends with `|`: one more (empty) field.
const FIELDS = 57
const PEAK_RSS = fileURLToPath(new URL('./peak-rss.ts', import.meta.url))
// The build, as the image holds it: its package.json's `directory:import` is the import as ops run it.
const DIST = fileURLToPath(new URL('../../dist/', import.meta.url))

/**
/** The bench's RPPS extract, as its imports record it: named after the generators' edition. */
export const RPPS_BENCH_FILE = `PS_LibreAcces_Personne_activite_bench_${GENERATOR_EDITION}.txt`

/**
 * The directory import of an RPPS extract of `lines` lines, against the baseline: a raw COPY of the
 * same file into an unindexed table of text columns. Ours is the import CLI, as ops run it (the built
 * `directory:import` script, its node options included), in its own process: wall time (start-up and
 * migration check included) and peak RSS.
 */
export async function measureImport(
  pool: pg.Pool,
  env: NodeJS.ProcessEnv,
  lines: number,
  rounds: number,
): Promise<Figure[]> {
  const folder = await mkdtemp(join(tmpdir(), 'sesame-bench-'))
  const file = join(folder, RPPS_BENCH_FILE)
  try {
    // No bad lines: a plain COPY would stop at the first one.
    await writeLines(
      generateRppsLines({ lines, seed: 42, badLineRatio: 0 }),
      createWriteStream(file, { highWaterMark: 1 << 20 }),
      'utf8',
    )
    // In turns, `rounds` times each: the best time of each (what the machine can do, less the noise of
    // whatever else ran meanwhile); the highest peak RSS.
    const baselines: number[] = []
    const runs: { seconds: number; peakRssMb: number }[] = []
    for (let round = 0; round < rounds; round++) {
      baselines.push(await rawCopy(pool, file))
      runs.push(await importCli(pool, env, file, join(folder, 'peak-rss')))
    }
    const baseline = Math.min(...baselines)
    const ours = {
      seconds: Math.min(...runs.map((run) => run.seconds)),
      peakRssMb: Math.max(...runs.map((run) => run.peakRssMb)),
    }
    const scenario = `directory import (${lines.toLocaleString('en')} lines, best of ${rounds})`
    return [
      { scenario, measure: 'seconds', ours: ours.seconds, baseline, digits: 1, goal: { ratioAtMost: 1.5 } },
      { scenario, measure: 'peak RSS MB', ours: ours.peakRssMb, digits: 0, goal: { below: 300, unit: 'MB' } },
    ]
  } finally {
    await rm(folder, { recursive: true, force: true })
  }
}

async function rawCopy(pool: pg.Pool, file: string): Promise<number> {
  const client = await pool.connect()
  try {
    const columns = Array.from({ length: FIELDS }, (_, index) => `c${index + 1} text`).join(', ')
    await client.query('drop table if exists bench_raw_copy')
    await client.query(`create table bench_raw_copy (${columns})`)
    await client.query('checkpoint')
    const started = performance.now()
    await pipeline(
      createReadStream(file, { highWaterMark: 1 << 20 }),
      client.query(
        copyFrom(
          `copy bench_raw_copy from stdin with (format csv, delimiter '|', header true, quote E'\\x01')`,
        ),
      ),
    )
    const seconds = (performance.now() - started) / 1000
    await client.query('drop table bench_raw_copy')
    return seconds
  } finally {
    client.release()
  }
}

async function importCli(pool: pg.Pool, env: NodeJS.ProcessEnv, file: string, rssFile: string) {
  const manifest = JSON.parse(await readFile(join(DIST, 'package.json'), 'utf8'))
  // `node --max-semi-space-size=… --require … scripts/directory/import.js`: its words after `node`.
  const [, ...command] = String(manifest.scripts['directory:import']).split(' ')
  await pool.query('checkpoint')
  const started = performance.now()
  const child = spawn(process.execPath, ['--import', PEAK_RSS, ...command, '--rpps', file], {
    cwd: DIST,
    env: { ...env, BENCH_PEAK_RSS_FILE: rssFile },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let output = ''
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    output += text
  })
  const [code] = await once(child, 'exit')
  const seconds = (performance.now() - started) / 1000
  if (code !== 0) throw new Error(`the import exited with ${code}: ${output.slice(0, 500)}`)
  const peakRssMb = Number(await readFile(rssFile, 'utf8')) / 1024
  return { seconds, peakRssMb }
}
