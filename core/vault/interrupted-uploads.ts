import type { Blockstore } from 'interface-blockstore'
import type { Datastore } from 'interface-datastore'
import type { IndexLog } from '../index/index-log.ts'
import type { Log } from '../log.ts'
import type { ShareStore } from '../share/share-store.ts'
import { sweepUploads } from '../storage/upload-journal.ts'
import { shareCopyContent } from './share-copies.ts'
import { openUploadLabel } from './upload-labels.ts'

export interface InterruptedUploadsComponents {
  blockstore: Blockstore
  datastore: Datastore
  /** The index just opened: what it retains is never freed. */
  index: IndexLog
  shares: ShareStore
  /** Opens the uploads' labels (upload-labels.ts). */
  labelKey: Uint8Array
  log: Log
}

/**
 * At unlock: frees the blocks of uploads a closed tab or a crash cut off
 * (their records, upload-journal.ts). A record naming anything the vault
 * keeps — a root the index retains, an index op block, a share copy's root
 * or block — belongs to an upload that was named in the index and only lost
 * its record's removal, so nothing of it is freed. Returns the paths of the
 * uploads cut off (the user should add them again; an upload from before
 * labels, or one whose label does not open, is counted as 'a file'). Never
 * throws: a sweep that fails is logged and tried again at the next unlock.
 */
export async function sweepInterruptedUploads (c: InterruptedUploadsComponents): Promise<string[]> {
  try {
    const shares = shareCopyContent(await c.shares.list())
    const kept = new Set([...c.index.retainedCids(), ...c.index.blockCids(), ...shares.roots, ...shares.blocks])
    const sweep = await sweepUploads(c, (cid) => kept.has(cid))
    if (sweep.uploads > 0) c.log.info(`freed ${sweep.blocks} blocks left by ${sweep.uploads} ${sweep.uploads === 1 ? 'upload' : 'uploads'} cut off before it finished`)
    return sweep.cutOff.map(label => openUploadLabel(c.labelKey, label) ?? 'a file')
  } catch (err) {
    c.log.warn(`freeing what cut-off uploads left failed (tried again at the next unlock): ${err instanceof Error ? err.message : String(err)}`)
    return []
  }
}
