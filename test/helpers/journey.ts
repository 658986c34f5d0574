import { it } from 'vitest'

/**
 * The steps of a journey, one test each, each starting where the step before left off. A step's test
 * first plays the steps before it that have not run yet, so that any step runs alone
 * (`vitest run -t "<step>"`) as well as in order; each step plays at most once. Declare the steps in
 * their order, inside the journey's `describe`.
 */
export function journey() {
  const bodies: (() => Promise<void>)[] = []
  const played: Promise<void>[] = []
  const play = (index: number): Promise<void> => {
    const done = played[index] ?? (index === 0 ? Promise.resolve() : play(index - 1)).then(bodies[index])
    played[index] = done
    return done
  }
  return {
    step(name: string, body: () => Promise<void>) {
      const index = bodies.push(body) - 1
      it(name, async () => {
        if (index > 0)
          await play(index - 1).catch((error: Error) => {
            throw new Error(`A step before this one failed: ${error.message}`, { cause: error })
          })
        await play(index)
      })
    },
  }
}
