import { readFileSync, readdirSync, readlinkSync } from 'node:fs'

export interface ListeningSocket { host: string, port: number }

/** `0100007F:1F90` (little-endian IPv4, hex port) or the IPv6 form, as host and port. */
function parseAddress (hex: string): ListeningSocket {
  const [ip = '', port = '0'] = hex.split(':')
  let host: string
  if (ip.length === 8) {
    host = (ip.match(/../g) ?? []).reverse().map(b => parseInt(b, 16)).join('.')
  } else {
    // Four little-endian 32-bit words.
    const words = (ip.match(/.{8}/g) ?? []).map(w => (w.match(/../g) ?? []).reverse().join(''))
    const groups = words.join('').match(/.{4}/g) ?? []
    host = groups.map(g => parseInt(g, 16).toString(16)).join(':')
    host = host === '0:0:0:0:0:0:0:0' ? '::' : host === '0:0:0:0:0:0:0:1' ? '::1' : host
  }
  return { host, port: parseInt(port, 16) }
}

/**
 * Every TCP socket that process `pid` listens on (Linux: its socket inodes in
 * /proc/PID/fd matched against /proc/net/tcp and tcp6), so a test sees what the
 * real program exposes without asking it.
 */
export function listeningSockets (pid: number): ListeningSocket[] {
  const inodes = new Set<string>()
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))
      if (match?.[1] !== undefined) inodes.add(match[1])
    } catch {
      // Closed while we looked.
    }
  }
  const sockets: ListeningSocket[] = []
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/)
      // cols: sl local rem st tx:rx tr:when retrnsmt uid timeout inode
      if (cols[3] !== '0A' || cols[9] === undefined || !inodes.has(cols[9])) continue
      sockets.push(parseAddress(cols[1] ?? ''))
    }
  }
  return sockets
}

/** Whether a listening host is this machine only. */
export function isLoopback (host: string): boolean {
  return host.startsWith('127.') || host === '::1' || host.startsWith('0:0:0:0:0:ffff:7f')
}
