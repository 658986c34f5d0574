import type { Reporter, TestModule } from 'vitest/node'

/** Ends the run with one plain line that any CI can read: `Tests: N passed, N failed, N skipped`. */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 }
    for (const module of modules) {
      let failedHere = 0
      for (const test of module.children.allTests()) {
        const state = test.result().state
        if (state === 'passed') counts.passed += 1
        else if (state === 'failed') failedHere += 1
        else counts.skipped += 1
      }
      // A file that failed outside its tests (a hook, an import) failed even if no test did.
      counts.failed += module.state() === 'failed' && failedHere === 0 ? 1 : failedHere
    }
    counts.failed += unhandledErrors.length
    process.stdout.write(
      `\nTests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`,
    )
  }
}
