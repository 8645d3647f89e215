/**
 * What one IP key (`ipKey`: IPv6 per /64) holds open at once: sockets,
 * handshakes. The caps that refuse past a limit (socket-caps.ts,
 * webrtc-direct-caps.ts, the relay's HTTP port) read and keep it here.
 */
export class PerIpCount {
  private readonly counts = new Map<string, number>()

  /** How many `ip` holds now. */
  of (ip: string): number {
    return this.counts.get(ip) ?? 0
  }

  /** Counts one more for `ip`; the returned function gives it back (once). */
  add (ip: string): () => void {
    this.counts.set(ip, this.of(ip) + 1)
    let released = false
    return () => {
      if (released) return
      released = true
      const left = this.of(ip) - 1
      if (left > 0) this.counts.set(ip, left)
      else this.counts.delete(ip)
    }
  }
}
