import type { Datastore } from 'interface-datastore'
import { systemClock, type Clock } from '../clock.ts'
import { deriveSubkey } from '../crypto/subkeys.ts'
import { CairnError, InvalidArgumentError, VaultLockedError } from '../errors.ts'
import { IndexLog } from '../index/index-log.ts'
import { AutoLock } from './auto-lock.ts'
import { KeyVault, requireStrong } from './key-vault.ts'
import { AUTO_LOCK_BOUNDS, DEFAULT_SETTINGS, loadSettings, saveSettings, type VaultSettings } from './settings.ts'
import { VaultFiles, type FileReadHealth, type TagHasher } from './vault-files.ts'
import { VaultHistory } from './vault-history.ts'
import { checkRetention, type VersionRetention } from './retention.ts'
import { vaultSigner, type VaultSigner } from '../crypto/vault-signing.ts'
import { ShareStore } from '../share/share-store.ts'
import { shareCopyContent } from './share-copies.ts'
import { deriveSyncKey } from '../protocols/sync/hello.ts'
import type { BackupSession } from '../protocols/backup/device/backup-peers.ts'
import type { Log } from '../log.ts'
import type { VaultStatus } from './vault-views.ts'
import type { Blockstore } from 'interface-blockstore'

export interface VaultServiceComponents {
  blockstore: Blockstore
  datastore: Datastore
  hashTag: TagHasher
  log: Log
  /** This device's id in index ops: its libp2p PeerId (DESIGN §3 "Devices"). */
  deviceId: string
  /**
   * Where downloads read blocks from. The node's networked blockstore fetches
   * blocks this device lacks (after a restore) from connected peers.
   */
  readBlockstore?: Blockstore
  /** Wall clock in ms (index timestamps, version and Trash ages); tests inject one. */
  now?: Clock
  /** Repairs damaged blocks met while reading a file, and hears which file it was. */
  readHealth?: FileReadHealth
}

/** How often an unlocked vault prunes old versions and empties old Trash items. */
const TIDY_INTERVAL_MS = 60 * 60 * 1000

/** What an open vault lends the other parts: backup's signer and index, and the sealed list of shares. */
export interface UnlockedSession extends BackupSession {
  shares: ShareStore
  /** Seals this device's "Keep on this device" rules (keep-rules.ts); wiped on lock. */
  keepKey: Uint8Array
  /** The `devices` subkey the device book is sealed under (wiped by the vault on lock). */
  devicesKey: Uint8Array
  /** Proves vault membership in `/cairn/sync/1` (protocols/sync/hello.ts); wiped on lock. */
  syncKey: Uint8Array
}

export interface VaultServiceEvents {
  onStatus: (status: VaultStatus) => void
  onFilesChanged: () => void
  /** The vault opened: what backup needs while it stays open (the signer is wiped on lock). */
  onUnlocked?: (session: UnlockedSession) => void
  onLocked?: () => void
}

/**
 * The vault's state machine: none → (create) → unlocked ⇄ locked. While
 * unlocked it holds the vault key and the subkeys derived from it; locking
 * (by hand or after the idle timeout) overwrites them and aborts uploads.
 */
export class VaultService {
  private readonly keys: KeyVault
  private settings: VaultSettings = { ...DEFAULT_SETTINGS }
  private readonly autoLock: AutoLock
  private session: { vaultKey: Uint8Array, dedupKey: Uint8Array, shareKey: Uint8Array, signer: VaultSigner, index: IndexLog, files: VaultFiles, history: VaultHistory, shares: ShareStore, abort: AbortController, tidyTimer: ReturnType<typeof setInterval>, peerListKey: Uint8Array, keepKey: Uint8Array, devicesKey: Uint8Array, syncKey: Uint8Array } | undefined

  constructor (private readonly components: VaultServiceComponents, private readonly events: VaultServiceEvents) {
    this.keys = new KeyVault(components.datastore)
    this.autoLock = new AutoLock(this.settings.autoLockMinutes, () => {
      components.log.info('auto-lock: idle timeout reached')
      void this.lock()
    })
  }

  async start (): Promise<void> {
    await this.keys.load()
    this.settings = await loadSettings(this.components.datastore)
    this.autoLock.setTimeoutMinutes(this.settings.autoLockMinutes)
  }

