import { isIPv4, isIPv6 } from 'node:net'
import type { Multiaddr } from '@multiformats/multiaddr'

/**
 * The IP address a connection comes from (`/ip4/…` or `/ip6/…` part of its
 * remote multiaddr), or undefined when there is none. A circuit address has
 * none of the peer's own: libp2p writes it as the hop's address followed by
 * `/p2p-circuit/p2p/<peer>`, so its IP is the hop relay's, shared by every
 * peer that comes through it, and counting it would put them all in one bucket.
 */
export function ipOf (address: Multiaddr): string | undefined {
  const parts = address.getComponents()
  if (parts.some(part => part.name === 'p2p-circuit')) return undefined
  for (const part of parts) {
    if (part.name === 'ip4' || part.name === 'ip6') return part.value
  }
  return undefined
}

/** The eight 16-bit groups of an IPv6 address (`::` expanded, a dotted IPv4 tail converted). */
function ipv6Groups (address: string): number[] {
  let text = address.replace(/%.*$/, '') // a zone (fe80::1%eth0) is not part of the address
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text)
  if (dotted !== null) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number]
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head = '', tail] = text.split('::')
  const parse = (part: string): number[] => part === '' ? [] : part.split(':').map(g => parseInt(g, 16))
  const front = parse(head)
  const back = tail === undefined ? [] : parse(tail)
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back]
}

/**
 * The key per-IP caps count under: an IPv4 address as it is, an IPv6 address
 * by its /64 prefix (one host or household gets a whole /64 and can pick any
 * of its 2^64 addresses, so counting single IPv6 addresses caps nothing), and
 * an IPv4-mapped IPv6 address (::ffff:a.b.c.d) as the IPv4 address it is.
 */
export function ipKey (address: string): string {
  if (isIPv4(address)) return address
  if (!isIPv6(address)) return address
  const groups = ipv6Groups(address)
  if (groups.slice(0, 5).every(g => g === 0) && groups[5] === 0xffff) {
    const [hi = 0, lo = 0] = groups.slice(6)
    return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`
  }
  return `${groups.slice(0, 4).map(g => g.toString(16)).join(':')}::/64`
}

/** `ipKey` of a connection's remote address, or undefined when it has no IP part. */
export function ipKeyOf (address: Multiaddr): string | undefined {
  const ip = ipOf(address)
  return ip === undefined ? undefined : ipKey(ip)
}
