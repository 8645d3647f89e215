/** Where a pairing attempt came from: the remote PeerId, and its IP when the connection is direct. */
export interface PairingSource {
  peer: string
  /** Absent for relayed connections: their address is the relay's, shared by everyone who uses it. */
  ip?: string
}

export interface PairingLimiterInit {
  /** Wrong codes one remote peer may send per window. */
  perPeer: number
  /** Wrong codes one IP address (an IPv6 /64) may send per window. */
  perIp: number
  windowMs?: number
  /** Sources remembered at most; the oldest are forgotten first (a stranger cannot grow memory). */
  maxSources?: number
}

/**
 * Counts wrong pairing codes per source in a sliding window: per remote
 * peer and per IP (an IPv6 /64, which one host usually holds whole).
 * There is no total: a stranger sending wrong codes uses up only their own
 * allowance, never the owner's. Loopback addresses are not limited by IP
 * (everyone on the peer's own machine shares them; the owner pairs from
 * there), only per peer. An 80-bit code that expires after minutes cannot
 * be guessed at any rate these limits leave open.
 */
export class PairingLimiter {
  private readonly failures = new Map<string, number[]>()
  private readonly windowMs: number
  private readonly maxSources: number

  constructor (private readonly init: PairingLimiterInit) {
    this.windowMs = init.windowMs ?? 60_000
    this.maxSources = init.maxSources ?? 10_000
  }

  /** True when `source` may try a code now. */
  allows (source: PairingSource, now: number): boolean {
    return this.keys(source).every(([key, limit]) => this.recent(key, now) < limit)
  }

  /** Counts one wrong code from `source`. */
  record (source: PairingSource, now: number): void {
    for (const [key] of this.keys(source)) {
      const list = this.failures.get(key) ?? []
      this.failures.delete(key)
      list.push(now)
      this.failures.set(key, list)
    }
    while (this.failures.size > this.maxSources) {
      const oldest = this.failures.keys().next().value
      if (oldest === undefined) break
      this.failures.delete(oldest)
    }
  }

  private keys (source: PairingSource): Array<[string, number]> {
    const keys: Array<[string, number]> = [[`peer:${source.peer}`, this.init.perPeer]]
    const ip = source.ip !== undefined ? ipBucket(source.ip) : undefined
    if (ip !== undefined) keys.push([`ip:${ip}`, this.init.perIp])
    return keys
  }

  private recent (key: string, now: number): number {
    const list = this.failures.get(key)
    if (list === undefined) return 0
    const kept = list.filter(t => t > now - this.windowMs)
    if (kept.length === 0) this.failures.delete(key)
    else this.failures.set(key, kept)
    return kept.length
  }
}

/** The bucket an IP counts in: itself (IPv4), its /64 (IPv6); undefined for loopback. */
export function ipBucket (ip: string): string | undefined {
  if (ip.startsWith('127.') || ip === '::1') return undefined
  if (!ip.includes(':')) return ip
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)
  if (mapped !== null) return ipBucket(mapped[1] as string)
  const [head = '', tail = ''] = ip.toLowerCase().split('::')
  const left = head === '' ? [] : head.split(':')
  const right = tail === '' ? [] : tail.split(':')
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left
  return `${groups.slice(0, 4).map(g => g.replace(/^0+(?=.)/, '')).join(':')}::/64`
}
