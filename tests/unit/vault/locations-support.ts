// Helpers for the files-on-demand tests (not a test file itself): a real VaultService on in-memory
// stores with its unlocked session, and FileLocations over it with holders the test sets by hand.
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import type { Blockstore } from 'interface-blockstore'
import type { Datastore } from 'interface-datastore'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import type { Log } from '../../../core/log.ts'
import { FileLocations } from '../../../core/vault/file-locations.ts'
import { shareCopyContent } from '../../../core/vault/share-copies.ts'
import { VaultService, type UnlockedSession } from '../../../core/vault/vault-service.ts'
import { hashTag, PASSPHRASE, randomBytes, type Cleanups } from './share-test-support.ts'

export interface LocationsRig {
  vault: VaultService
  /** The vault's own (local) store. */
  blockstore: Blockstore
  datastore: Datastore
  locations: FileLocations
  /** The session of the last unlock. */
  session: () => UnlockedSession
  /** Roots each backup peer / other device confirmed holding in full, as the test says. */
  peerHolders: Map<string, string[]>
  deviceHolders: Map<string, string[]>
  /** How many times FileLocations said where files live changed. */
  changes: { count: number }
  logs: LogBuffer
  add: (path: string, size: number) => Promise<{ fileId: string, cid: string, bytes: Uint8Array }>
}

export interface RigOptions {
  blockstore?: Blockstore
  datastore?: Datastore
  /** Where kept files and on-demand reads fetch from (default: the local store: nothing to fetch). */
  fetchStore?: (local: Blockstore) => Blockstore
  readBlockstore?: Blockstore
  deviceId?: string
  /** Extra share content to protect, beside the real share copies. */
  shareBlocks?: string[]
  log?: Log
  forgetSent?: (cids: readonly string[]) => Promise<void>
  /** How a backup peer's claim is checked before freeing (core/node/peer-block-proof.ts); none: its word is taken. */
  proveHeld?: (peerId: string, cids: readonly string[]) => Promise<boolean>
  /** PeerIds of the devices behind `deviceHolders` (asked to send blocks back with `proveHeld`). */
  confirmedDeviceIds?: (root: string) => string[]
}

export async function locationsRig (cleanups: Cleanups, options: RigOptions = {}): Promise<LocationsRig> {
  const blockstore = options.blockstore ?? new MemoryBlockstore()
  const datastore = options.datastore ?? new MemoryDatastore()
  const logs = new LogBuffer()
  let session: UnlockedSession | undefined
  const vault = new VaultService(
    { blockstore, datastore, hashTag, log: logs.for('vault'), deviceId: options.deviceId ?? '12D3KooWTestDevice', ...(options.readBlockstore !== undefined ? { readBlockstore: options.readBlockstore } : {}) },
    {
      onStatus: () => {},
      onFilesChanged: () => { locations.filesChanged() },
      onUnlocked: (s) => { session = s; locations.attach(s) },
      onLocked: () => { locations.detach() }
    }
  )
  const peerHolders = new Map<string, string[]>()
  const deviceHolders = new Map<string, string[]>()
  const changes = { count: 0 }
  const locations = new FileLocations({
    store: blockstore,
    fetchStore: options.fetchStore?.(blockstore) ?? blockstore,
    datastore,
    log: options.log ?? logs.for('files'),
    backupHolders: (root) => peerHolders.get(root) ?? [],
    deviceHolders: (root) => deviceHolders.get(root) ?? [],
    shareContent: async () => {
      const copies = shareCopyContent(await vault.shareStore().list())
      return { roots: copies.roots, blocks: [...copies.blocks, ...(options.shareBlocks ?? [])] }
    },
    inUse: (root) => vault.files().inUse(root),
    onChanged: () => { changes.count++ },
    ...(options.forgetSent !== undefined ? { forgetSent: options.forgetSent } : {}),
    ...(options.proveHeld !== undefined ? { proveHeld: options.proveHeld } : {}),
    ...(options.confirmedDeviceIds !== undefined ? { confirmedDeviceIds: options.confirmedDeviceIds } : {})
  }, { changeDelayMs: 0 })
  await vault.start()
  cleanups.push(async () => { locations.stop(); await vault.stop() })
  return {
    vault,
    blockstore,
    datastore,
    locations,
    session: () => {
      if (session === undefined) throw new Error('the vault was never unlocked')
      return session
    },
    peerHolders,
    deviceHolders,
    changes,
    logs,
    add: async (path, size) => {
      const bytes = randomBytes(size)
      const { file } = await vault.files().add({ file: new Blob([bytes]), path, mtime: 1_700_000_000_000, type: 'application/octet-stream' })
      return { fileId: file.fileId, cid: file.cid, bytes }
    }
  }
}

export { PASSPHRASE }
