import type { Datastore } from 'interface-datastore'
import { systemClock, type Clock } from '../clock.ts'
import { deriveSubkey } from '../crypto/subkeys.ts'
import { CairnError, InvalidArgumentError, VaultLockedError } from '../errors.ts'
import { IndexLog } from '../index/index-log.ts'
import { AutoLock } from './auto-lock.ts'
import { KeyVault, requireStrong } from './key-vault.ts'
import { AUTO_LOCK_BOUNDS, AUTO_LOCK_NEVER, DEFAULT_SETTINGS, loadSettings, saveSettings, type VaultSettings } from './settings.ts'
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
import { toBase64Url } from '../crypto/base64.ts'
import { ensureBoxKey } from './device-box-store.ts'
import { unlockTakingHandOver } from './key-handover.ts'
import { carryWaitingChanges } from './pending-carry.ts'
import { startIndexRepairing } from './start-index.ts'
import type { KeyRotation } from './key-rotation.ts'
import { resealVaultData } from './vault-reseal.ts'
import { ThumbnailStore } from './thumbnails/thumbnail-store.ts'
import { sweepInterruptedUploads } from './interrupted-uploads.ts'

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
  /** The auto-lock of a device that never chose one (the desktop: 0, never; else 15 minutes). */
  defaultAutoLockMinutes?: number
  /** Repairs damaged blocks met while reading a file, and hears which file it was. */
  readHealth?: FileReadHealth
  /**
   * An unlock just took a hand-over of a rotated vault key (key-handover.ts):
   * called with the new key before the index opens, so the index can be
   * brought under it (handed-over-index.ts), and with the key it replaced,
   * to carry what this device sealed under that one. Must not keep or wipe
   * either key.
   */
  onHandedOver?: (vaultKey: Uint8Array, oldVaultKey?: Uint8Array) => Promise<void>
}

/** How often an unlocked vault prunes old versions and empties old Trash items. */
const TIDY_INTERVAL_MS = 60 * 60 * 1000

/** What an open vault lends the other parts: backup's signer and index, and the sealed list of shares. */
export interface UnlockedSession extends BackupSession {
  shares: ShareStore
  /** This device's box public key (base64url): its record in the device book carries it (publish-box-key.ts). */
  boxKey: string
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
  private session: { vaultKey: Uint8Array, dedupKey: Uint8Array, shareKey: Uint8Array, uploadsKey: Uint8Array, cutOff: string[], signer: VaultSigner, index: IndexLog, files: VaultFiles, history: VaultHistory, shares: ShareStore, abort: AbortController, tidyTimer: ReturnType<typeof setInterval>, peerListKey: Uint8Array, keepKey: Uint8Array, devicesKey: Uint8Array, syncKey: Uint8Array, boxKey: string, thumbnails: ThumbnailStore } | undefined
  /** Set when another device changed the keys and this one locked to take them (status().keysChanged); cleared at unlock. */
  private keysChanged = false

  constructor (private readonly components: VaultServiceComponents, private readonly events: VaultServiceEvents) {
    this.keys = new KeyVault(components.datastore)
    this.autoLock = new AutoLock(this.settings.autoLockMinutes, () => {
      components.log.info('auto-lock: idle timeout reached')
      void this.lock()
    })
  }

  async start (): Promise<void> {
    await this.keys.load()
    this.settings = await loadSettings(this.components.datastore, { ...DEFAULT_SETTINGS, ...(this.components.defaultAutoLockMinutes !== undefined ? { autoLockMinutes: this.components.defaultAutoLockMinutes } : {}) })
    this.autoLock.setTimeoutMinutes(this.settings.autoLockMinutes)
  }

  async stop (): Promise<void> {
    await this.lock()
  }

  /**
   * The paths of uploads a closed tab or a crash cut off before they finished,
   * found (and their blocks freed) at this unlock; handed out once, so one
   * page tells the user to add them again.
   */
  takeCutOffUploads (): string[] {
    const session = this.session
    if (session === undefined) throw new VaultLockedError()
    const paths = session.cutOff
    session.cutOff = []
    return paths
  }

  status (): VaultStatus {
    const state = this.session !== undefined ? 'unlocked' : this.keys.exists ? 'locked' : 'none'
    return {
      state,
      autoLockMinutes: this.settings.autoLockMinutes,
      ...(this.keysChanged && state === 'locked' ? { keysChanged: true } : {}),
      ...(!this.settings.recoveryPhraseConfirmed && state !== 'none' ? { recoveryPhraseUnconfirmed: true as const } : {})
    }
  }

