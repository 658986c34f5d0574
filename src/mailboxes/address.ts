import { foldText } from '../shared/word-search.ts'

/**
 * The MSSanté address of a mailbox, derived when the support desk validates it:
 * - `ORG`: `<name>.<postal code>.<city>@<domain>` (Pharmacie du Centre, 81000 Albi →
 *   `pharmacie.du.centre.81000.albi@…`);
 * - `PER`, `INT`: `<first name>.<last name>@<domain>`.
 * Lower case, accents removed, every run of other characters one dot, no leading or trailing dot; a
 * local part of at most 64 characters, the name shortened first (an `ORG`'s name, then its city; a
 * person's first name, then the last name); on collision with any address ever reserved, `.2`, `.3`…
 * Pure rules: the repository says which candidates are taken.
 */
export type AddressSource =
  | { kind: 'ORG'; name: string; postalCode: string; city: string }
  | { kind: 'PER' | 'INT'; firstName: string; lastName: string }

export const MAX_LOCAL_PART = 64

/** One part of a local part: `L'Étoile-d'Or` → `l.etoile.d.or` (folded as word search folds). */
export function addressPart(text: string): string {
  return foldText(text)
    .replace(/[^a-z0-9]+/g, '.')
    .replace(/^\.+|\.+$/g, '')
}

/** The parts in order, and which may be shortened, first to last. */
function partsOf(source: AddressSource): { parts: string[]; shrinkable: number[] } {
  if (source.kind === 'ORG')
    return {
      parts: [addressPart(source.name), addressPart(source.postalCode), addressPart(source.city)],
      shrinkable: [0, 2],
    }
  return { parts: [addressPart(source.firstName), addressPart(source.lastName)], shrinkable: [0, 1] }
}

const joined = (parts: string[]) => parts.filter((part) => part !== '').join('.')

/** The local part within `max` characters: each shrinkable part cut in turn, down to one character. */
export function localPart(source: AddressSource, max = MAX_LOCAL_PART): string {
  const { parts, shrinkable } = partsOf(source)
  for (const index of shrinkable) {
    const excess = joined(parts).length - max
    if (excess <= 0) break
    const part = parts[index]!
    parts[index] = part.slice(0, Math.max(1, part.length - excess)).replace(/\.+$/, '')
  }
  return joined(parts).slice(0, max).replace(/\.+$/, '')
}

/** The `n`-th candidate: the address itself, then `.2`, `.3`… each within 64 characters. */
export function candidateAddress(source: AddressSource, domain: string, n: number): string {
  const suffix = n <= 1 ? '' : `.${n}`
  return `${localPart(source, MAX_LOCAL_PART - suffix.length)}${suffix}@${domain}`
}

/** Candidates `from` to `from + count - 1`, for one look-up of which are taken. */
export const candidateAddresses = (source: AddressSource, domain: string, from: number, count: number) =>
  Array.from({ length: count }, (_, i) => candidateAddress(source, domain, from + i))

/** The first candidate not taken. */
export function deriveAddress(source: AddressSource, domain: string, taken: ReadonlySet<string>): string {
  for (let n = 1; ; n++) {
    const address = candidateAddress(source, domain, n)
    if (!taken.has(address)) return address
  }
}

const LOCAL_PART = /^[a-z0-9]+(?:\.[a-z0-9]+)*$/

/**
 * An address the support desk types instead of the derived one, checked the same way: the derived
 * alphabet (lower-case letters, digits, single dots inside), at most 64 characters before the `@`, and
 * one of the operator's domains. Undefined when it passes, else what is wrong.
 */
export function addressProblem(address: string, domains: readonly string[]): string | undefined {
  const at = address.lastIndexOf('@')
  const local = address.slice(0, at)
  const domain = address.slice(at + 1)
  if (at < 1 || !LOCAL_PART.test(local))
    return 'must be lower-case letters and digits, with single dots inside, before the @'
  if (local.length > MAX_LOCAL_PART) return `must have at most ${MAX_LOCAL_PART} characters before the @`
  if (!domains.includes(domain)) return `must be in one of the operator’s domains: ${domains.join(', ')}`
  return undefined
}

/** The domain of a mailbox: the one of its responsible's profession, else the operator's. */
export const domainFor = (
  professionCode: string | null,
  config: { MSSANTE_DOMAIN: string; MSSANTE_DOMAINS_BY_PROFESSION: Record<string, string> },
) => (professionCode && config.MSSANTE_DOMAINS_BY_PROFESSION[professionCode]) || config.MSSANTE_DOMAIN

/** Every domain the operator serves. */
export const operatorDomains = (config: {
  MSSANTE_DOMAIN: string
  MSSANTE_DOMAINS_BY_PROFESSION: Record<string, string>
}) => [...new Set([config.MSSANTE_DOMAIN, ...Object.values(config.MSSANTE_DOMAINS_BY_PROFESSION)])]
