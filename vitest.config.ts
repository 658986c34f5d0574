import { createRequire } from 'node:module'
import { defineConfig } from 'vitest/config'

// On a Node.js too old, say so in one line before the workers start (and crash).
createRequire(import.meta.url)('./scripts/require-node.cjs')

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Each file gets its own database, so files run in parallel.
    fileParallelism: true,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/summary-reporter.ts'],
  },
})
