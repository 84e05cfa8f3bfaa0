import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os'
import { describe, expect, it } from 'vitest'
import { osOnlineFrom, watchOsOnline } from './os-online'

const lo: NetworkInterfaceInfo[] = [
  { address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' },
  { address: '::1', netmask: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', family: 'IPv6', mac: '00:00:00:00:00:00', internal: true, cidr: '::1/128', scopeid: 0 },
]
const v4 = (address: string): NetworkInterfaceInfo => ({ address, netmask: '255.255.255.0', family: 'IPv4', mac: '02:00:00:00:00:01', internal: false, cidr: `${address}/24` })
const v6 = (address: string): NetworkInterfaceInfo => ({ address, netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '02:00:00:00:00:01', internal: false, cidr: `${address}/64`, scopeid: 0 })

describe('os online (browser host)', () => {
  it.each<[string, NodeJS.Dict<NetworkInterfaceInfo[]>, boolean]>([
    ['only loopback', { lo }, false],
    ['nothing at all', {}, false],
    ['a link-local IPv4 only (no DHCP answer)', { lo, eth0: [v4('169.254.10.2')] }, false],
    ['a link-local IPv6 only', { lo, eth0: [v6('fe80::1')] }, false],
    ['a LAN IPv4', { lo, eth0: [v4('192.168.1.20')] }, true],
    ['a routable IPv6', { lo, wlan0: [v6('2001:db8::5')] }, true],
  ])('%s → %s', (_name, interfaces, online) => {
    expect(osOnlineFrom(interfaces)).toBe(online)
  })

  it('reports the real machine once at start, then only changes', () => {
    const seen: (boolean | null)[] = []
    const stop = watchOsOnline((v) => seen.push(v), 60_000)
    stop()
    expect(seen).toEqual([osOnlineFrom(networkInterfaces())])
  })
})