  async stop (): Promise<void> {
    await this.lock()
  }

  status (): VaultStatus {
    const state = this.session !== undefined ? 'unlocked' : this.keys.exists ? 'locked' : 'none'
    return { state, autoLockMinutes: this.settings.autoLockMinutes }
  }

  async create (passphrase: string): Promise<string> {
    const { vaultKey, recoveryPhrase } = await this.keys.create(passphrase)
    await this.open(vaultKey)
    this.components.log.info('vault created')
    return recoveryPhrase
  }

  async unlock (passphrase: string): Promise<VaultStatus> {
    if (this.session !== undefined) return this.status()
    try {
      await this.open(await this.keys.unlock(passphrase))
    } catch (err) {
      if (err instanceof CairnError && err.code === 'WRONG_PASSPHRASE') this.components.log.warn('unlock refused: wrong passphrase')
      throw err
    }
    this.components.log.info('vault unlocked')
    return this.status()
  }

  async recover (recoveryPhrase: string, newPassphrase: string): Promise<VaultStatus> {
    const vaultKey = await this.keys.recover(recoveryPhrase, newPassphrase)
    await this.lock()
    await this.open(vaultKey)
    this.components.log.info('vault recovered with the recovery phrase; passphrase replaced')
    return this.status()
  }

  /**
   * A fresh device restoring a vault: the index heads were already fetched
   * from a backup peer into the datastore; keep the key under a new passphrase
   * and open the vault.
   */
  async restore (vaultKey: Uint8Array, newPassphrase: string): Promise<VaultStatus> {
    if (this.keys.exists) throw new CairnError('VAULT_EXISTS', 'This browser already holds a vault')
    await requireStrong(newPassphrase)
    // The key record is written only once the index has opened and checked
    // (DESIGN §5 "Restore"): a restore that fails leaves no vault that cannot open.
    const forRecord = vaultKey.slice()
    try {
      await this.open(vaultKey)
      try {
        await this.keys.adopt(forRecord, newPassphrase)
      } catch (err) {
        await this.lock()
        throw err
      }
    } finally {
      forRecord.fill(0)
    }
    this.components.log.info('vault restored from a backup peer')
    return this.status()
  }

  async changePassphrase (currentPassphrase: string, newPassphrase: string): Promise<void> {
    await this.keys.changePassphrase(currentPassphrase, newPassphrase)
    this.components.log.info('passphrase changed')
  }

  async revealRecoveryPhrase (passphrase: string): Promise<string> {
    return await this.keys.revealRecoveryPhrase(passphrase)
  }

  async lock (): Promise<VaultStatus> {
    const session = this.session
    if (session === undefined) return this.status()
    this.session = undefined
    this.autoLock.disarm()
    clearInterval(session.tidyTimer)
    session.abort.abort(new VaultLockedError())
    await session.index.stop()
    session.vaultKey.fill(0)
    session.dedupKey.fill(0)
    session.shareKey.fill(0)
    session.peerListKey.fill(0)
    session.keepKey.fill(0)
    session.devicesKey.fill(0)
    session.syncKey.fill(0)
    session.signer.wipe()
    this.events.onLocked?.()
    this.components.log.info('vault locked; keys wiped from memory')
    this.events.onStatus(this.status())
    return this.status()
  }

  async setAutoLock (minutes: number): Promise<VaultStatus> {
    if (!Number.isFinite(minutes) || minutes < AUTO_LOCK_BOUNDS.min || minutes > AUTO_LOCK_BOUNDS.max) {
      throw new InvalidArgumentError(`Auto-lock must be between ${AUTO_LOCK_BOUNDS.min} and ${AUTO_LOCK_BOUNDS.max} minutes`)
    }
    this.settings = { ...this.settings, autoLockMinutes: minutes }
    await saveSettings(this.components.datastore, this.settings)
    this.autoLock.setTimeoutMinutes(minutes)
    this.events.onStatus(this.status())
    return this.status()
  }

  /** How long earlier versions are kept (Settings). */
  versionRetention (): VersionRetention {
    return this.settings.versionRetention
  }

