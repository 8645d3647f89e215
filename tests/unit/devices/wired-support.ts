import { DeviceDirectory } from '../../../core/vault/device-directory.ts'
import { deviceSigner } from '../../../core/node/device-key.ts'
import { PeerKeeper } from '../../../core/node/peer-keeper.ts'
import { createDeviceRemovalHandlers } from '../../../core/node/device-removal-handlers.ts'
import { RotatedElsewhere } from '../../../core/node/rotated-elsewhere.ts'
import { createVaultDeviceRemoval } from '../../../core/node/vault-device-removal.ts'
import { BackupClient } from '../../../core/protocols/backup/backup-client.ts'
import { BackupPeers } from '../../../core/protocols/backup/device/backup-peers.ts'
import { bringIndexUnderKey } from '../../../core/vault/handed-over-index.ts'
import { VaultService } from '../../../core/vault/vault-service.ts'
import type { HandlerMap } from '../../../core/rpc/handlers.ts'
import type { VaultStatus } from '../../../core/rpc/api.ts'
import { multiaddr } from '@multiformats/multiaddr'
import { MemoryLog, startNode, type TestNode } from '../backup/helpers.ts'
import { hashTag } from '../vault/share-test-support.ts'

/** Shared set-up for the wired remove-and-rotate test (not a test file itself). */

/** A device as the node worker wires it: a VaultService, real backup, removal and VAULT_ROTATED handling, on memory stores. */
export interface WiredDevice extends TestNode {
  id: string
  vault: VaultService
  backups: BackupPeers
  directory: DeviceDirectory
  handlers: Pick<HandlerMap, 'devices.remove'>
  log: MemoryLog
  statuses: VaultStatus[]
  /** This device's box public key, as the last unlock gave it. */
  boxKey: () => string | undefined
  stop: () => Promise<void>
}

export async function startWiredDevice (): Promise<WiredDevice> {
  const node = await startNode()
  const libp2p = node.helia.libp2p
  const id = libp2p.peerId.toString()
  const log = new MemoryLog()
  const statuses: VaultStatus[] = []
  let boxKey: string | undefined
  // As the node worker does: the device book opens with the vault, and this device's box key goes in it.
  const directory = new DeviceDirectory({ datastore: node.datastore, peerId: id, describe: { name: 'Test device', platform: 'Linux' }, log, onChanged: () => {}, sign: deviceSigner(node.helia.libp2p) })
  const backups = new BackupPeers({
    libp2p,
    datastore: node.datastore,
    keeper: new PeerKeeper({ libp2p, log }),
    log,
    onChanged: () => {},
    onVaultRotated: (peerId) => { void rotated.heard(peerId) }
  }, id)
  await backups.start()
  const vault = new VaultService({
    blockstore: node.blockstore,
    readBlockstore: node.helia.blockstore,
    datastore: node.datastore,
    hashTag,
    log,
    deviceId: id,
    onHandedOver: async (vaultKey, oldVaultKey) => {
      await bringIndexUnderKey({
        networkBlockstore: node.helia.blockstore,
        datastore: node.datastore,
        peers: () => backups.list().map(peer => multiaddr(peer.address)),
        client: (signer) => new BackupClient({ libp2p }, { signer, timeoutMs: 10_000 }),
        deviceId: id,
        log
      }, vaultKey, oldVaultKey)
    }
  }, {
    onStatus: (status) => { statuses.push(status) },
    onFilesChanged: () => { backups.changed() },
    onUnlocked: (session) => {
      boxKey = session.boxKey
      void backups.attach(session)
      void directory.attach(session.devicesKey).then(async () => { await directory.publishBoxKey(session.boxKey) }).catch(() => {})
    },
    onLocked: () => { backups.detach(); directory.detach() }
  })
  await vault.start()
  const removal = createVaultDeviceRemoval({ vault, directory, backups, libp2p, blockstore: node.blockstore, datastore: node.datastore, deviceId: id, log })
  const rotated = new RotatedElsewhere({
    vault,
    datastore: node.datastore,
    deviceId: id,
    handover: async (peerId) => await backups.handover(peerId),
    busy: () => removal.busy(),
    log
  })
  return {
    ...node,
    id,
    vault,
    backups,
    directory,
    handlers: createDeviceRemovalHandlers(removal, () => {}, log),
    log,
    statuses,
    boxKey: () => boxKey,
    stop: async () => {
      await vault.stop()
      backups.stop()
      await node.helia.stop()
    }
  }
}
