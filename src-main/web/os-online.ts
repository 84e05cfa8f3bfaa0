import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os'

/**
 * What the browser host can honestly know about the device's network: is
 * any non-loopback interface up with a routable address? No interface means
 * the device is offline; an interface up says nothing about the server, so
 * it is `true` ("the network is up"), never a claim that the server is
 * reachable. Link-local addresses (169.254/16, fe80::/10) come up without
 * any network, so they do not count.
 */
export function osOnlineFrom(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>): boolean {
  for (const addrs of Object.values(interfaces)) {
    for (const a of addrs ?? []) {
      if (a.internal) continue
      if (a.family === 'IPv4' && !a.address.startsWith('169.254.')) return true
      if (a.family === 'IPv6' && !/^fe[89ab]/i.test(a.address)) return true
    }
  }
  return false
}

/**
 * Tells `setOsOnline` now and whenever the answer changes, checking every
 * `intervalMs` (reading the interface list is a cheap syscall). Returns the stop.
 * Where Node cannot list interfaces, says null ("cannot tell"), never offline.
 */
export function watchOsOnline(setOsOnline: (online: boolean | null) => void, intervalMs = 5000): () => void {
  let last: boolean | null | undefined
  const check = () => {
    let now: boolean | null
    try {
      now = osOnlineFrom(networkInterfaces())
    } catch {
      now = null
    }
    if (now !== last) {
      last = now
      setOsOnline(now)
    }
  }
  check()
  const timer = setInterval(check, intervalMs)
  timer.unref()
  return () => clearInterval(timer)
}