  /**
   * Runs the steps that open or close the session one after another: two
   * unlocks at once (two tabs, a double submit) would each open a session and
   * the second would leave the first's keys in memory, and a lock asked while
   * an unlock is under way would be undone by it. A step queued behind
   * another sees what it left (an unlock behind an unlock finds it open).
   */
  private serial<T> (step: () => Promise<T>): Promise<T> {
    const run = this.transitions.then(step, step)
    this.transitions = run.catch(() => {})
    return run
  }

  private transitions: Promise<unknown> = Promise.resolve()

  async create (passphrase: string): Promise<string> {
    return await this.serial(async () => {
      // Written before the key record, so no vault of this device is ever without
      // the flag: a tab closed before the words were typed back is reminded.
      // (Not when a vault is here already: that create is refused and must not nag.)
      if (!this.keys.exists) await this.setPhraseConfirmed(false)
      const { vaultKey, recoveryPhrase } = await this.keys.create(passphrase)
      await this.open(vaultKey)
      this.components.log.info('vault created')
      return recoveryPhrase
    })
  }

  async unlock (passphrase: string): Promise<VaultStatus> {
    return await this.serial(async () => await this.unlockNow(passphrase))
  }

  private async unlockNow (passphrase: string): Promise<VaultStatus> {
    if (this.session !== undefined) return this.status()
    try {
      // A hand-over of a rotated key waiting for this device is taken here (key-handover.ts).
      const { vaultKey, handedOver, refused, oldVaultKey } = await unlockTakingHandOver(this.keys, this.components.datastore, passphrase, this.components.deviceId)
      if (refused === true) this.components.log.warn('unlock: the new vault key handed to this device does not open with its box key; it was dropped (pair this device again)')
      if (handedOver) {
        this.components.log.info('unlock: took the new vault key another device handed over; it is now wrapped under this passphrase')
        try {
          await this.components.onHandedOver?.(vaultKey, oldVaultKey)
        } catch (err) {
          vaultKey.fill(0)
          throw err
        } finally {
          oldVaultKey?.fill(0)
        }
      }
      await this.open(vaultKey)
      this.keysChanged = false
    } catch (err) {
      if (err instanceof CairnError && err.code === 'WRONG_PASSPHRASE') this.components.log.warn('unlock refused: wrong passphrase')
      throw err
    }
    this.components.log.info('vault unlocked')
    return this.status()
  }

  async recover (recoveryPhrase: string, newPassphrase: string): Promise<VaultStatus> {
    return await this.serial(async () => {
      const vaultKey = await this.keys.recover(recoveryPhrase, newPassphrase)
      await this.lockNow()
      // The user just typed the whole phrase: they have it.
      await this.setPhraseConfirmed(true)
      await this.open(vaultKey)
      this.components.log.info('vault recovered with the recovery phrase; passphrase replaced')
      return this.status()
    })
  }

  /**
   * A fresh device restoring a vault: the index heads were already fetched
   * from a backup peer into the datastore; keep the key under a new passphrase
   * and open the vault.
   */
  async restore (vaultKey: Uint8Array, newPassphrase: string): Promise<VaultStatus> {
    return await this.serial(async () => await this.restoreNow(vaultKey, newPassphrase))
  }

