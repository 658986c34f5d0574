import { basename } from 'node:path'
import { parseArgs } from 'node:util'
import { systemClock } from '../../src/clock.ts'
import { importDirectory, importReport } from '../../src/directory/importer.ts'
import { openDirectorySource } from '../../src/directory/source.ts'
import { startRuntime } from '../../src/runtime.ts'

// `npm run directory:import -- --rpps PS_LibreAcces_Personne_activite_202611.txt` (or `--finess FILE`);
// a .zip is read from its first .txt/.csv entry. Exits 1 when the import fails (the previous
// directory then stays in place).
const { values } = parseArgs({ options: { rpps: { type: 'string' }, finess: { type: 'string' } } })
const kind = values.rpps ? 'rpps' : values.finess ? 'finess' : undefined
const path = values.rpps ?? values.finess
if (!kind || !path || (values.rpps && values.finess)) {
  process.stderr.write('usage: npm run directory:import -- --rpps FILE | --finess FILE\n')
  process.exit(64)
}
const { logger, database } = await startRuntime()
const id = await importDirectory(
  { db: database.db, pool: database.pool, clock: systemClock, logger },
  kind,
  await openDirectorySource(path),
  { source: basename(path), requestedBy: null },
)
const report = await importReport(database.db, id)
await database.close()
process.stdout.write(
  `${JSON.stringify({ ...report, rejections: report?.rejections.slice(0, 20) }, null, 2)}\n`,
)
process.exit(report?.status === 'succeeded' ? 0 : 1)
