import { compareHlc, encodeHlc, tick, zeroHlc, type Hlc } from './hlc.ts'
import { compareOps, type IndexOp } from './ops.ts'

/**
 * A device that takes a key another device rotated to (handed-over-index.ts)
 * gets the rotating device's re-sealed chain (reseal.ts), which carries what
 * that device had seen. The changes this device made that it had not seen (an
 * upload while offline, a rename made between its last sync and the
 * rotation) would be dropped with the old heads. These are they, re-stamped
 * as this device's ops, to be appended under the new key.
 *
 * An op counts as carried already when the new index holds one of the same
 * kind, file, path, wall time and content: the re-seal keeps all of these and
 * changes only the device and the counter. Prunes and purges, which the
 * re-seal re-stamps, count as carried when one names the same (mapped)
 * target. What goes: this device's puts, deletes and moves not carried, in
 * their old order and with their old wall times (so last-writer-wins and
 * conflicts come out as they would have), and its prunes and purges whose
 * target is known under the new key. Targets are mapped to the new index's
 * ops, or to the ops carried here; one that cannot be mapped keeps its old
 * name, as a re-seal does (an edit stays an edit and never places the file).
 */
export interface CarryInit {
  /** Every op of every chain this device held under the old key (targets are looked up here). */
  oldOps: IndexOp[]
  /** Every op of every chain under the new key. */
  freshOps: IndexOp[]
  deviceId: string
  /** Where this device's chain under the new key stands (none yet: from seq 1). */
  after?: { seq: number, hlc: Hlc }
}

export function carriedOps (init: CarryInit): IndexOp[] {
  const freshBySignature = new Map<string, Hlc>()
  const freshEndings = new Set<string>()
  for (const op of init.freshOps) {
    if (op.kind === 'prune' || op.kind === 'purge') {
      if (op.target !== undefined) freshEndings.add(endingOf(op, op.target))
    } else {
      freshBySignature.set(signatureOf(op), op.hlc)
    }
  }
  // Per file, the newest place and the newest put under the new key (for ops stamped later than made, below).
  const freshPlaced = new Map<string, number>()
  const freshPut = new Map<string, Hlc>()
  for (const op of init.freshOps) {
    if (op.kind === 'move' || (op.kind === 'put' && op.target === undefined)) freshPlaced.set(op.fileId, Math.max(freshPlaced.get(op.fileId) ?? 0, op.hlc.wall))
    const put = freshPut.get(op.fileId)
    if (op.kind === 'put' && (put === undefined || compareHlc(op.hlc, put) > 0)) freshPut.set(op.fileId, op.hlc)
  }
  const oldByHlc = new Map(init.oldOps.map(op => [encodeHlc(op.hlc), op]))
  const restamped = new Map<string, Hlc>()
  const mapTarget = (target: Hlc): Hlc | undefined => {
    const encoded = encodeHlc(target)
    const old = oldByHlc.get(encoded)
    return restamped.get(encoded) ?? (old === undefined ? undefined : freshBySignature.get(signatureOf(old)))
  }
  const own = init.oldOps.filter(op => op.device === init.deviceId).sort(compareOps)
  const carried: IndexOp[] = []
  let clock: Hlc = init.after?.hlc ?? zeroHlc(init.deviceId)
  let seq = init.after?.seq ?? 0
  for (const old of own) {
    const ending = old.kind === 'prune' || old.kind === 'purge'
    // An edit or delete whose target cannot be mapped keeps naming it (as a re-seal does): an edit stays an edit.
    let target = old.target === undefined ? undefined : mapTarget(old.target) ?? (ending ? undefined : old.target)
    if (ending ? target === undefined || freshEndings.has(endingOf(old, target)) : freshBySignature.has(signatureOf(old))) continue
    const next = tick(clock, old.hlc.wall)
    // Stamped later than it was made (this device wrote under the new key first), a move
    // or a plain put or delete would beat what the new index did after it: it had lost.
    if (next.wall > old.hlc.wall && target === undefined && !ending) {
      const placedLater = (freshPlaced.get(old.fileId) ?? 0) > old.hlc.wall
      if (old.kind === 'move' && placedLater) continue
      if (old.kind === 'delete' && ((freshPut.get(old.fileId)?.wall) ?? 0) > old.hlc.wall) continue
      // Its content still counts, as an edit of the newest put: it no longer places the file.
      if (old.kind === 'put' && placedLater) target = freshPut.get(old.fileId)
    }
    // A put's target not before its new stamp (same wall time, or a newer put above) becomes
    // the zero stamp: the put still names something, so it stays an edit and never places the file.
    if (!ending && old.kind === 'put' && target !== undefined && compareHlc(target, next) >= 0) target = zeroHlc(init.deviceId)
    const targetBefore = target !== undefined && compareHlc(target, next) < 0
    // A prune or purge must name an op before it.
    if (ending && !targetBefore) continue
    clock = next
    restamped.set(encodeHlc(old.hlc), clock)
    const op: IndexOp = { hlc: clock, device: init.deviceId, seq: ++seq, kind: old.kind, fileId: old.fileId, path: old.path }
    if (old.entry !== undefined) op.entry = { ...old.entry }
    if (targetBefore) op.target = target
    carried.push(op)
  }
  return carried
}

/** What a re-seal keeps of a put, delete or move. */
function signatureOf (op: IndexOp): string {
  return [op.kind, op.fileId, op.hlc.wall, op.path, op.entry?.cid ?? ''].join('\u0000')
}

/** A prune or purge by what it ends. */
function endingOf (op: IndexOp, target: Hlc): string {
  return [op.kind, op.fileId, encodeHlc(target)].join('\u0000')
}
