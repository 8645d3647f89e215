import { toErrorPayload } from '../errors.ts'
import { PairingHost } from '../protocols/pairing/device-pairing.ts'
import { MAX_GIFT_DETAILS_BYTES } from '../protocols/pairing/constants.ts'
import { DeviceDirectory } from '../vault/device-directory.ts'
import { giftDevices } from '../vault/gift-devices.ts'
import { platformFromName } from '../vault/device-name.ts'
import { deviceInfo } from './device-info.ts'
import { deviceSigner } from './device-key.ts'
import { DeviceJoins } from './device-joins.ts'
import { DeviceOffers, type JoinDetails } from './device-offers.ts'
import { createDevicePairingHandlers, type DevicePairingMethods } from './device-pairing-handlers.ts'
import type { Clock } from '../clock.ts'
import type { CairnHelia } from './create-node.ts'
import type { Log } from '../log.ts'
import type { HandlerMap } from '../rpc/handlers.ts'
import type { PairingEvent } from '../rpc/api.ts'
import type { VaultService } from '../vault/vault-service.ts'
import type { Datastore } from 'interface-datastore'
import type { PeerId } from '@libp2p/interface'

export interface DevicesComponents {
  helia: CairnHelia
  vault: VaultService
  datastore: Datastore
  /** The vault's backup peers: listed in the gift on A, adopted on B (as a restore does). */
  backups: {
    list: () => Array<{ peerId: string, address: string }>
    adopt: (peers: Array<{ peerId: string, address: string }>) => Promise<void>
  }
  /** The relays in use (short codes, and the gift). */
  relays: () => string[]
  /** B: adds the relays A uses to its own (so both reach each other the same way). */
  adoptRelays: (relays: string[]) => Promise<void>
  /** Keeps an address connected (the node's PeerKeeper): B keeps A. */
  keep: (address: string) => void
  /** The app's origin, for pairing links. */
  origin: string
  /** This device's default name and platform (`describeDevice(navigator.userAgent)`). */
  describe: { name: string, platform: string }
  log: Log
  /** `devices.changed` */
  onChanged: () => void
  /** `devices.pairing` */
  onPairing: (event: PairingEvent) => void
  /**
   * Sync's hook (`/cairn/sync/1`, wired later): another device joined the
   * vault, on either side of the pairing. Sync merges device books through
   * `directory.book()`/`merge()` and asks `directory.isMember()`.
   */
  onDeviceJoined?: (peerId: string) => void
  now?: Clock
  /** B: how long a received vault key waits for this device's passphrase (DeviceJoins `holdMs`). */
  joinHoldMs?: number
}

/** How long "Add a device" waits for this node to become reachable (a relay reservation) before it says it cannot be. */
const REACHABLE_WAIT_MS = 30_000

/**
 * The devices part of the node (issue 10): the device directory, the pairing
 * host (mounted while the node runs), offers on A and joins on B, and their
 * RPC handlers. The host calls `unlocked`/`locked` from the vault's events.
 */
export class Devices {
  readonly directory: DeviceDirectory
  readonly host: PairingHost
  readonly offers: DeviceOffers
  readonly joins: DeviceJoins
  readonly handlers: Pick<HandlerMap, DevicePairingMethods>
  private readonly peerId: string

  constructor (private readonly c: DevicesComponents) {
    const libp2p = c.helia.libp2p
    this.peerId = libp2p.peerId.toString()
    this.connected = this.connected.bind(this)
    this.directory = new DeviceDirectory({ datastore: c.datastore, peerId: this.peerId, describe: c.describe, log: c.log, onChanged: c.onChanged, sign: deviceSigner(libp2p), ...(c.now !== undefined ? { now: c.now } : {}) })
    this.host = new PairingHost({ registrar: libp2p, peerId: this.peerId, addresses: () => libp2p.getMultiaddrs().map(String), log: c.log, ...(c.now !== undefined ? { now: c.now } : {}) })
    const online = (peerId: string): boolean => libp2p.getConnections().some(conn => conn.remotePeer.toString() === peerId)
    this.offers = new DeviceOffers({
      host: this.host,
      libp2p,
      relays: c.relays,
      origin: c.origin,
      unlocked: () => c.vault.status().state === 'unlocked',
      exportVaultKey: () => c.vault.exportVaultKey(),
      details: async () => await this.details(),
      isRemoved: (peerId) => this.directory.isRemoved(peerId),
      onJoined: async ({ peerId, name }) => {
        await this.directory.add({ peerId, name, platform: platformFromName(name) })
        // It is connected right now: that is when it was last seen.
        await this.directory.seen(peerId)
        const entry = await this.directory.get(peerId) ?? await this.directory.add({ peerId, name, platform: platformFromName(name) })
        c.onDeviceJoined?.(peerId)
        return { id: '', stage: 'paired', device: deviceInfo(entry, this.peerId, online) }
      },
      emit: c.onPairing,
      log: c.log,
      reachable: async () => await this.reachable()
    })
    this.joins = new DeviceJoins({
      vault: c.vault,
      helia: c.helia,
      datastore: c.datastore,
      relays: c.relays,
      deviceName: c.describe.name,
      emit: c.onPairing,
      onJoined: async ({ peer, addresses, details }) => { await this.joined(peer, addresses, details) },
      log: c.log,
      ...(c.now !== undefined ? { now: c.now } : {}),
      ...(c.joinHoldMs !== undefined ? { holdMs: c.joinHoldMs } : {})
    })
    this.handlers = createDevicePairingHandlers({ directory: this.directory, offers: this.offers, joins: this.joins, peerId: this.peerId, online })
  }