  /** Changes how long earlier versions are kept, and prunes what the new setting no longer keeps. Throws CONFIG_INVALID. */
  async setVersionRetention (value: VersionRetention): Promise<VersionRetention> {
    const retention = checkRetention(value)
    this.settings = { ...this.settings, versionRetention: retention }
    await saveSettings(this.components.datastore, this.settings)
    if (this.session !== undefined) await this.tidy()
    return retention
  }

  /** The unlocked vault's versions and Trash, or VAULT_LOCKED. */
  history (): VaultHistory {
    if (this.session === undefined) throw new VaultLockedError()
    this.autoLock.arm()
    return this.session.history
  }

  /**
   * Prunes versions past the retention and empties old Trash items; tells
   * the UI when something went. A failure is logged, never thrown: it only
   * means the next tidy tries again.
   */
  async tidy (): Promise<void> {
    const history = this.session?.history
    if (history === undefined) return
    try {
      if (await history.tidy()) this.events.onFilesChanged()
    } catch (err) {
      if (this.session !== undefined) this.components.log.warn(`removing old versions failed: ${err instanceof Error ? err.message : String(err)}`)
    }
  }

  /** Restarts the idle timer (the user did something). */
  activity (): void {
    if (this.session !== undefined) this.autoLock.arm()
  }

  /** The unlocked vault's list of shares, or VAULT_LOCKED. */
  shareStore (): ShareStore {
    if (this.session === undefined) throw new VaultLockedError()
    this.autoLock.arm()
    return this.session.shares
  }

  /**
   * A copy of the vault key for pairing a new device (the only time it leaves
   * the vault, sealed to that device); the caller wipes it. VAULT_LOCKED when locked.
   */
  exportVaultKey (): Uint8Array {
    if (this.session === undefined) throw new VaultLockedError()
    return this.session.vaultKey.slice()
  }

  /** The unlocked vault's files, or VAULT_LOCKED. */
  files (): VaultFiles {
    if (this.session === undefined) throw new VaultLockedError()
    this.autoLock.arm()
    return this.session.files
  }

  private async open (vaultKey: Uint8Array): Promise<void> {
    const indexKey = deriveSubkey(vaultKey, 'index')
    const syncKey = deriveSyncKey(indexKey)
    const now = this.components.now ?? systemClock
    const index = new IndexLog({ blockstore: this.components.blockstore, datastore: this.components.datastore }, { indexKey, deviceId: this.components.deviceId, now })
    // The index log owns indexKey from here and wipes it on stop().
    try {
      await index.start()
    } catch (err) {
      // Not opened: nothing will lock it later, so no key outlives this failure.
      indexKey.fill(0)
      syncKey.fill(0)
      vaultKey.fill(0)
      throw err
    }
    const abort = new AbortController()
    const dedupKey = deriveSubkey(vaultKey, 'dedup')
    const files = new VaultFiles(this.components.blockstore, index, dedupKey, this.components.hashTag, abort.signal, this.components.readBlockstore, this.components.readHealth)
    const signer = vaultSigner(vaultKey)
    const shareKey = deriveSubkey(vaultKey, 'shares')
    const shares = new ShareStore(this.components.datastore, shareKey)
    const history = new VaultHistory({ blockstore: this.components.blockstore, index, log: this.components.log }, {
      deviceId: this.components.deviceId,
      now,
      retention: () => this.settings.versionRetention,
      inUse: (root) => files.inUse(root),
      shareContent: async () => shareCopyContent(await shares.list())
    })
    const tidyTimer = setInterval(() => { void this.tidy() }, TIDY_INTERVAL_MS)
    const peerListKey = deriveSubkey(vaultKey, 'peers')
    const keepKey = deriveSubkey(vaultKey, 'keep')
    const devicesKey = deriveSubkey(vaultKey, 'devices')
    this.session = { vaultKey, dedupKey, shareKey, signer, index, files, history, shares, abort, tidyTimer, peerListKey, keepKey, devicesKey, syncKey }
    this.autoLock.arm()
    this.events.onUnlocked?.({ signer, index, shares, peerListKey, keepKey, devicesKey, syncKey })
    this.events.onStatus(this.status())
    this.events.onFilesChanged()
    void this.tidy()
  }
}
