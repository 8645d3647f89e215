import type { Blockstore } from 'interface-blockstore'
import { Key, type Datastore } from 'interface-datastore'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { isCairnError } from '../../errors.ts'
import { readWholeBlock } from '../../storage/read-block.ts'
import { openThumbnail, sealThumbnail, type Thumbnail } from './thumbnail-record.ts'

const PREFIX = '/cairn/thumbnails'
/** What the map holds for content this device could not make a thumbnail of. */
export const NONE = 'none'

/** Which content a thumbnail shows and how to open it: the content's CID and the file's key. */
export interface ThumbnailOf {
  contentCid: string
  fileKey: Uint8Array
}

/**
 * Thumbnails of the vault's files: each a sealed record (thumbnail-record.ts)
 * in one raw block of the blockstore, found through a map in the datastore
 * from the content's CID (one thumbnail per version; a new version gets its
 * own). The map holds CIDs only, never a name or a key, or `none` where this
 * device could not make one (a corrupt image: it is not decoded again at
 * every visit). A thumbnail goes when the vault frees its content (`forget`).
 */
export class ThumbnailStore {
  constructor (private readonly blockstore: Blockstore, private readonly datastore: Datastore) {}

  private keyOf (contentCid: string): Key {
    return new Key(`${PREFIX}/${CID.parse(contentCid).toString()}`)
  }

  /** Seals and stores `thumb` for `of`, replacing any thumbnail it had. */
  async put (of: ThumbnailOf, thumb: Thumbnail): Promise<void> {
    const record = sealThumbnail(of.fileKey, of.contentCid, thumb)
    const cid = CID.createV1(raw.code, await sha256.digest(record))
    await this.blockstore.put(cid, record)
    const previous = await this.blockCid(of.contentCid)
    await this.datastore.put(this.keyOf(of.contentCid), new TextEncoder().encode(cid.toString()))
    if (previous !== undefined && previous !== NONE && !previous.equals(cid)) await this.blockstore.delete(previous)
  }

  /** This device tried and could not make a thumbnail of `contentCid` (it would not decode). */
  async markUnmakeable (contentCid: string): Promise<void> {
    if (await this.has(contentCid)) return
    await this.datastore.put(this.keyOf(contentCid), new TextEncoder().encode(NONE))
  }

  /**
   * The thumbnail of `of`, or undefined when it has none here. A record that
   * fails to open (damaged, or not this content's) is dropped, so the next
   * device or visit that has the file makes a fresh one.
   */
  async get (of: ThumbnailOf): Promise<Thumbnail | typeof NONE | undefined> {
    const cid = await this.blockCid(of.contentCid)
    if (cid === undefined || cid === NONE) return cid
    let record: Uint8Array
    try {
      record = await readWholeBlock(this.blockstore, cid, { offline: true })
    } catch {
      await this.drop(of.contentCid, cid)
      return undefined
    }
    try {
      return openThumbnail(of.fileKey, of.contentCid, record)
    } catch (err) {
      if (!isCairnError(err) || err.code !== 'THUMBNAIL_INVALID') throw err
      await this.drop(of.contentCid, cid)
      return undefined
    }
  }

  /** True when `contentCid` has a thumbnail here, or was found to have none. */
  async has (contentCid: string): Promise<boolean> {
    return await this.datastore.has(this.keyOf(contentCid))
  }

  /** The content roots are gone (a version pruned, the Trash emptied): their thumbnails go too. */
  async forget (contentCids: Iterable<string>): Promise<number> {
    let removed = 0
    for (const contentCid of contentCids) {
      const cid = await this.blockCid(contentCid)
      if (cid === undefined) continue
      await this.drop(contentCid, cid === NONE ? undefined : cid)
      removed++
    }
    return removed
  }

  private async drop (contentCid: string, cid: CID | undefined): Promise<void> {
    await this.datastore.delete(this.keyOf(contentCid))
    if (cid === undefined) return
    try {
      await this.blockstore.delete(cid)
    } catch {
      // Already gone: the map entry was what mattered.
    }
  }

  private async blockCid (contentCid: string): Promise<CID | typeof NONE | undefined> {
    const key = this.keyOf(contentCid)
    if (!(await this.datastore.has(key))) return undefined
    try {
      const text = new TextDecoder().decode(await this.datastore.get(key))
      return text === NONE ? NONE : CID.parse(text)
    } catch {
      await this.datastore.delete(key)
      return undefined
    }
  }
}
