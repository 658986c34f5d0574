import { describe, expect, it } from 'vitest'
import { clientKeyOf } from '../../src/shared/client-key.ts'

describe('the key a client is counted under', () => {
  it.each([
    // IPv4, and IPv4-mapped IPv6 as a dual-stack socket reports it: the full address.
    ['192.0.2.1', '192.0.2.1'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['::FFFF:c000:0201', '192.0.2.1'],
    // IPv6: its /64, whatever the interface part.
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:db8:1:2:aaaa:bbbb:cccc:dddd', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002:0000:0000:0000:0001', '2001:db8:1:2::/64'],
    ['2001:db8:1:3::1', '2001:db8:1:3::/64'],
    ['2001:db8::', '2001:db8:0:0::/64'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4::/64'],
    ['64:ff9b::192.0.2.1', '64:ff9b:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
  ])('%s is counted as %s', (ip, key) => {
    expect(clientKeyOf(ip)).toBe(key)
  })

  it('counts every address of one /64 together, and the next /64 apart', () => {
    const keys = ['2001:db8:5:6::1', '2001:db8:5:6:ffff::9', '2001:db8:5:6:1:2:3:4'].map(clientKeyOf)
    expect(new Set(keys).size).toBe(1)
    expect(clientKeyOf('2001:db8:5:7::1')).not.toBe(keys[0])
  })
})
