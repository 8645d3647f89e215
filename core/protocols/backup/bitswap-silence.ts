import type { PeerId } from '@libp2p/interface'

/** The parts of @helia/bitswap 4's WantList replaced here (bitswap/src/want-list.ts). */
interface WantListInternals {
  wants: Map<string, { cancel: boolean }>
  peers: { set: (peer: PeerId, sent: Set<string>) => void, values: () => Iterable<Set<string>> }
  sendMessages: () => Promise<void>
  peerConnected: (peer: PeerId) => Promise<void>
}
interface BrokerInternals { name: string, bitswap?: { wantList?: Partial<WantListInternals> } }

const silenced = new WeakSet<object>()

/**
 * Stops `helia`'s bitswap from sending its own wantlist to anyone. Helia's
 * networked `blockstore.get` of a missing block adds the CID to one
 * wantlist that @helia/bitswap 4 sends to every connected bitswap peer
 * (`sendMessages`) and, whole, to each peer that connects (`peerConnected`).
 * On the backup peer that would tell every vault's devices what the other
 * vaults back up; its fetches go through DeviceWants instead, to the
 * vault's own devices. So, silenced, the wantlist goes nowhere: a read the
 * peer makes by mistake for a block it lacks waits for its own signal and
 * tells nobody. Serving blocks (the other half of bitswap) is untouched.
 * Idempotent. Throws when the installed bitswap has no such seam (a
 * version change).
 */
export function silenceWantBroadcast (helia: object): void {
  const brokers = (helia as { blockBrokers?: BrokerInternals[] }).blockBrokers ?? []
  const wantList = brokers.find(broker => broker.name === 'bitswap')?.bitswap?.wantList
  if (wantList === undefined || typeof wantList.sendMessages !== 'function' || typeof wantList.peerConnected !== 'function' || wantList.wants === undefined || wantList.peers === undefined) {
    throw new Error('this @helia/bitswap has no wantlist to silence')
  }
  if (silenced.has(wantList)) return
  const list = wantList as WantListInternals
  list.sendMessages = async function (this: WantListInternals): Promise<void> {
    // What the original does after sending: forget the wants that ended.
    for (const [key, entry] of this.wants) {
      if (!entry.cancel) continue
      this.wants.delete(key)
      for (const sent of this.peers.values()) sent.delete(key)
    }
  }
  list.peerConnected = async function (this: WantListInternals, peer: PeerId): Promise<void> {
    this.peers.set(peer, new Set())
  }
  silenced.add(wantList)
}
