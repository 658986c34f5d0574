import { readFile, writeFile } from 'node:fs/promises'
import { generateOpenApiDocument } from '../src/openapi.ts'

// `npm run openapi` writes openapi/openapi.json from the route schemas;
// `npm run openapi:check` fails when the committed file differs from what the code describes.
const file = new URL('../openapi/openapi.json', import.meta.url)
const text = `${JSON.stringify(await generateOpenApiDocument(), null, 2)}\n`

if (process.argv.includes('--check')) {
  const committed = await readFile(file, 'utf8').catch(() => '')
  if (committed !== text) {
    process.stderr.write(
      'openapi/openapi.json is out of date: run `npm run openapi` and commit the result.\n',
    )
    process.exit(1)
  }
  process.stdout.write('openapi/openapi.json matches the code.\n')
} else {
  await writeFile(file, text)
  process.stdout.write('openapi/openapi.json written.\n')
}
