/** Time, injected so that rules and tests never depend on the wall clock. */
export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }

/** A clock that only moves when told to. */
export class FixedClock implements Clock {
  #time: number
  constructor(start: Date | string = '2026-03-02T09:00:00.000Z') {
    this.#time = new Date(start).getTime()
  }
  now(): Date {
    return new Date(this.#time)
  }
  advance(milliseconds: number): void {
    this.#time += milliseconds
  }
  set(time: Date | string): void {
    this.#time = new Date(time).getTime()
  }
}
