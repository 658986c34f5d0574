import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

// `npm run build`: compiles src/ and scripts/ into dist/, copies what the compiled code reads at run
// time, and writes dist/package.json, whose scripts run the compiled files. dist/ is the Docker image's
// /app: there, `npm start`, `npm run migrate`… work as in a checkout (see the Dockerfile).

/** The npm scripts that make sense in the image; the others need the sources or dev dependencies. */
export const IMAGE_SCRIPTS = ['start', 'migrate', 'worker', 'mail:test', 'admin:create', 'directory:import']

/** `node … src/server.ts --x` → `node … src/server.js --x`: the compiled twin of a script. */
export const compiledCommand = (command: string) => command.replace(/(\S+)\.ts\b/g, '$1.js')

const tsFiles = (command: string) => [...command.matchAll(/(\S+)\.ts\b/g)].map((match) => `${match[1]}.js`)

if (import.meta.main) {
  const out = 'dist'
  rmSync(out, { recursive: true, force: true })
  const tsc = spawnSync(join('node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], {
    stdio: 'inherit',
  })
  if (tsc.status !== 0) process.exit(tsc.status ?? 1)
  cpSync('migrations', join(out, 'migrations'), { recursive: true })
  cpSync(join('scripts', 'require-node.cjs'), join(out, 'scripts', 'require-node.cjs'))

  const manifest = JSON.parse(readFileSync('package.json', 'utf8'))
  const scripts: Record<string, string> = {}
  for (const name of IMAGE_SCRIPTS) {
    const command = manifest.scripts[name]
    if (!command) throw new Error(`package.json has no script ${name}`)
    for (const file of tsFiles(command))
      if (!existsSync(join(out, file))) throw new Error(`script ${name}: ${file} was not built`)
    scripts[name] = compiledCommand(command)
  }
  const { name, version, description, license, type, engines } = manifest
  const runtime = { name, version, description, license, private: true, type, engines, scripts }
  writeFileSync(join(out, 'package.json'), `${JSON.stringify(runtime, null, 2)}\n`)
}
