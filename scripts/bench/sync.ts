import { randomUUID } from 'node:crypto'
import { withLuhnKey } from '../directory/random.ts'
import type { Figure } from './report.ts'
import { type Bench, ensureLab, labToken } from './setup.ts'

const LAB = 'bench-sync'
const RAW_LAB = 'bench-sync-raw'

const code = (index: number) => `C${String(index).padStart(6, '0')}`
const siret = (index: number) => withLuhnKey(`8${String(20_000_000 + index).padStart(12, '0')}`)

/** The lab's batch: every name changes from one round to the next, so every row is updated. */
const batch = (count: number, round: string) =>
  Array.from({ length: count }, (_, index) => ({
    code: code(index),
    name: `Cabinet ${index} ${round}`,
    active: true,
    structure: { siret: siret(index), name: `Cabinet médical ${index}`, postalCode: '75011', city: 'Paris' },
  }))

/**
 * Correspondent sync: `rounds` PUT /v1/labs/{labId}/correspondents of `count` items each (a lab token
 * from the OAuth endpoint, a fresh Idempotency-Key each), against the baseline: one raw
 * `insert … on conflict (lab_id, code) do update` of the same rows from unnest arrays, into another lab.
 * A first round on each side, not measured, creates the codes (and, on a first run, the structures).
 */
export async function measureSync(
  bench: Bench,
  baseUrl: string,
  count: number,
  rounds: number,
): Promise<Figure[]> {
  const token = await labToken(bench, baseUrl, LAB)
  await ensureLab(bench, RAW_LAB)
  const put = async (items: ReturnType<typeof batch>) => {
    const body = JSON.stringify({ items })
    const started = performance.now()
    const response = await fetch(`${baseUrl}/v1/labs/${LAB}/correspondents`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': randomUUID(),
      },
      body,
    })
    const text = await response.text()
    const seconds = (performance.now() - started) / 1000
    if (response.status !== 200) throw new Error(`sync: ${response.status} ${text.slice(0, 500)}`)
    return { seconds, result: JSON.parse(text) as { created: number; updated: number } }
  }

  await put(batch(count, `${bench.runId} r0`))
  const structures = await bench.pool.query<{ id: string; siret: string }>(
    'select id, siret from structures where siret = any($1::text[])',
    [Array.from({ length: count }, (_, index) => siret(index))],
  )
  const structureIds = new Map(structures.rows.map((row) => [row.siret, row.id]))
  const upsert = async (round: string) => {
    const items = batch(count, round)
    const parameters = [
      RAW_LAB,
      new Date(),
      items.map((item) => item.code),
      items.map((item) => item.name),
      items.map(() => null),
      items.map((item) => structureIds.get(item.structure.siret)),
      items.map((item) => item.active),
    ]
    const started = performance.now()
    const result = await bench.pool.query(
      `insert into correspondent_codes (lab_id, code, name, center_id, structure_id, active, created_at, updated_at, deactivated_at)
       select $1, u.code, u.name, u.center_id, u.structure_id, u.active, $2, $2, case when u.active then null else $2::timestamptz end
       from unnest($3::text[], $4::text[], $5::uuid[], $6::uuid[], $7::boolean[]) as u(code, name, center_id, structure_id, active)
       on conflict (lab_id, code) do update set name = excluded.name, center_id = excluded.center_id,
         structure_id = excluded.structure_id, active = excluded.active, updated_at = excluded.updated_at,
         deactivated_at = case when excluded.active then null when correspondent_codes.active then excluded.updated_at
           else correspondent_codes.deactivated_at end`,
      parameters,
    )
    if (result.rowCount !== count) throw new Error(`raw upsert: ${result.rowCount} rows`)
    return (performance.now() - started) / 1000
  }
  await upsert(`${bench.runId} r0`)

  // Alternated, so that both sides see the same state of the database (autovacuum, checkpoints).
  let ours = 0
  let theirs = 0
  for (let round = 1; round <= rounds; round++) {
    const { seconds, result } = await put(batch(count, `${bench.runId} r${round}`))
    if (result.updated !== count) throw new Error(`sync: ${JSON.stringify(result)}, not ${count} updated`)
    ours += seconds
    theirs += await upsert(`${bench.runId} r${round}`)
  }
  const scenario = `PUT correspondents ×${count.toLocaleString('en')} (${rounds} rounds)`
  return [
    {
      scenario,
      measure: 'seconds per batch',
      ours: ours / rounds,
      baseline: theirs / rounds,
      digits: 3,
      goal: { ratioAtMost: 1.1 },
    },
  ]
}