  async start (): Promise<void> {
    await this.host.start()
    this.c.helia.libp2p.addEventListener('peer:connect', this.connected)
    this.c.helia.libp2p.addEventListener('peer:disconnect', this.connected)
  }

  async stop (): Promise<void> {
    this.c.helia.libp2p.removeEventListener('peer:connect', this.connected)
    this.c.helia.libp2p.removeEventListener('peer:disconnect', this.connected)
    this.locked()
    await this.host.stop()
  }

  /** The vault opened (VaultService `onUnlocked`): load the device book. */
  async unlocked (devicesKey: Uint8Array, boxKey?: string): Promise<void> {
    try {
      await this.directory.attach(devicesKey)
      if (boxKey !== undefined) await this.directory.publishBoxKey(boxKey)
      // Members connected while the vault was locked are seen now.
      for (const connection of this.c.helia.libp2p.getConnections()) await this.directory.seen(connection.remotePeer.toString())
    } catch (err) {
      this.c.log.warn(`the device list could not be loaded (${toErrorPayload(err).code})`)
    }
  }

  /** The vault locked: forget the book, end every offer. */
  locked (): void {
    this.directory.detach()
    this.offers.cancelAll()
  }

  /** A member device connected or left: note it (persisted) and tell the UI. */
  private connected (event: CustomEvent<PeerId>): void {
    const peerId = event.detail.toString()
    if (!this.directory.isMember(peerId)) return
    if (event.type === 'peer:connect') void this.directory.seen(peerId).catch(() => {})
    else this.c.onChanged()
  }

  /** True once the node has an address (waits up to REACHABLE_WAIT_MS for one, e.g. a relay reservation). */
  private async reachable (): Promise<boolean> {
    const libp2p = this.c.helia.libp2p
    if (libp2p.getMultiaddrs().length > 0) return true
    return await new Promise<boolean>((resolve) => {
      const done = (found: boolean): void => {
        clearTimeout(timer)
        libp2p.removeEventListener('self:peer:update', check)
        resolve(found)
      }
      const check = (): void => { if (libp2p.getMultiaddrs().length > 0) done(true) }
      const timer = setTimeout(() => { done(false) }, REACHABLE_WAIT_MS)
      libp2p.addEventListener('self:peer:update', check)
      check()
    })
  }

  /** A's gift beside the key. */
  private async details (): Promise<JoinDetails> {
    const book = await this.directory.book()
    const rest = {
      deviceName: book.get(this.peerId)?.name ?? this.c.describe.name,
      backupPeers: this.c.backups.list().map(({ peerId, address }) => ({ peerId, address })),
      relays: this.c.relays()
    }
    // A vault that has had many devices does not fit the gift whole: the rest comes with the first swap of books.
    const budget = MAX_GIFT_DETAILS_BYTES - new TextEncoder().encode(JSON.stringify({ ...rest, devices: [] })).length
    return { ...rest, devices: giftDevices(book.list(), this.peerId, budget) }
  }

  /** B opened the vault with A's key: the backup peers and relays A uses, A kept connected, sync told. */
  private async joined (peer: string, addresses: string[], details: JoinDetails): Promise<void> {
    try {
      if (details.relays.length > 0) await this.c.adoptRelays(details.relays)
      // The peers keep this vault already (A paired them): no code needed, as after a restore.
      if (details.backupPeers.length > 0) await this.c.backups.adopt(details.backupPeers)
    } catch (err) {
      this.c.log.warn(`pairing: the backup peers or relays of the vault could not be taken over (${toErrorPayload(err).code})`)
    }
    for (const address of addresses) {
      try {
        this.c.keep(address)
        break
      } catch {
        // an address the keeper does not take (no /p2p/): try the next
      }
    }
    this.c.onChanged()
    this.c.onDeviceJoined?.(peer)
  }
}
