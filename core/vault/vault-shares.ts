import { CID } from 'multiformats/cid'
import { systemClock, type Clock } from '../clock.ts'
import { CairnError, FileNotFoundError, isCairnError, VaultLockedError } from '../errors.ts'
import { copyFile, copyFiles, copyFolder } from './share-copies.ts'
import { createShareLink, MAX_HINT_BYTES, MAX_HINTS } from '../share/share-link.ts'
import { newShareId, type ShareRecord, type ShareStore } from '../share/share-store.ts'
import type { VaultService } from './vault-service.ts'
import type { Log } from '../log.ts'
import type { ShareInfo } from './vault-views.ts'
import type { Blockstore } from 'interface-blockstore'

/** What shares need from backup: pin the copies, drop them, say who holds them. */
export interface SharePinning {
  /** Pins changed (a share was made): send manifests soon. */
  changed: () => void
  /** Frees these roots on every paired peer at once (no retention). */
  drop: (cids: string[]) => Promise<void>
  /** Paired peers that hold all of a root. */
  holdersOf: (cid: string) => string[]
}

export interface VaultSharesComponents {
  vault: VaultService
  /** Where share copies are written: this device's own store. */
  blockstore: Blockstore
  pinning: SharePinning
  log: Log
  onChanged: () => void
}

export interface VaultSharesInit {
  /** Where the app is served: the links point there. */
  origin: string
  /** Multiaddrs a recipient may dial to fetch (backup peers, this node's relayed addresses); only relayed ones when asked. */
  hints: (options: { relayOnly: boolean }) => string[]
  /** Milliseconds clock for creation times and expiry (default Date.now; tests move it by hand). */
  now?: Clock
}

/** What a link is made of: one file, a folder's files, or chosen files (paths relative to `base`) named `name`. */
export type ShareTarget = { fileId: string } | { folder: string } | { fileIds: readonly string[], base: string, name: string }

/** How often expired shares are looked for while the vault is open. */
const EXPIRY_SWEEP_MS = 60_000

/**
 * "Share" and "My shares" on the device (issue 4). A share is a fresh
 * encrypted copy (core/share/make-share.ts) whose root is pinned on the
 * backup peers, with its expiry, so the link works while every browser of
 * the sharer is closed; "Stop sharing" drops it there at once and deletes it
 * here. Live shares are cached in memory while the vault is open because
 * backup asks for them synchronously when it builds a manifest.
 */
export class VaultShares {
  private store: ShareStore | undefined
  private live: ShareRecord[] = []
  private sweepTimer: ReturnType<typeof setInterval> | undefined

  private readonly now: Clock

  constructor (private readonly c: VaultSharesComponents, private readonly init: VaultSharesInit) {
    this.now = init.now ?? systemClock
  }

  /** The vault opened: load the records and free what expired while it was closed. */
  async attach (store: ShareStore): Promise<void> {
    this.detach()
    this.store = store
    let records: ShareRecord[]
    try {
      const { records: readable, damaged } = await store.survey()
      if (damaged > 0) this.c.log.warn(`${damaged} share record${damaged === 1 ? ' is' : 's are'} damaged and left out of My shares; the other shares are kept`)
      records = readable
    } catch (err) {
      this.c.log.warn(`the list of shares is unreadable: ${(err as Error).message}`)
      records = []
    }
    // Locked (detached) while the records loaded: keep nothing live and set no timer.
    if (this.store !== store) return
    this.live = records
    await this.sweepExpired()
    if (this.store !== store) return
    this.sweepTimer = setInterval(() => { void this.sweepExpired() }, EXPIRY_SWEEP_MS)
  }

  detach (): void {
    this.store = undefined
    this.live = []
    if (this.sweepTimer !== undefined) clearInterval(this.sweepTimer)
    this.sweepTimer = undefined
  }

  /** The share roots backup should keep pinned, with their expiry. */
  activePins (): Array<{ cid: string, expiresAt?: number }> {
    const now = this.now()
    return this.live.filter(r => !isExpired(r, now)).flatMap(r => this.rootsOf(r).map(cid => r.expiresAt !== undefined ? { cid, expiresAt: r.expiresAt } : { cid }))
  }

