import { spawnSync } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { generateOpenApiDocument } from '../src/openapi.ts'

// `npm run openapi` writes openapi/openapi.json from the route schemas;
// `npm run openapi:check` fails when the committed file differs from what the code describes, or when
// Redocly's lint (rules in redocly.yaml) reports any error or warning on it.
const file = new URL('../openapi/openapi.json', import.meta.url)
const text = `${JSON.stringify(await generateOpenApiDocument(), null, 2)}\n`

interface LintProblem {
  ruleId: string
  severity: string
  message: string
  location: { pointer?: string }[]
}

/** Redocly's lint of the committed document: each problem on one line; true when there is none. */
function lintIsClean(): boolean {
  const cli = fileURLToPath(new URL('../node_modules/@redocly/cli/bin/cli.js', import.meta.url))
  const lint = spawnSync(
    process.execPath,
    [cli, 'lint', '--format=json', '--max-problems=1000', '--lint-config=error'],
    {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      encoding: 'utf8',
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_NOTIFICATIONS: 'true' },
    },
  )
  let report: { problems: LintProblem[] }
  try {
    report = JSON.parse(lint.stdout)
  } catch {
    process.stderr.write(`Redocly's lint did not run: ${lint.stderr || lint.error?.message}\n`)
    return false
  }
  for (const { severity, ruleId, message, location } of report.problems)
    process.stderr.write(`${severity} ${ruleId} at ${location[0]?.pointer ?? '#'}: ${message}\n`)
  return report.problems.length === 0
}

if (process.argv.includes('--check')) {
  const committed = await readFile(file, 'utf8').catch(() => '')
  if (committed !== text) {
    process.stderr.write(
      'openapi/openapi.json is out of date: run `npm run openapi` and commit the result.\n',
    )
    process.exit(1)
  }
  if (!lintIsClean()) {
    process.stderr.write('openapi/openapi.json does not lint clean (rules in redocly.yaml).\n')
    process.exit(1)
  }
  process.stdout.write('openapi/openapi.json matches the code and lints clean.\n')
} else {
  await writeFile(file, text)
  process.stdout.write('openapi/openapi.json written.\n')
}
