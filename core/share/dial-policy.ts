import { isPrivateIp, tryGetNetConfig } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'

/**
 * Which addresses a share link's recipient may dial (issue 8). A link is
 * written by whoever shares it, so its hints could point a recipient's
 * browser at loopback or LAN services (a router's admin page, a dev server):
 * the recipient's node dials loopback and private-range addresses only when
 * the app itself is served from such an address (a LAN or `npm start` setup,
 * where the relay and the peer really are local); otherwise those hints are
 * dropped before dialing, and the node's connection gater refuses them too.
 *
 * "Private" is libp2p's own list (@libp2p/utils isPrivateIp: 127/8, 10/8,
 * 172.16/12, 192.168/16, 169.254/16, 100.64/10, ::1, fc00::/7, fe80::/10
 * and the other special-use ranges), plus the names that can only mean this
 * machine or this LAN: `localhost`, `*.localhost`, mDNS `*.local`, the home
 * network's `*.home.arpa` (RFC 8375), the private-use `*.internal`, the
 * customary `*.lan`, and a single label (`router`, `nas`), which only a LAN's
 * DNS search domain resolves. Trailing dots do not change a name.
 * A public name that resolves to a private address cannot be seen from a
 * browser; the gater does not see resolved addresses either.
 */

const LOCAL_NAME = /(^|\.)(localhost|local|home\.arpa|internal|lan)$/i

/**
 * True for a host (an IP literal, `[::1]`, or a DNS name) that is loopback,
 * link-local or private. The host is read first as a browser's URL parser
 * reads it, since that is where a WebSocket goes: `127.1`, `2130706433`,
 * `0x7f000001` and `0177.0.0.1` are names to a multiaddr but 127.0.0.1 to
 * the browser. One the parser refuses counts as private (never dialed).
 */
export function isPrivateHost (host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
  const parsed = asBrowserReadsIt(bare)
  if (parsed === undefined) return true
  const ip = isPrivateIp(parsed)
  if (ip !== undefined) return ip
  const name = parsed.replace(/\.+$/, '')
  return !name.includes('.') || LOCAL_NAME.test(name)
}

/** The hostname a WHATWG URL parser makes of `host` (IPv4 numbers in any notation become dotted decimal), brackets off. */
function asBrowserReadsIt (host: string): string | undefined {
  try {
    const hostname = new URL(`http://${host.includes(':') ? `[${host}]` : host}/`).hostname
    return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname
  } catch {
    return undefined
  }
}

/**
 * True when the address's first hop (for a relayed address, the relay) is
 * private; an address that cannot be parsed or names no host counts as
 * private, so it is never dialed from a public app.
 */
export function isPrivateAddress (address: string): boolean {
  let config
  try {
    config = tryGetNetConfig(multiaddr(address))
  } catch {
    return true
  }
  if (config === null || config.host === undefined) return true
  // dnsaddr hosts come back as `_dnsaddr.NAME`.
  return isPrivateHost(config.host.replace(/^_dnsaddr\./, ''))
}

/** The hints a recipient may dial, given the host the app is served from. */
export function dialableHints (hints: string[], appHost: string): string[] {
  if (isPrivateHost(appHost)) return hints
  return hints.filter(hint => !isPrivateAddress(hint))
}
