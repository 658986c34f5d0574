import type { Reporter, TestModule } from 'vitest/node'

/**
 * Ends the run with one plain line that any CI can read: `Tests: N passed, N failed, N skipped`, after
 * the skipped tests, each with the reason it was skipped (see `skipTestsWhen`).
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 }
    const skipped: string[] = []
    for (const module of modules) {
      let failedHere = 0
      for (const test of module.children.allTests()) {
        const result = test.result()
        if (result.state === 'passed') counts.passed += 1
        else if (result.state === 'failed') failedHere += 1
        else {
          counts.skipped += 1
          const why = result.state === 'skipped' && result.note ? result.note : 'no reason given'
          skipped.push(`  ${module.moduleId.replace(`${process.cwd()}/`, '')} > ${test.fullName}: ${why}\n`)
        }
      }
      // A file that failed outside its tests (a hook, an import) failed even if no test did.
      counts.failed += module.state() === 'failed' && failedHere === 0 ? 1 : failedHere
    }
    counts.failed += unhandledErrors.length
    if (skipped.length > 0) process.stdout.write(`\nSkipped:\n${skipped.join('')}`)
    process.stdout.write(
      `\nTests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`,
    )
  }
}
