/// <reference lib="webworker" />
import { webSockets } from '@libp2p/websockets'
import { LogBuffer } from '../../core/node/log-buffer.ts'
import { startVaultNode, type ServedNode } from '../../core/node/vault-node.ts'
import { wasmNoiseCryptoOrDefault } from '../../core/node/wasm-noise-cipher.ts'
import { withAdjacentSends } from '../../core/node/adjacent-sends.ts'
import { describeDevice } from '../../core/vault/device-name.ts'
import { loadAppConfig } from './app-config.ts'
import { toErrorPayload } from '../../core/errors.ts'
import { openBrowserStores } from '../browser-stores.ts'
import { NodeTabs } from './node-tabs.ts'
import { createWorkerTagHasher } from './worker-tag-hasher.ts'
import { sealPoolSize, withSealPool } from './worker-seal-pool.ts'
import { createInThreadTagHasher } from '../../core/node/in-thread-tag-hasher.ts'
import { helperWorkersMayBlock } from './helper-workers.ts'
import { sharedFileSource } from './shared-file-source.ts'
import { handleFolderOpener } from '../folders/handle-folder-opener.ts'
import type { EventName, NodeEvents } from '../../core/rpc/api.ts'
import { createWasmSha256Pieces } from '../../core/protocols/blocks/wasm-sha256-pieces.ts'

declare const self: DedicatedWorkerGlobalScope

/**
 * The node host: one per origin, started by the leader tab (DESIGN §2). It
 * owns the OPFS blockstore and the IndexedDB datastore and hands them, with
 * the browser's transports, to the one node composition
 * (core/node/vault-node.ts); tabs reach it only through RPC messages.
 */
const logs = new LogBuffer()
const log = logs.for('node')
const tabs = new NodeTabs()
const emit = <E extends EventName>(event: E, data: NodeEvents[E]): void => { tabs.emit(event, data) }
logs.subscribe((line) => { emit('log', line) })

async function startNode (): Promise<ServedNode> {
  const stores = await openBrowserStores()
  return await startVaultNode({
    stores,
    defaultRelays: async () => (await loadAppConfig()).relays,
    network: {
      agentName: 'cairn-browser',
      // Listening on /p2p-circuit makes a reservation on each relay we connect to.
      listen: ['/p2p-circuit'],
      transports: [withAdjacentSends(webSockets())],
      noiseCrypto: await wasmNoiseCryptoOrDefault((message) => { log.warn(message) }),
      // Fetched blocks checked and stored in the pieces they arrived in, never joined first.
      hashPieces: await createWasmSha256Pieces()
    },
    logs,
    emit,
    hashTag: helperWorkersMayBlock(self.navigator.userAgent)
      ? createInThreadTagHasher(sealPoolSize(self.navigator.hardwareConcurrency) * 2)
      // Ended on lock, so the hash and seal workers keep no key while the vault is closed.
      : withSealPool(createWorkerTagHasher()),
    openShared: sharedFileSource(self.location.origin),
    origin: self.location.origin,
    appHost: self.location.hostname,
    device: describeDevice(self.navigator.userAgent),
    storageUse: async () => {
      const { usage, quota } = await self.navigator.storage.estimate()
      return usage !== undefined && quota !== undefined ? { usedBytes: usage, totalBytes: quota } : undefined
    },
    // Folder sync on folders the page picked (FS Access handles kept in IndexedDB).
    folders: handleFolderOpener()
  })
}

const ready = startNode()
ready.catch((err: unknown) => { log.error(`node failed to start: ${toErrorPayload(err).message}`) })

tabs.listen(ready)
