import { CID } from 'multiformats/cid'
import type { BlockCheck } from '../storage/pack-blockstore.ts'
import type { Log } from '../log.ts'
import { systemClock, type Clock } from '../clock.ts'
import type { DamagedBlock, StorageCheckProgress, StorageCheckResult } from './vault-views.ts'
import type { BlockRepair } from './block-repair.ts'
import { contentLabel, type ContentPlace } from '../index/named-content.ts'

/** The raw codec: a block without links (ciphertext chunks, index op blocks). */
const RAW_CODE = 0x55
/** Progress events at most this often. */
const PROGRESS_INTERVAL_MS = 100

/** A file (or an earlier version of one, or one in the Trash) as the check needs it: where its DAG starts and what to call it. */
export interface CheckedFile { fileId: string, path: string, cid: string, where?: ContentPlace }

export interface StorageCheckComponents {
  store: {
    checkAll: (options?: { signal?: AbortSignal }) => AsyncGenerator<BlockCheck>
    stats: () => { blocks: number, bytes: number }
  }
  repair: BlockRepair
  /** The clock progress pacing and the elapsed time are read from (default the system clock). */
  now?: Clock
  /** The vault's files, earlier versions and Trash (named-content.ts; empty when it is locked: damage is still found, not named). */
  files: () => CheckedFile[]
  /** A block's bytes from the local store only (to walk a file's DAG). */
  readLocal: (cid: CID) => Promise<Uint8Array>
  /** The CIDs a (non-raw) block links to. */
  linksOf: (cid: CID, bytes: Uint8Array) => Promise<CID[]>
  /** Block CIDs and counts only: logs never name files. */
  log: Log
}

/** Damaged blocks by the files they belong to. */
export interface CheckOutcome extends StorageCheckResult {
  /** Files holding a damaged block, and whether every damaged block of each was repaired. */
  files: Array<CheckedFile & { repaired: boolean }>
}

/**
 * Settings → "Check stored data" (restic `check --read-data`): reads and
 * re-hashes every local block, repairs each damaged one from a peer where
 * one holds it, and names the files the damaged blocks belong to.
 */
export async function checkStoredData (c: StorageCheckComponents, onProgress: (progress: StorageCheckProgress) => void, signal?: AbortSignal): Promise<CheckOutcome> {
  const clock = c.now ?? systemClock
  const started = clock()
  const totals = c.store.stats()
  const progress: StorageCheckProgress = { blocksChecked: 0, blocksTotal: totals.blocks, bytesChecked: 0, bytesTotal: totals.bytes, damaged: 0, elapsedMs: 0 }
  const bad: CID[] = []
  let last = 0
  c.log.info(`storage check: re-reading ${totals.blocks} blocks (${totals.bytes} bytes)`)
  for await (const check of c.store.checkAll(signal !== undefined ? { signal } : {})) {
    progress.blocksChecked++
    progress.bytesChecked += check.length
    if (!check.sound) { bad.push(check.cid); progress.damaged++ }
    const now = clock()
    if (now - last >= PROGRESS_INTERVAL_MS) {
      last = now
      onProgress({ ...progress, elapsedMs: now - started })
    }
  }
  progress.blocksTotal = Math.max(progress.blocksTotal, progress.blocksChecked)
  progress.bytesTotal = Math.max(progress.bytesTotal, progress.bytesChecked)
  onProgress({ ...progress, elapsedMs: clock() - started })

  const repaired = new Set<string>()
  for (const cid of bad) {
    if ((await c.repair.repair(cid, signal)).repaired) repaired.add(key(cid))
  }
  const holders = await filesHolding(c, new Set(bad.map(key)))
  const damaged: DamagedBlock[] = bad.map(cid => ({
    cid: cid.toString(),
    files: (holders.get(key(cid)) ?? []).map(contentLabel),
    repaired: repaired.has(key(cid))
  }))
  const byFile = new Map<string, CheckedFile & { repaired: boolean }>()
  for (const cid of bad) {
    for (const file of holders.get(key(cid)) ?? []) {
      // A live file and an earlier version of it are told apart.
      const id = `${file.fileId}\n${file.where ?? ''}`
      const seen = byFile.get(id)
      byFile.set(id, { ...file, repaired: (seen?.repaired ?? true) && repaired.has(key(cid)) })
    }
  }
  const elapsedMs = clock() - started
  c.log[bad.length === repaired.size ? 'info' : 'error'](bad.length === 0
    ? `storage check: all ${progress.blocksChecked} blocks sound (${progress.bytesChecked} bytes in ${(elapsedMs / 1000).toFixed(1)} s)`
    : `storage check: ${bad.length} of ${progress.blocksChecked} blocks damaged, ${repaired.size} repaired from a peer; damaged blocks are in ${byFile.size} file(s)`)
  return { blocks: progress.blocksChecked, bytes: progress.bytesChecked, elapsedMs, damaged, files: [...byFile.values()] }
}

/** Which files' DAGs contain each wanted block (keys from `key`). Only linking blocks are read. */
async function filesHolding (c: StorageCheckComponents, wanted: Set<string>): Promise<Map<string, CheckedFile[]>> {
  const out = new Map<string, CheckedFile[]>()
  if (wanted.size === 0) return out
  for (const file of c.files()) {
    const seen = new Set<string>()
    const stack = [CID.parse(file.cid)]
    while (stack.length > 0) {
      const cid = stack.pop() as CID
      const k = key(cid)
      if (seen.has(k)) continue
      seen.add(k)
      if (wanted.has(k)) out.set(k, [...(out.get(k) ?? []), file])
      if (cid.code === RAW_CODE) continue
      try {
        stack.push(...await c.linksOf(cid, await c.readLocal(cid)))
      } catch {
        // A damaged or missing linking block: its children cannot be listed.
      }
    }
  }
  return out
}

/** Blocks compared by multihash, as the pack store keys them. */
function key (cid: CID): string {
  return cid.multihash.bytes.join(',')
}
