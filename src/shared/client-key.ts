import { isIPv4, isIPv6 } from 'node:net'

/**
 * The key rate limits and attempt throttles count a client under. An IPv4 address is one client; an
 * IPv6 client is usually given a whole /64 (RFC 6177, privacy addresses of RFC 8981), so it could take a
 * fresh address for every try: its key is the /64 (`2001:db8:1:2::/64`). An IPv4-mapped IPv6 address
 * (`::ffff:192.0.2.1`, as a dual-stack socket reports IPv4 clients) is its IPv4 address.
 */
export function clientKeyOf(ip: string): string {
  const address = ip.split('%')[0] ?? ip
  if (isIPv4(address) || !isIPv6(address)) return address
  const groups = ipv6Groups(address)
  const mapped = groups.slice(0, 6).every((group, index) => group === (index === 5 ? 0xffff : 0))
  if (mapped) return [groups[6] ?? 0, groups[7] ?? 0].flatMap((group) => [group >> 8, group & 0xff]).join('.')
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':')}::/64`
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a dotted IPv4 tail as two groups). */
function ipv6Groups(address: string): number[] {
  const [, front = '', dotted] = address.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/) ?? []
  const bytes = dotted?.split('.').map(Number) ?? []
  const text = dotted ? `${front}${twoBytes(bytes[0], bytes[1])}:${twoBytes(bytes[2], bytes[3])}` : address
  const [head = '', tail] = text.split('::')
  const parse = (part: string) =>
    part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16))
  const left = parse(head)
  const right = tail === undefined ? [] : parse(tail)
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right]
}

const twoBytes = (high = 0, low = 0) => ((high << 8) | low).toString(16)
