import { multiaddr } from '@multiformats/multiaddr'
import { checkPassphrase } from '../crypto/passphrase-strength.ts'
import { deriveSubkey } from '../crypto/subkeys.ts'
import { vaultSigner } from '../crypto/vault-signing.ts'
import { CairnError, InvalidArgumentError, PairingCancelledError, toErrorPayload } from '../errors.ts'
import { BackupClient } from '../protocols/backup/index.ts'
import { joinWithOffer, libp2pDialer, readJoinInput, rendezvousDirectory, type OfferDirectory } from '../protocols/pairing/device-pairing.ts'
import { DeviceBook, type DeviceRecord } from '../vault/device-book.ts'
import { saveDeviceBook } from '../vault/device-store.ts'
import { restoreIndexFromPeer } from '../vault/restore-index.ts'
import { systemClock, type Clock } from '../clock.ts'
import type { JoinDetails } from './device-offers.ts'
import type { CairnHelia } from './create-node.ts'
import { allowWantsFrom } from './own-peer-wants.ts'
import type { Log } from '../log.ts'
import type { JoinStarted, PairingEvent, VaultStatus } from '../rpc/api.ts'
import type { VaultService } from '../vault/vault-service.ts'
import type { Datastore } from 'interface-datastore'

export interface DeviceJoinsComponents {
  vault: Pick<VaultService, 'status' | 'restore'>
  helia: Pick<CairnHelia, 'libp2p' | 'blockstore'>
  datastore: Datastore
  /** The relays whose rendezvous looks typed codes up (tried in order). */
  relays: () => string[]
  /** This device's name as A's user will see it. */
  deviceName: string
  emit: (event: PairingEvent) => void
  /** The vault opened with the received key: adopt the backup peers and relays, keep A connected, tell sync. */
  onJoined: (joined: { peer: string, addresses: string[], details: JoinDetails }) => Promise<void>
  log: Log
  now?: Clock
  /** How long a received key waits for `finishJoin` before it is wiped (default 15 minutes). */
  holdMs?: number
}

interface Join {
  abort: AbortController
  /** A's PeerId and the offer's addresses (to keep A connected). */
  peer: string
  addresses: string[]
  received?: { vaultKey: Uint8Array, details: JoinDetails }
  timer?: ReturnType<typeof setTimeout>
  /** A finish is under way: a second one must not use (and, failing, wipe) the key the first hands the vault. */
  finishing?: boolean
}

const DEFAULT_HOLD_MS = 15 * 60_000
/** Expired join ids remembered for their words (each is a random UUID the UI holds). */
const MAX_EXPIRED_REMEMBERED = 16

/**
 * Device B's side of "Join my vault from another device": reads the offer
 * (link, QR content or typed code), runs the exchange, holds the received
 * vault key in memory until B's user chose a passphrase, then opens the vault
 * with it. The key is wiped on every path that does not hand it to the vault.
 */
export class DeviceJoins {
  private readonly joins = new Map<string, Join>()
  /** Joins whose key was wiped unused at the end of its hold (a few, newest last): `finish` says so, not "not a Cairn code". */
  private readonly expired = new Set<string>()

  constructor (private readonly c: DeviceJoinsComponents) {}

