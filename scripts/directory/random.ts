/** Seeded randomness for the directory generators: the same seed gives the same file. */
export interface Random {
  /** In [0, 1). */
  next(): number
  /** An integer in [0, n). */
  int(n: number): number
  pick<T>(items: readonly T[]): T
  chance(probability: number): boolean
  /** `count` random decimal digits (count ≤ 15). */
  digits(count: number): string
}

export function createRandom(seed: number): Random {
  // mulberry32: tiny, fast, and good enough for test data.
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number) => Math.floor(next() * n)
  return {
    next,
    int,
    pick: (items) => items[int(items.length)]!,
    chance: (probability) => next() < probability,
    digits: (count) => String(Math.floor(next() * 10 ** count)).padStart(count, '0'),
  }
}

/**
 * The Luhn check digit to append to `body` (RPPS, SIREN, SIRET, FINESS). Letters (Corsican
 * FINESS 2A/2B, which have no computable key) count as 0.
 */
export function luhnKey(body: string): string {
  let sum = 0
  let double = true
  for (let i = body.length - 1; i >= 0; i--) {
    let digit = body.charCodeAt(i) - 48
    if (digit < 0 || digit > 9) digit = 0
    if (double) {
      digit *= 2
      if (digit > 9) digit -= 9
    }
    sum += digit
    double = !double
  }
  return String((10 - (sum % 10)) % 10)
}

export function withLuhnKey(body: string): string {
  return body + luhnKey(body)
}

/** Lowercase ASCII letters only: `N'Diaye` → `ndiaye`, for e-mail addresses. */
export function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '')
}
