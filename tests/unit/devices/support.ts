import { Devices, type DevicesComponents } from '../../../core/node/devices.ts'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { PeerKeeper } from '../../../core/node/peer-keeper.ts'
import { BackupPeers } from '../../../core/protocols/backup/device/backup-peers.ts'
import { describeDevice } from '../../../core/vault/device-name.ts'
import { VaultService } from '../../../core/vault/vault-service.ts'
import { startNode, type TestNode } from '../backup/helpers.ts'
import { hashTag } from '../vault/share-test-support.ts'
import type { PairingEvent } from '../../../core/rpc/api.ts'

/** Shared set-up for the device pairing tests (not a test file itself). */

export const ORIGIN = 'https://cairn.example'
export const CHROME_LINUX = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36'
export const FIREFOX_ANDROID = 'Mozilla/5.0 (Android 15; Mobile; rv:140.0) Gecko/140.0 Firefox/140.0'

export interface Device {
  node: TestNode
  vault: VaultService
  devices: Devices
  backups: BackupPeers
  keeper: PeerKeeper
  events: PairingEvent[]
  joined: string[]
  kept: string[]
}

/**
 * A device as the node worker wires it: a node on 127.0.0.1, a vault, its
 * backup peers, and the devices part (directory, pairing host, offers, joins).
 */
export async function startDevice (userAgent: string, relays: () => string[], now?: () => number, extra: Partial<DevicesComponents> = {}): Promise<Device> {
  const node = await startNode()
  const log = new LogBuffer().for('test')
  const events: PairingEvent[] = []
  const joined: string[] = []
  const kept: string[] = []
  const ref: { devices?: Devices } = {}
  const keeper = new PeerKeeper({ libp2p: node.helia.libp2p, log })
  const backups = new BackupPeers({ libp2p: node.helia.libp2p, datastore: node.datastore, keeper, log, onChanged: () => {} }, node.helia.libp2p.peerId.toString())
  await backups.start()
  const vault = new VaultService({ blockstore: node.blockstore, readBlockstore: node.helia.blockstore, datastore: node.datastore, hashTag, log, deviceId: node.helia.libp2p.peerId.toString() }, {
    onStatus: () => {},
    onFilesChanged: () => { backups.changed() },
    onUnlocked: (session) => { void backups.attach(session); void ref.devices?.unlocked(session.devicesKey) },
    onLocked: () => { backups.detach(); ref.devices?.locked() }
  })
  await vault.start()
  const devices = new Devices({
    helia: node.helia,
    vault,
    datastore: node.datastore,
    backups,
    relays,
    adoptRelays: async () => {},
    keep: (address) => { kept.push(address) },
    origin: ORIGIN,
    describe: describeDevice(userAgent),
    log,
    onChanged: () => {},
    onPairing: (event) => { events.push(event) },
    onDeviceJoined: (peerId) => { joined.push(peerId) },
    ...(now !== undefined ? { now } : {}),
    ...extra
  })
  ref.devices = devices
  await devices.start()
  return { node, vault, devices, backups, keeper, events, joined, kept }
}

export async function stopDevice (d: Device): Promise<void> {
  await d.devices.stop()
  await d.vault.stop()
  d.backups.stop()
  d.keeper.stop()
  await d.node.helia.stop()
}

export const find = <S extends PairingEvent['stage']>(events: PairingEvent[], stage: S): Extract<PairingEvent, { stage: S }> | undefined =>
  events.find((e): e is Extract<PairingEvent, { stage: S }> => e.stage === stage)
