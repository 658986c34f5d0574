import { isIP } from 'node:net'

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
  return { ok: true, value: entries }
}

function isProxyAddress(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true
  const [address = '', prefix, ...rest] = entry.split('/')
  const version = isIP(address)
  if (version === 0 || rest.length > 0) return false
  if (prefix === undefined) return true
  return /^[0-9]{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128)
}
