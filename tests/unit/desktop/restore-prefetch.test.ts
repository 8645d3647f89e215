import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { CID } from 'multiformats/cid'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { startVaultNode, type VaultNode } from '../../../core/node/vault-node.ts'
import { localBlocks } from '../../../core/protocols/backup/dag-fetch.ts'
import type { DagWalker } from '../../../core/protocols/backup/node-parts.ts'
import { createDesktopBackupPeer, type DesktopBackupPeer } from '../../../desktop/daemon/backup-peer.ts'
import { openDesktopStores, type DesktopStores } from '../../../desktop/daemon/desktop-stores.ts'
import { desktopNodeHost } from '../../../desktop/daemon/node-host.ts'
import type { BackupStatus } from '../../../relay-server/peer/backup-factory.ts'
import { randomBytes } from '../backup/helpers.ts'
import { tempDir } from '../peer/support.ts'
import { waitFor } from '../support/polling.ts'
import { PASSPHRASE, readAll } from '../vault/share-test-support.ts'

const FILE_BYTES = 6 * 1024 * 1024 + 4321

describe('restore: the vault\'s content comes home after the index', () => {
  const cleanups: Array<() => Promise<void>> = []
  after(async () => { for (const cleanup of cleanups.reverse()) await cleanup() })

  async function startNode (dir: string): Promise<{ node: VaultNode, stores: DesktopStores }> {
    const logs = new LogBuffer()
    const stores = await openDesktopStores(dir, logs.for('storage'))
    // keepByDefault off, as in a browser: only the restore's own prefetch brings the content home.
    const host = { ...desktopNodeHost({ stores, logs, emit: () => {}, origin: 'http://127.0.0.1:1', relays: [], listenNetwork: false, dataDir: dir }), keepByDefault: false }
    const node = await startVaultNode(host)
    cleanups.push(async () => { await node.stop(); await stores.stop() })
    return { node, stores }
  }

  it('fetches every block of every file from the backup peer over the batched exchange, with the first device gone', async () => {
    const dirs = await Promise.all([tempDir('cairn-prefetch-peer-'), tempDir('cairn-prefetch-a-'), tempDir('cairn-prefetch-b-')])
    cleanups.push(async () => { for (const dir of dirs) await dir.cleanup() })
    const [peerDir, aDir, bDir] = dirs.map((d) => d.path) as [string, string, string]
    const peer: DesktopBackupPeer = createDesktopBackupPeer({ dataDir: peerDir, listenNetwork: false, relays: async () => [], logs: new LogBuffer() })
    cleanups.push(async () => { await peer.stop() })
    const info = await peer.info()
    assert.ok(info !== null)

    // The first device: a vault with one file, backed up.
    const first = await startNode(aDir)
    const a = first.node.handlers
    const { recoveryPhrase } = await a['vault.create']({ passphrase: PASSPHRASE })
    const content = randomBytes(FILE_BYTES)
    const added = await a['files.add']({ uploadId: 'u1', file: new File([content as Uint8Array<ArrayBuffer>], 'film.bin') })
    await a['backup.add']({ address: info.address, code: info.pairingCode })
    await waitFor(async () => (await a['backup.list'](undefined)).some((p) => p.filesReplicated === 1 && p.pending === 0), 30_000, 'the peer holds the file')
    await first.node.stop()

    // A fresh device restores with the phrase: the index comes back, then the file's blocks.
    const second = await startNode(bDir)
    await second.node.handlers['vault.restore']({ recoveryPhrase, peerAddress: info.address, newPassphrase: PASSPHRASE })
    const root = CID.parse(added.file.cid)
    const walker = { blockstore: second.stores.blockstore, getCodec: second.node.helia.getCodec.bind(second.node.helia) } as unknown as DagWalker
    let blocks: CID[] = []
    await waitFor(async () => {
      blocks = await localBlocks(walker, root)
      const here = await Promise.all(blocks.map(async (cid) => await second.stores.blockstore.has(cid)))
      return blocks.length > 6 && here.every(Boolean)
    }, 30_000, 'every block of the file is on the restored device')
    assert.ok(await second.node.helia.pins.isPinned(root), 'the file is pinned whole')
    // The desktop keeps fetched blocks in the pieces they arrived in (node-host.ts, hashPieces): they read back whole.
    const stored = await readAll(second.node.vault.files().open(added.file.fileId).stream)
    assert.ok(Buffer.from(stored).equals(Buffer.from(content)), 'the restored file reads back byte for byte')

    const running = peer.running()
    assert.ok(running !== undefined)
    const served = ((await running.status()).backup as BackupStatus).served
    // Each of the file's 1 MiB leaves (7) went over the exchange; the index blocks came over bitswap.
    assert.ok(served !== undefined && served.blocks >= 7, `blocks served over the exchange: ${JSON.stringify(served)}`)
  })
})