  /** Shares one file, a snapshot of every file under a folder, or chosen files as one folder-style link. */
  async create (target: ShareTarget, expiresAt?: number, options: { relayOnly?: boolean } = {}): Promise<ShareInfo> {
    const store = this.requireStore()
    if (expiresAt !== undefined && (!Number.isSafeInteger(expiresAt) || expiresAt <= this.now())) {
      throw new CairnError('SHARE_EXPIRY_INVALID', 'The expiry date must be in the future')
    }
    const relayOnly = options.relayOnly === true
    // Asked before the copy is made: a link with no address at all would open for nobody.
    if (relayOnly && this.usableHints(true).length === 0) {
      throw new CairnError('SHARE_NO_RELAY', 'A link with relay addresses only needs a relay, and this device has none')
    }
    const files = this.c.vault.files()
    // A lock mid-copy stops it, and the copy takes back what it wrote.
    const copy = 'folder' in target
      ? await copyFolder(files, this.c.blockstore, target.folder, files.lockSignal)
      : 'fileIds' in target
        ? await copyFiles(files, this.c.blockstore, target, files.lockSignal)
        : await copyFile(files, this.c.blockstore, target.fileId, files.lockSignal)
    // Listed like a folder share ("N files"), under the name the link carries.
    const folder = 'folder' in target ? target.folder : 'fileIds' in target ? copy.name : undefined
    try {
      // Locked just as the copy finished: the share list's key is already wiped, so store nothing.
      if (files.lockSignal.aborted || this.store !== store) throw new VaultLockedError('The vault was locked while the share was made; nothing was kept')
      const link = createShareLink({ origin: this.init.origin, cid: copy.cid, shareKey: copy.shareKey, name: copy.name, size: copy.size, type: copy.type, hints: this.usableHints(relayOnly) })
      const record: ShareRecord = {
        id: newShareId(),
        fileId: 'fileId' in target ? target.fileId : '',
        ...(folder !== undefined ? { folder, fileCount: copy.fileCount ?? 0 } : {}),
        cid: copy.cid.toString(),
        name: copy.name,
        size: copy.contentBytes,
        type: copy.type,
        createdAt: this.now(),
        ...(expiresAt !== undefined ? { expiresAt } : {}),
        link,
        ...(copy.roots.length > 1 ? { roots: copy.roots } : {}),
        blocks: copy.blocks
      }
      await store.add(record)
      this.live = [record, ...this.live]
      this.c.log.info(`shared ${folder !== undefined ? `a folder of ${copy.fileCount ?? 0} files` : 'a file'} (${copy.contentBytes} bytes)${expiresAt !== undefined ? ' with an expiry' : ''}`)
      this.c.pinning.changed()
      this.c.onChanged()
      return this.toInfo(record)
    } catch (err) {
      await this.deleteBlocks(copy.blocks)
      throw err
    } finally {
      copy.shareKey.fill(0)
    }
  }

  async list (): Promise<ShareInfo[]> {
    this.requireStore()
    return this.live.map(r => this.toInfo(r))
  }

  /** Stop sharing: the peers drop the copy at once, this device deletes it, the record goes. */
  async stop (id: string): Promise<void> {
    const store = this.requireStore()
    const record = await store.get(id)
    if (record === undefined) throw new FileNotFoundError('That share no longer exists')
    // Out of the live pins first, so backup's refresh cannot pin it again while
    // the drop goes out; the drop is queued for every peer (kept until each
    // acknowledges it) before the record goes, so a failure leaves it listed.
    const live = this.live
    this.live = live.filter(r => r.id !== id)
    try {
      await this.c.pinning.drop(this.rootsOf(record))
    } catch (err) {
      if (this.store === store) this.live = live
      throw err
    }
    await store.remove(id)
    await this.deleteBlocks(record.blocks ?? [])
    this.c.log.info('stopped a share; its copy is dropped from the backup peers and this device')
    this.c.onChanged()
  }

  /** Deletes the local copies of shares past their expiry (the peers free theirs by themselves). */
  async sweepExpired (): Promise<void> {
    const store = this.store
    if (store === undefined) return
    const now = this.now()
    for (const record of this.live.filter(r => isExpired(r, now) && r.freed !== true)) {
      await this.deleteBlocks(record.blocks ?? [])
      let updated: ShareRecord
      try {
        updated = await store.update(record.id, { freed: true })
      } catch (err) {
        // Stopped meanwhile (its record is gone): nothing left to mark. Either way go on with the rest.
        if (!isCairnError(err, 'FILE_NOT_FOUND')) this.c.log.warn(`marking an expired share freed failed: ${(err as Error).message}`)
        continue
      }
      this.live = this.live.map(r => r.id === record.id ? updated : r)
      this.c.log.info('a share expired; its copy was deleted from this device')
      this.c.onChanged()
    }
  }

  private rootsOf (record: ShareRecord): string[] {
    return record.roots ?? [record.cid]
  }

  /** Peers that hold every root of a share. */
  private heldBy (record: ShareRecord): string[] {
    const [first, ...rest] = this.rootsOf(record)
    return this.c.pinning.holdersOf(first ?? record.cid).filter(peer => rest.every(cid => this.c.pinning.holdersOf(cid).includes(peer)))
  }

  private toInfo (record: ShareRecord): ShareInfo {
    return {
      id: record.id,
      fileId: record.fileId,
      ...(record.folder !== undefined ? { folder: record.folder, fileCount: record.fileCount ?? 0 } : {}),
      cid: record.cid,
      name: record.name,
      size: record.size,
      type: record.type,
      createdAt: record.createdAt,
      ...(record.expiresAt !== undefined ? { expiresAt: record.expiresAt } : {}),
      expired: isExpired(record, this.now()),
      link: record.link,
      pinnedOn: this.heldBy(record)
    }
  }

  /** Hints that fit the link format, backup peers first (they are online when the sharer is not). */
  private usableHints (relayOnly: boolean): string[] {
    const encoder = new TextEncoder()
    const unique = [...new Set(this.init.hints({ relayOnly }))]
    return unique.filter(h => encoder.encode(h).length <= MAX_HINT_BYTES).slice(0, MAX_HINTS)
  }

  private async deleteBlocks (cids: string[]): Promise<void> {
    for (const text of cids) {
      try {
        await this.c.blockstore.delete(CID.parse(text))
      } catch (err) {
        this.c.log.warn(`deleting a share block failed: ${(err as Error).message}`)
      }
    }
  }

  private requireStore (): ShareStore {
    if (this.store === undefined) throw new VaultLockedError('Unlock the vault first')
    return this.store
  }
}

function isExpired (record: ShareRecord, now: number): boolean {
  return record.expiresAt !== undefined && record.expiresAt <= now
}
