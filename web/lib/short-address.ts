/**
 * A long address (a multiaddr, a peer id) cut in the middle so both ends stay
 * readable: "/ip4/192.168.1.20/tcp/4201/ws/p2p/12D3KooWAbc…xyz" keeps where
 * it points and the peer id's last characters, which people compare by eye.
 * Text no longer than `head + tail + 1` is returned as it is.
 */
export function shortenMiddle (text: string, head = 14, tail = 8): string {
  // Count characters, not UTF-16 units, so a cut never splits a surrogate pair.
  const chars = [...text]
  if (chars.length <= head + tail + 1) return text
  return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - tail).join('')}`
}
