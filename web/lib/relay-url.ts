/**
 * The HTTP `/ping` URL of a relay, derived from its multiaddr. The relay
 * serves HTTP on its WebSocket port + 1 (relay-server's default), so
 * `/ip4/H/tcp/P/ws/…` → `http://H:(P+1)/ping`; a secure WebSocket
 * (`/wss`, `/tls/ws`) → `https://`. Undefined when the address has no TCP
 * WebSocket part to derive it from (e.g. WebRTC-direct only): the user can
 * type the URL instead.
 */
export function relayPingUrl (address: string): string | undefined {
  const parts = address.trim().split('/')
  // A multiaddr starts with '/', so parts[0] is ''.
  if (parts[0] !== '' || parts.length < 5) return undefined
  const [proto, host, tcp, portText] = parts.slice(1, 5)
  if (tcp !== 'tcp' || host === undefined || host === '' || portText === undefined || !/^\d+$/.test(portText)) return undefined
  const port = Number(portText) + 1
  if (port > 65_535) return undefined
  const rest = parts.slice(5)
  const secure = rest[0] === 'wss' || (rest[0] === 'tls' && rest.includes('ws'))
  if (!secure && rest[0] !== 'ws') return undefined
  let hostPart: string
  switch (proto) {
    case 'ip4': case 'dns': case 'dns4': case 'dns6': hostPart = host; break
    case 'ip6': hostPart = `[${host}]`; break
    default: return undefined
  }
  return `${secure ? 'https' : 'http'}://${hostPart}:${port}/ping`
}

/** True for text the node could be asked to fetch as a relay status URL (http or https only). */
export function isHttpUrl (text: string): boolean {
  try {
    const url = new URL(text.trim())
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}
