import { BlockList, isIP } from 'node:net'

/**
 * Which reverse proxies the service sits behind, so that `request.ip` is the client's address (rate
 * limits, throttles and the audit trail key on it): none, the number of proxies in front (the client is
 * the address that many hops from the right of `X-Forwarded-For`), or the proxies' addresses and CIDR
 * ranges (the client is the right-most address that is not one of them).
 */
export type TrustProxy = false | number | string[]

/** The names proxy-addr (behind Fastify's `trustProxy`) knows for whole ranges. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal'])

export type TrustProxyParse = { ok: true; value: TrustProxy } | { ok: false; problem: string }

/**
 * Fastify's `trustProxy` option. Fastify reads a bare number as "trust nothing", so a hop count is given
 * as the function proxy-addr calls for each address, the socket's first (hop 0), then `X-Forwarded-For`
 * from right to left: the first `hops` of them are proxies.
 */
export function trustProxyOption(
  trust: TrustProxy,
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust !== 'number') return trust
  return (_address, hop) => hop < trust
}

/** Reads `TRUST_PROXY`: `false`, a hop count, or a comma-separated list of addresses and CIDR ranges. */
export function trustProxyOf(text: string): TrustProxyParse {
  const value = text.trim().toLowerCase()
  if (value === 'false' || value === '0') return { ok: true, value: false }
  if (value === 'true') {
    return {
      ok: false,
      problem:
        'must not be true: that trusts the left-most X-Forwarded-For address, which the client writes, so ' +
        'anyone could pick the address every rate limit counts. Give the number of proxies in front of ' +
        'the service (e.g. 1) or their addresses and CIDR ranges (e.g. 10.0.0.0/8,192.0.2.10)',
    }
  }
  if (/^[0-9]+$/.test(value)) {
    const hops = Number(value)
    return hops <= 10
      ? { ok: true, value: hops }
      : { ok: false, problem: 'must be at most 10 proxies in front of the service' }
  }
  const entries = value.split(',').map((entry) => entry.trim())
  const bad = entries.filter((entry) => !isProxyAddress(entry))
  if (bad.length > 0 || entries.length === 0) {
    return {
      ok: false,
      problem:
        'must be false, a number of proxies (e.g. 1), or a comma-separated list of IP addresses, CIDR ' +
        'ranges or loopback/linklocal/uniquelocal',
    }
  }
  const wide = entries.filter(isTooWide)
  if (wide.length > 0) {
    return {
      ok: false,
      problem:
        `must not trust ${wide.join(', ')}: a range that wide holds clients, not only proxies, and every ` +
        `client in it could write the address the rate limits count. Ranges are at most an IPv4 /${WIDEST.ipv4} ` +
        `or an IPv6 /${WIDEST.ipv6} (any width inside the unique-local fc00::/7)`,
    }
  }
  return { ok: true, value: entries }
}

/**
 * The widest range trusted as proxies: an IPv4 /8 (10.0.0.0/8, the widest private block) and an IPv6 /32
 * (a whole provider allocation); unique-local IPv6 addresses are never routed, so any range inside
 * fc00::/7 is as private as the named `uniquelocal`.
 */
export const WIDEST = { ipv4: 8, ipv6: 32 } as const

const UNIQUE_LOCAL = new BlockList()
UNIQUE_LOCAL.addSubnet('fc00::', 7, 'ipv6')
const IPV4_MAPPED = new BlockList()
IPV4_MAPPED.addSubnet('::ffff:0:0', 96, 'ipv6')

function isProxyAddress(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true
  const [address = '', prefix, ...rest] = entry.split('/')
  const version = isIP(address)
  if (version === 0 || rest.length > 0) return false
  if (prefix === undefined) return true
  return /^[0-9]{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128)
}

/**
 * A range wider than `WIDEST`. An IPv6 range is also measured on the IPv4 addresses it covers, since the
 * proxy check matches an IPv4 client against IPv4-mapped ranges (`::ffff:10.0.0.0/104` is 10.0.0.0/8).
 */
function isTooWide(entry: string): boolean {
  const [address = '', prefixText] = entry.split('/')
  if (NAMED_RANGES.has(entry) || prefixText === undefined) return false
  const prefix = Number(prefixText)
  if (isIP(address) === 4) return prefix < WIDEST.ipv4
  if (prefix > 96 && IPV4_MAPPED.check(address, 'ipv6')) return prefix - 96 < WIDEST.ipv4
  const range = new BlockList()
  range.addSubnet(address, prefix, 'ipv6')
  if (range.check('::ffff:0.0.0.0', 'ipv6')) return true
  return prefix < WIDEST.ipv6 && !(prefix >= 7 && UNIQUE_LOCAL.check(address, 'ipv6'))
}
