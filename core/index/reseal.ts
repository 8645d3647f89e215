import { Key, type Datastore } from 'interface-datastore'
import { toStorageError } from '../storage/storage-errors.ts'
import { encodeHead, type ChainHead } from './chain.ts'
import { HEADS_PREFIX } from './constants.ts'
import { headMacKey } from './head-mac.ts'
import { compareHlc, encodeHlc, tick, zeroHlc, type Hlc } from './hlc.ts'
import { blockVersionFor, chunkOps, encodeOpBlock, type EncodedOpBlock } from './op-block.ts'
import { compareOps, type IndexOp } from './ops.ts'
import type { IndexState } from './state.ts'

/**
 * "Remove and rotate keys" (DESIGN §3): the index re-sealed under a new
 * index key, as one fresh chain of this device that rebuilds the current
 * state. What is carried, per file id:
 * - every put (each file's content and history: earlier versions, what the
 *   Trash holds, concurrent edits), every delete, and the move that decides
 *   where the file is (older moves lose anyway);
 * - the prunes and purges, as prune/purge ops naming the re-stamped put or
 *   delete;
 * - the order of all of these, and their wall-clock times: ops are
 *   re-stamped in their old order with the same wall time (only the counter
 *   and the device change), so last-writer-wins, conflicts, version ages and
 *   Trash dates come out the same. Targets (the put a put or delete names)
 *   are mapped to the re-stamped ops.
 * What is not: the devices that made the ops (every op is now this
 * device's, so a conflict copy is named after this device), a prune or
 * purge whose target this device never saw. A put's or delete's target that
 * names a put this device never saw is kept as it was (an edit stays an edit,
 * so it cannot move the file back from a rename).
 */
export function resealOps (state: IndexState, deviceId: string, now: number): IndexOp[] {
  const carried: IndexOp[] = []
  const prunes: Array<{ fileId: string, path: string, target: Hlc }> = []
  const purges: Array<{ fileId: string, path: string, target: Hlc }> = []
  for (const [fileId, record] of state.files) {
    carried.push(...record.puts, ...(record.deletes ?? []))
    if (record.placement?.kind === 'move') carried.push(record.placement)
    const path = record.placement?.path ?? record.content?.path
    if (path === undefined) continue
    for (const target of record.pruned) prunes.push({ fileId, path, target: decodeTarget(record.puts, target) ?? zeroHlc(deviceId) })
    if (record.purged !== undefined) purges.push({ fileId, path, target: record.purged })
  }
  carried.sort(compareOps)
  const renamed = new Map<string, Hlc>()
  const ops: IndexOp[] = []
  let clock = zeroHlc(deviceId)
  for (const old of carried) {
    // Same wall time (sorted, so never behind the clock); the counter keeps the old order.
    clock = tick(clock, old.hlc.wall)
    renamed.set(encodeHlc(old.hlc), clock)
    const op: IndexOp = { hlc: clock, device: deviceId, seq: ops.length + 1, kind: old.kind, fileId: old.fileId, path: old.path }
    if (old.entry !== undefined) op.entry = { ...old.entry }
    // A target this device never saw keeps its old name: the op stays an edit
    // (or a delete of what it saw) and does not turn into a put that places the file.
    const target = old.target === undefined ? undefined : renamed.get(encodeHlc(old.target)) ?? old.target
    if (target !== undefined && compareHlc(target, clock) < 0) op.target = target
    // Not before the new stamp (same wall time, a later counter): a put still names something, so it stays an edit.
    else if (target !== undefined && old.kind === 'put') op.target = zeroHlc(deviceId)
    ops.push(op)
  }
  for (const [kind, list] of [['prune', prunes], ['purge', purges]] as const) {
    for (const { fileId, path, target } of list) {
      const mapped = renamed.get(encodeHlc(target))
      if (mapped === undefined) continue
      clock = tick(clock, Math.max(now, clock.wall))
      ops.push({ hlc: clock, device: deviceId, seq: ops.length + 1, kind, fileId, path, target: mapped })
    }
  }
  return ops
}

function decodeTarget (puts: IndexOp[], encoded: string): Hlc | undefined {
  return puts.find(put => encodeHlc(put.hlc) === encoded)?.hlc
}

/** The sealed blocks of a fresh chain of `deviceId` holding `ops` (from seq 1), and its head (none for no ops). Nothing is stored. */
export async function sealChain (indexKey: Uint8Array, deviceId: string, ops: IndexOp[]): Promise<{ blocks: EncodedOpBlock[], head?: ChainHead }> {
  const blocks: EncodedOpBlock[] = []
  let prev: string | null = null
  for (const run of chunkOps(ops)) {
    const first = run[0] as IndexOp
    const block = await encodeOpBlock(indexKey, { v: blockVersionFor(run), device: deviceId, seqFrom: first.seq, seqTo: first.seq + run.length - 1, prev, ops: run })
    blocks.push(block)
    prev = block.cid.toString()
  }
  const last = blocks.at(-1)
  return last === undefined ? { blocks } : { blocks, head: { cid: last.cid, seq: (ops.at(-1) as IndexOp).seq } }
}

/**
 * The commit point of a re-seal: in one datastore batch, every stored head
 * (sealed under the old key) goes and this device's new head (MAC'd under
 * the new key; none for an empty index) comes, with `extra` writes (the
 * hand-over for this device). The new blocks must be stored before.
 */
export async function commitResealedHeads (datastore: Datastore, indexKey: Uint8Array, deviceId: string, head: ChainHead | undefined, extra: Array<{ key: Key, value: Uint8Array }> = []): Promise<void> {
  const macKey = headMacKey(indexKey)
  try {
    const mine = new Key(`${HEADS_PREFIX}/${deviceId}`)
    const batch = datastore.batch()
    // Not this device's own key: a batch may apply its deletes after its puts.
    for await (const key of datastore.queryKeys({ prefix: HEADS_PREFIX + '/' })) if (head === undefined || key.toString() !== mine.toString()) batch.delete(key)
    if (head !== undefined) batch.put(mine, encodeHead(macKey, deviceId, head))
    for (const { key, value } of extra) batch.put(key, value)
    await batch.commit()
  } catch (err) {
    throw toStorageError(err, 'store the re-sealed index head')
  } finally {
    macKey.fill(0)
  }
}
