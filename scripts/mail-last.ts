import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { loadConfigOrExit } from '../src/runtime.ts'

// `npm run mail:last [-- --to <address>]`: prints the newest email the service wrote to DATA_DIR/mail
// (without SMTP_URL, outside production), as readable text: the way a developer reads a code.
const { values } = parseArgs({ options: { to: { type: 'string' } } })
const config = loadConfigOrExit()
const dir = join(config.DATA_DIR, 'mail')
const wanted = values.to?.trim().toLowerCase()

const names = (await readdir(dir).catch(() => [] as string[])).filter((name) => name.endsWith('.txt'))
const files = await Promise.all(
  names.map(async (name) => ({ path: join(dir, name), written: (await stat(join(dir, name))).mtimeMs })),
)
for (const { path } of files.sort((a, b) => b.written - a.written)) {
  const text = await readFile(path, 'utf8')
  const to = /^To: (.*)$/m.exec(text)?.[1]?.toLowerCase() ?? ''
  if (wanted && !to.includes(wanted)) continue
  process.stdout.write(`${path}\n\n${text}`)
  process.exit(0)
}
process.stderr.write(`No email${wanted ? ` to ${wanted}` : ''} in ${dir} yet.\n`)
process.exitCode = 1