  private async restoreNow (vaultKey: Uint8Array, newPassphrase: string): Promise<VaultStatus> {
    if (this.keys.exists) throw new CairnError('VAULT_EXISTS', 'This browser already holds a vault')
    await requireStrong(newPassphrase)
    // The key record is written only once the index has opened and checked
    // (DESIGN §5 "Restore"): a restore that fails leaves no vault that cannot open.
    const forRecord = vaultKey.slice()
    // A restore was typed from the phrase; a join has it on the other device.
    await this.setPhraseConfirmed(true)
    try {
      await this.open(vaultKey)
      try {
        await this.keys.adopt(forRecord, newPassphrase)
      } catch (err) {
        await this.lockNow()
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

  /** The user typed the recovery phrase back: stop reminding them (VaultStatus.recoveryPhraseUnconfirmed). VAULT_LOCKED when locked. */
  async confirmRecoveryPhrase (): Promise<VaultStatus> {
    if (this.session === undefined) throw new VaultLockedError()
    if (await this.setPhraseConfirmed(true)) {
      this.components.log.info('recovery phrase confirmed')
      this.events.onStatus(this.status())
    }
    return this.status()
  }

  /** Stores whether the recovery phrase was typed back; true when that changed it. */
  private async setPhraseConfirmed (confirmed: boolean): Promise<boolean> {
    if (this.settings.recoveryPhraseConfirmed === confirmed) return false
    this.settings = { ...this.settings, recoveryPhraseConfirmed: confirmed }
    await saveSettings(this.components.datastore, this.settings)
    return true
  }

  async lock (): Promise<VaultStatus> {
    return await this.serial(async () => await this.lockNow())
  }

  private async lockNow (): Promise<VaultStatus> {
    if (!(await this.close())) return this.status()
    this.components.log.info('vault locked; keys wiped from memory')
    this.events.onStatus(this.status())
    return this.status()
  }

  /**
   * Another device rotated the vault key and this device stored its
   * hand-over (rotated-elsewhere.ts): lock, so the next unlock takes the new
   * key; the status says why (`keysChanged`).
   */
  async lockForNewKey (): Promise<VaultStatus> {
    this.keysChanged = true
    return await this.lock()
  }

  /** The vault key in force, for "Remove a device" (device-removal.ts); VAULT_LOCKED when locked. The caller must not keep or wipe it. */
  keyInForce (): Uint8Array {
    if (this.session === undefined) throw new VaultLockedError()
    return this.session.vaultKey
  }

  /** The open index, for a key rotation (it stops it); VAULT_LOCKED when locked. */
  indexLog (): IndexLog {
    if (this.session === undefined) throw new VaultLockedError()
    return this.session.index
  }

  /**
   * "Remove and rotate keys" on this device (key-rotation.ts made VK' and
   * re-sealed the index under it): switches the open vault to VK' in
   * memory. The shares and keep rules stored here are re-sealed under VK''s
   * subkeys, the old session's keys are wiped, and a new session (index on
   * the re-sealed chain, signer, subkeys) opens; backup re-attaches under the
   * new signer (onLocked, then onUnlocked). The box key pair stays: it is
   * sealed under the old key until the next unlock takes this device's own
   * hand-over and re-seals it (unlockWithHandOver). Takes ownership of
   * `rotation.newVaultKey`.
   */
  async adopt (rotation: KeyRotation): Promise<void> {
    await this.serial(async () => { await this.adoptNow(rotation) })
  }

  private async adoptNow (rotation: KeyRotation): Promise<void> {
    const session = this.session
    if (session === undefined) {
      rotation.newVaultKey.fill(0)
      throw new VaultLockedError()
    }
    try {
      await resealVaultData(this.components.datastore, session.vaultKey, rotation.newVaultKey)
    } catch (err) {
      // The index is already under VK' (and stopped): nothing to go on with but a fresh unlock.
      rotation.newVaultKey.fill(0)
      await this.lockNow()
      throw err
    }
    await this.close()
    await this.open(rotation.newVaultKey, session.boxKey)
    this.components.log.info(`vault key rotated: the vault is now ${rotation.newVault.slice(0, 12)}…; the old key is wiped from memory`)
  }

  /** Ends the session and wipes its keys; false when none was open. */
  private async close (): Promise<boolean> {
    const session = this.session
    if (session === undefined) return false
    this.session = undefined
    this.autoLock.disarm()
    clearInterval(session.tidyTimer)
    session.abort.abort(new VaultLockedError())
    await session.index.stop()
    session.vaultKey.fill(0)
    session.dedupKey.fill(0)
    session.shareKey.fill(0)
    session.uploadsKey.fill(0)
    session.peerListKey.fill(0)
    session.keepKey.fill(0)
    session.devicesKey.fill(0)
    session.syncKey.fill(0)
    session.signer.wipe()
    this.events.onLocked?.()
    return true
  }

  async setAutoLock (minutes: number): Promise<VaultStatus> {
    if (minutes !== AUTO_LOCK_NEVER && (!Number.isFinite(minutes) || minutes < AUTO_LOCK_BOUNDS.min || minutes > AUTO_LOCK_BOUNDS.max)) {
      throw new InvalidArgumentError(`Auto-lock must be 0 (never) or between ${AUTO_LOCK_BOUNDS.min} and ${AUTO_LOCK_BOUNDS.max} minutes`)
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

  /** The unlocked vault's thumbnails (thumbnails/thumbnail-store.ts), or VAULT_LOCKED. */
  thumbnails (): ThumbnailStore {
    if (this.session === undefined) throw new VaultLockedError()
    return this.session.thumbnails
  }

  /** The unlocked vault's files, or VAULT_LOCKED. */
  files (): VaultFiles {
    if (this.session === undefined) throw new VaultLockedError()
    this.autoLock.arm()
    return this.session.files
  }

  /** Opens a session under `vaultKey` (owned from here); `boxKey` is given by adopt (the pair stays sealed under the old key until the next unlock). */
  private async open (vaultKey: Uint8Array, boxKey?: string): Promise<void> {
    // Never over a live session: its keys would stay in memory, its index and timers running.
    await this.close()
    const indexKey = deriveSubkey(vaultKey, 'index')
    const syncKey = deriveSyncKey(indexKey)
    const now = this.components.now ?? systemClock
    let index: IndexLog
    try {
      // Changes of this device kept when keys changed elsewhere go in before the index opens.
      await carryWaitingChanges({ blockstore: this.components.blockstore, datastore: this.components.datastore }, indexKey, this.components.deviceId, this.components.log)
      // Each try's log owns a copy of indexKey and wipes it on stop().
      index = await startIndexRepairing(
        () => new IndexLog({ blockstore: this.components.blockstore, datastore: this.components.datastore }, { indexKey: indexKey.slice(), deviceId: this.components.deviceId, now }),
        this.components.readHealth?.repair,
        this.components.log
      )
      indexKey.fill(0)
    } catch (err) {
      // Not opened: nothing will lock it later, so no key outlives this failure.
      indexKey.fill(0)
      syncKey.fill(0)
      vaultKey.fill(0)
      throw err
    }
    let publicBoxKey = boxKey
    if (publicBoxKey === undefined) {
      // Every unlock, create, restore and recovery: the device book carries this device's box key (publish-box-key.ts).
      try {
        const box = await ensureBoxKey(this.components.datastore, vaultKey)
        box.secretKey.fill(0)
        publicBoxKey = toBase64Url(box.publicKey)
      } catch (err) {
        await index.stop()
        vaultKey.fill(0)
        throw err
      }
    }
    const abort = new AbortController()
    const dedupKey = deriveSubkey(vaultKey, 'dedup')
    const uploadsKey = deriveSubkey(vaultKey, 'uploads')
    const files = new VaultFiles(this.components.blockstore, index, dedupKey, this.components.hashTag, abort.signal, this.components.readBlockstore, this.components.readHealth, this.components.datastore, uploadsKey)
    const signer = vaultSigner(vaultKey)
    const shareKey = deriveSubkey(vaultKey, 'shares')
    const shares = new ShareStore(this.components.datastore, shareKey)
    const cutOff = await sweepInterruptedUploads({ ...this.components, index, shares, labelKey: uploadsKey })
    const thumbnails = new ThumbnailStore(this.components.blockstore, this.components.datastore)
    const history = new VaultHistory({ blockstore: this.components.blockstore, index, log: this.components.log }, {
      deviceId: this.components.deviceId,
      now,
      retention: () => this.settings.versionRetention,
      inUse: (root) => files.inUse(root),
      shareContent: async () => shareCopyContent(await shares.list()),
      onForgotten: async (roots) => { await thumbnails.forget(roots) }
    })
    const tidyTimer = setInterval(() => { void this.tidy() }, TIDY_INTERVAL_MS)
    const peerListKey = deriveSubkey(vaultKey, 'peers')
    const keepKey = deriveSubkey(vaultKey, 'keep')
    const devicesKey = deriveSubkey(vaultKey, 'devices')
    this.session = { vaultKey, dedupKey, shareKey, uploadsKey, signer, index, files, history, shares, abort, tidyTimer, peerListKey, keepKey, devicesKey, syncKey, boxKey: publicBoxKey, thumbnails, cutOff }
    this.autoLock.arm()
    this.events.onUnlocked?.({ signer, index, shares, peerListKey, keepKey, devicesKey, syncKey, boxKey: publicBoxKey })
    this.events.onStatus(this.status())
    this.events.onFilesChanged()
    void this.tidy()
  }
}
