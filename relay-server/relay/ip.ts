import type { Multiaddr } from '@multiformats/multiaddr'

/**
 * The IP address a connection comes from (`/ip4/…` or `/ip6/…` part of its
 * remote multiaddr), or undefined when there is none (e.g. a circuit address).
 * Per-IP caps key on this string.
 */
export function ipOf (address: Multiaddr): string | undefined {
  for (const part of address.getComponents()) {
    if (part.name === 'ip4' || part.name === 'ip6') return part.value
  }
  return undefined
}
