import { MemoryDatastore } from 'datastore-core'
import type { CID } from 'multiformats/cid'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { VaultService } from '../../../core/vault/vault-service.ts'
import { mbPerSecond, type BenchContext } from './bench-context.ts'
import { openPackStore } from './bench-stores.ts'
import { openShareStream, recipientNode } from './measure-share.ts'
import { loadWasmNoiseCrypto } from '../../../core/node/wasm-noise-cipher.ts'
import { withStore } from './suite-env.ts'

/**
 * "Save to my vault" on a share link (files.addShared): the share's plaintext
 * stream, as the share worker reads it, goes into the recipient's own vault
 * through VaultFiles.addStream (encrypted under a new key, its dedup tag
 * hashed on the same thread) onto a fresh OPFS pack store, flushed.
 * `share.save.throughput` is plaintext MB over the whole time. The service
 * worker hop between the two workers is not in it.
 */
export async function measureShareSave (root: CID, fileKey: Uint8Array, size: number, peerAddress: string, ctx: BenchContext): Promise<number> {
  return await withStore(await openPackStore('share-save'), async (store) => {
    const vault = new VaultService(
      {
        blockstore: store.blockstore,
        datastore: new MemoryDatastore(),
        hashTag: async () => { throw new Error('addStream hashes as it reads; no Blob tag is asked for') },
        log: new LogBuffer().for('bench'),
        deviceId: '12D3KooWBenchRecipient'
      },
      { onStatus: () => {}, onFilesChanged: () => {} }
    )
    await vault.start()
    // Untimed: the Argon2id of making a vault is not part of saving.
    await vault.create('a bench passphrase, long enough')
    const helia = recipientNode(await loadWasmNoiseCrypto())
    try {
      const start = performance.now()
      const stream = await openShareStream(helia, root, fileKey, size, peerAddress)
      await vault.files().addStream({ stream, size, path: 'Shared with me/bench.bin', mtime: Date.now(), type: '' })
      await store.flush()
      const ms = performance.now() - start
      ctx.log(`share.save: ${size} bytes into the vault in ${(ms / 1000).toFixed(2)} s`)
      return mbPerSecond(size, ms)
    } finally {
      await helia.stop()
      await vault.stop()
    }
  })
}
