import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import type { Key } from 'interface-datastore'
import type { AbortOptions } from '@libp2p/interface'
import { vaultKey } from '../../../core/protocols/backup/peer-store.ts'
import { addressOf, startDevice, startPeer, stopPeer, waitFor } from './helpers.ts'

/** A datastore whose writes of paired-vault records wait, once armed, until `release()`. */
class HeldDatastore extends MemoryDatastore {
  armed = false
  reached = false
  private open!: () => void
  private readonly opened = new Promise<void>(resolve => { this.open = resolve })

  release (): void { this.open() }

  override async put (key: Key, value: Uint8Array, options?: AbortOptions): Promise<Key> {
    if (this.armed && key.toString().includes('/vaults/')) {
      this.reached = true
      await this.opened
    }
    return await super.put(key, value, options)
  }
}

test('a request answered after its connection closed proves nothing: the next connection of that peer proves itself again', async () => {
  const datastore = new HeldDatastore()
  const peer = await startPeer({}, { blockstore: new MemoryBlockstore(), datastore })
  const device = await startDevice()
  const id = device.helia.libp2p.peerId.toString()
  try {
    const at = addressOf(peer)
    await device.client.pair(at, await peer.service.createPairingCode())
    await device.helia.libp2p.hangUp(peer.helia.libp2p.peerId)
    await waitFor(() => peer.service.access.vaultsOf(id).size === 0, 10_000, 'the proof forgotten on disconnect')

    // A request that is still being handled when the device goes away.
    datastore.armed = true
    const pending = device.client.peerList(at, 'sealed-list').catch(() => null)
    await waitFor(() => datastore.reached, 10_000, 'the request to be handled')
    await device.helia.libp2p.hangUp(peer.helia.libp2p.peerId)
    await waitFor(() => peer.helia.libp2p.getConnections(device.helia.libp2p.peerId).length === 0, 10_000, 'the connection closed on the peer')
    datastore.release()
    await pending
    // The request's work is done once its record is written; what follows it runs in the same turn.
    await waitFor(async () => new TextDecoder().decode(await datastore.get(vaultKey(device.signer.vaultId))).includes('sealed-list'), 10_000, 'the request handled')
    await new Promise(resolve => setImmediate(resolve))
    assert.equal(peer.service.access.vaultsOf(id).size, 0, 'no proof outlives its connection')
  } finally {
    await device.helia.stop()
    await stopPeer(peer)
  }
})
