// Loaded before anything else by every npm script (`node --require ./scripts/require-node.cjs …`) and
// by the test configuration. On a Node.js older than package.json's `engines.node`, it says in one line
// what to do and exits, instead of a TypeScript loading error or crashed test workers. Plain CommonJS,
// so that any Node.js can run it.
'use strict'
const { readFileSync } = require('node:fs')
const { join } = require('node:path')

/** `>=22.18` → [22, 18, 0]; anything else is not understood (undefined). */
function minimumOf(range) {
  const match = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(String(range).trim())
  return match ? [Number(match[1]), Number(match[2] || 0), Number(match[3] || 0)] : undefined
}

/** The one-line message for a Node.js version below the range, else undefined. */
function nodeVersionProblem(version, range) {
  const minimum = minimumOf(range)
  if (!minimum) return undefined
  const current = String(version).replace(/^v/, '').split('.').map(Number)
  for (let index = 0; index < 3; index += 1) {
    const have = current[index] || 0
    if (have > minimum[index]) return undefined
    if (have < minimum[index])
      return (
        `Sésame needs Node.js ${range} and this is Node.js ${version}: run it as ./sesame <script> [-- args] ` +
        '(it installs Node.js 24 into ~/.node24), or put a recent Node.js first on PATH.'
      )
  }
  return undefined
}

const { engines = {} } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'))
const problem = nodeVersionProblem(process.versions.node, engines.node)
if (problem) {
  process.stderr.write(`${problem}\n`)
  process.exit(1)
}

module.exports = { minimumOf, nodeVersionProblem }
