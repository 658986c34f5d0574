import { randomUUID } from 'node:crypto'
import type { Figure } from './report.ts'
import { type Bench, signInAccounts } from './setup.ts'

/**
 * Password-reset timing: whether the answer's time tells an address with an account from one without.
 * `samples` requests for addresses that have an active account and as many for addresses that have
 * none, in turns, one at a time, each from its own client address (the per-address throttles never
 * answer first); the figure is the difference of the means, which must stay under 0.3 ms.
 */
export async function measureResetTiming(bench: Bench, baseUrl: string, samples: number): Promise<Figure[]> {
  const known = await signInAccounts(bench, samples, `Reset-${randomUUID()}`)
  const unknown = known.map((_, index) => `personne.${bench.runId}.${index}@example.org`)
  const ask = async (email: string, index: number) => {
    const started = performance.now()
    const response = await fetch(`${baseUrl}/v1/auth/password-resets`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-forwarded-for': `10.77.${Math.floor(index / 250)}.${index % 250}`,
      },
      body: JSON.stringify({ email }),
    })
    await response.arrayBuffer()
    if (response.status !== 202) throw new Error(`password reset: ${response.status}`)
    return performance.now() - started
  }
  // A warm-up, then the samples in turns: known, unknown, unknown, known… so drift weighs on both.
  for (let index = 0; index < 20; index++)
    await ask(`chauffe.${bench.runId}.${index}@example.org`, 2000 + index)
  const times = { known: [] as number[], unknown: [] as number[] }
  for (let index = 0; index < samples; index++) {
    const order = index % 2 === 0 ? (['known', 'unknown'] as const) : (['unknown', 'known'] as const)
    for (const kind of order) {
      const email = kind === 'known' ? known[index]! : unknown[index]!
      times[kind].push(await ask(email, kind === 'known' ? index : samples + index))
    }
  }
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length
  const scenario = `POST /v1/auth/password-resets (${samples} each)`
  return [
    {
      scenario,
      measure: 'mean ms, known address',
      ours: mean(times.known),
      baseline: mean(times.unknown),
      digits: 3,
    },
    {
      scenario,
      measure: '|known − unknown| ms',
      ours: Math.abs(mean(times.known) - mean(times.unknown)),
      digits: 3,
      goal: { below: 0.3, unit: 'ms' },
    },
  ]
}