  /** Resolves as soon as both screens show the safety number; the rest runs on, reported by `devices.pairing` events. */
  async join (input: string): Promise<JoinStarted> {
    if (this.c.vault.status().state !== 'none') throw new CairnError('VAULT_EXISTS', 'This browser already holds a vault; a device joins only before it has one')
    const offer = await readJoinInput(input.trim(), { now: this.c.now ?? systemClock, directory: this.directory() })
    const id = globalThis.crypto.randomUUID()
    const join: Join = { abort: new AbortController(), peer: offer.peer, addresses: [...offer.addresses] }
    this.joins.set(id, join)
    return await new Promise<JoinStarted>((resolve, reject) => {
      let started = false
      const libp2p = this.c.helia.libp2p
      joinWithOffer({ dialer: libp2pDialer(libp2p), peerId: libp2p.peerId.toString(), log: this.c.log, ...(this.c.now !== undefined ? { now: this.c.now } : {}) }, offer, {
        deviceName: this.c.deviceName,
        signal: join.abort.signal,
        onSafetyNumber: (safetyNumber) => {
          started = true
          // A's name travels only with the key: '' until then (the UI says "your other device").
          resolve({ id, safetyNumber, otherDevice: '' })
        }
      }).then((result) => {
        if (this.joins.get(id) !== join) { result.vaultKey.fill(0); return }
        join.received = { vaultKey: result.vaultKey, details: readDetails(result.details) }
        join.timer = setTimeout(() => { this.expire(id) }, this.c.holdMs ?? DEFAULT_HOLD_MS)
        this.c.log.info(`pairing: the vault key arrived from …${result.peer.slice(-8)}; waiting for this device's passphrase`)
        this.c.emit({ id, stage: 'received' })
      }).catch((err: unknown) => {
        this.forget(id)
        if (started) this.c.emit({ id, stage: 'failed', error: toErrorPayload(err) })
        else reject(err)
      })
    })
  }

  /** B's user chose a passphrase: keep the received key under it and open the vault. */
  async finish (id: string, newPassphrase: string): Promise<VaultStatus> {
    const join = this.joins.get(id)
    if (join === undefined && this.expired.has(id)) throw new CairnError('PAIRING_JOIN_EXPIRED', 'The received vault key waited too long for a passphrase and was wiped; start again from the other device')
    if (join === undefined) throw new CairnError('PAIRING_OFFER_INVALID', 'This pairing is over; start again from the other device')
    if (join.received === undefined) throw new InvalidArgumentError('The vault key has not arrived yet: confirm on the other device first')
    if (this.c.vault.status().state !== 'none' || join.finishing === true) throw new CairnError('VAULT_EXISTS', 'This browser already holds a vault, or is opening it with this pairing\'s key')
    join.finishing = true
    // Refused before the key is used, and the key is kept: the user may try a stronger one.
    let strength
    try {
      strength = await checkPassphrase(newPassphrase)
    } finally {
      join.finishing = false
    }
    if (!strength.acceptable) throw new CairnError('WEAK_PASSPHRASE', `That passphrase is too weak: ${strength.reasons.join('; ')}`)
    const { vaultKey, details } = join.received
    this.joins.delete(id)
    clearTimeout(join.timer)
    let status: VaultStatus
    try {
      const devicesKey = deriveSubkey(vaultKey, 'devices')
      try {
        await saveDeviceBook(this.c.datastore, devicesKey, new DeviceBook(details.devices as DeviceRecord[]))
      } finally {
        devicesKey.fill(0)
      }
      await this.restoreIndex(vaultKey, details)
      // The vault owns the key from here (and wipes it on lock, or on a failure to open).
      status = await this.c.vault.restore(vaultKey, newPassphrase)
    } catch (err) {
      vaultKey.fill(0)
      throw err
    }
    this.c.log.info('pairing: this device joined the vault')
    await this.c.onJoined({ peer: join.peer, addresses: join.addresses, details })
    return status
  }

  /** Stops a join and wipes its key (the other device hears PAIRING_CANCELLED); unknown ids are ignored. */
  cancel (id: string): void {
    this.forget(id, new PairingCancelledError('the new device cancelled the pairing'))
  }

  /**
   * The key waited its whole hold for a passphrase: wipe it and tell B's
   * screen, which would otherwise go on asking for a passphrase that can no
   * longer open anything.
   */
  private expire (id: string): void {
    const join = this.joins.get(id)
    if (join === undefined) return
    // A passphrase is being judged right now: its finish takes the key or keeps it for another try; look again soon.
    if (join.finishing === true) {
      join.timer = setTimeout(() => { this.expire(id) }, 1_000)
      return
    }
    this.forget(id)
    this.expired.add(id)
    if (this.expired.size > MAX_EXPIRED_REMEMBERED) this.expired.delete(this.expired.values().next().value as string)
    this.c.log.info('pairing: the received vault key waited too long for a passphrase and was wiped')
    this.c.emit({ id, stage: 'failed', error: toErrorPayload(new CairnError('PAIRING_JOIN_EXPIRED', 'the pairing expired before this device chose its passphrase; start again')) })
  }

