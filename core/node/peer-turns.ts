/**
 * Turns per peer: what one peer asked runs one at a time, and at most `most`
 * are running or waiting at once; past that a request gets no turn. Device
 * sync answers sessions through it, so a paired device that opens a stream
 * per session (libp2p lets a connection carry dozens) holds one session here,
 * not one per stream.
 */
export class PeerTurns {
  private readonly peers = new Map<string, { count: number, last: Promise<void> }>()

  constructor (private readonly most: number) {}

  /**
   * A turn for `peer`: resolves, once the turns before it ended, with the
   * function that ends it (call it always). Undefined when `most` turns of
   * this peer are running or waiting already.
   */
  enter (peer: string): Promise<() => void> | undefined {
    const turns = this.peers.get(peer) ?? { count: 0, last: Promise.resolve() }
    if (turns.count >= this.most) return undefined
    turns.count++
    this.peers.set(peer, turns)
    const before = turns.last
    let ended = (): void => {}
    turns.last = new Promise<void>(resolve => { ended = resolve })
    let left = false
    const leave = (): void => {
      if (left) return
      left = true
      ended()
      if (--turns.count === 0 && this.peers.get(peer) === turns) this.peers.delete(peer)
    }
    return before.then(() => leave)
  }
}