  private forget (id: string, reason: CairnError = new CairnError('ABORTED', 'joining cancelled')): void {
    const join = this.joins.get(id)
    if (join === undefined) return
    this.joins.delete(id)
    clearTimeout(join.timer)
    // The exchange, if still running, ends with this reason and tells A (pairing-join.ts).
    join.abort.abort(reason)
    join.received?.vaultKey.fill(0)
  }

  /**
   * The index as a backup peer of the vault keeps it, the way a restore
   * fetches it; a peer that cannot be reached is skipped (the index then
   * comes by sync from the other device).
   */
  private async restoreIndex (vaultKey: Uint8Array, details: JoinDetails): Promise<void> {
    if (details.backupPeers.length === 0) return
    const signer = vaultSigner(vaultKey)
    const indexKey = deriveSubkey(vaultKey, 'index')
    let release = (): void => {}
    try {
      const libp2p = this.c.helia.libp2p
      const client = new BackupClient({ libp2p: libp2p as CairnHelia['libp2p'] }, { signer })
      for (const listed of details.backupPeers) {
        try {
          const peer = multiaddr(listed.address)
          // The vault's backup peer, not yet adopted here: it may hear this device's wants meanwhile (own-peer-wants.ts).
          release = allowWantsFrom(this.c.helia, listed.peerId)
          await libp2p.dial(peer, { signal: AbortSignal.timeout(15_000) })
          const blocks = await restoreIndexFromPeer({ networkBlockstore: this.c.helia.blockstore, datastore: this.c.datastore, client, log: this.c.log }, peer, indexKey)
          this.c.log.info(`pairing: fetched ${blocks} index blocks from a backup peer`)
          return
        } catch (err) {
          release()
          this.c.log.warn(`pairing: a backup peer did not give the index (${toErrorPayload(err).code}); trying the next`)
        }
      }
    } finally {
      release()
      indexKey.fill(0)
      signer.wipe()
    }
  }

  /** Typed codes are looked up at each relay's rendezvous in turn. */
  private directory (): OfferDirectory {
    const dialer = libp2pDialer(this.c.helia.libp2p)
    const relays = this.c.relays()
    return {
      publish: async () => false,
      lookup: async (lookupId) => {
        let lastError: unknown
        let answered = false
        for (const relay of relays) {
          try {
            const found = await rendezvousDirectory(dialer, [relay], 10_000).lookup(lookupId)
            if (found !== undefined) return found
            answered = true
          } catch (err) {
            lastError = err
          }
        }
        // No relay answered (offline, all down): that is the failure, not an unknown code.
        if (lastError !== undefined && !answered) throw lastError
        return undefined
      }
    }
  }
}

/** The gift's details, checked (A is trusted, but a malformed gift must not break B). */
function readDetails (details: Record<string, unknown>): JoinDetails {
  const strings = (value: unknown): string[] => Array.isArray(value) ? value.filter((s): s is string => typeof s === 'string') : []
  const peers = Array.isArray(details.backupPeers)
    ? details.backupPeers.filter((p): p is { peerId: string, address: string } => typeof p === 'object' && p !== null && typeof (p as Record<string, unknown>).peerId === 'string' && typeof (p as Record<string, unknown>).address === 'string')
    : []
  return {
    deviceName: typeof details.deviceName === 'string' ? details.deviceName : '',
    devices: Array.isArray(details.devices) ? details.devices : [],
    backupPeers: peers.map(({ peerId, address }) => ({ peerId, address })),
    relays: strings(details.relays)
  }
}
