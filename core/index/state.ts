import { answeredPuts, editsOfRecord } from './concurrent-puts.ts'
import { conflictName, shortDeviceLabel } from './conflict-name.ts'
import { compareHlc, encodeHlc, type Hlc } from './hlc.ts'
import { compareOps, opToWire, type FileEntry, type IndexOp, type WireOp } from './ops.ts'

/**
 * The index state materialised from a set of ops (DESIGN §4 "Index").
 *
 * Each file id holds two registers, ordered by `compareOps` (hybrid
 * logical clock first):
 * - content: the latest put no delete ends; when every put is ended, the
 *   latest delete. A delete is a tombstone: an older put arriving later does
 *   not bring the file back; a newer put does. A delete that names the put
 *   it removed (format v3) ends that put and every put before it except
 *   open edits: puts naming the put they replaced that no op has answered
 *   (no later put or delete names them, no prune forgot them:
 *   concurrent-puts.ts `answeredPuts`), which only a delete naming them
 *   ends. So an edit the deleting device had not seen survives the delete
 *   whatever the clocks say (an edit beats a concurrent delete) and is the
 *   file's content again; a device that deletes a file names each edit it
 *   shows beside it (conflicts.ts `deleteOps`). A delete that names none
 *   (formats v1 and v2) ends every older put: last-writer-wins.
 * - placement: the latest put or move, which says where the file is. A move
 *   keeps the entry; a move of a deleted file does not resurrect it.
 * Beside the registers each file keeps grow-only history (history.ts): the
 * set of its puts (earlier versions, the content of a file in the Trash),
 * the set of its deletes (content is read from these, the puts and the
 * prunes), the set of puts pruned (each prune names one) and the latest
 * delete purged (each purge names one).
 * Taking the maximum of a register, or the union of a set, is commutative,
 * associative and idempotent, and content is a function of the sets, so any
 * order of the same ops, with any duplicates, gives the same state. That is
 * what lets devices merge logs in whatever order sync delivers them.
 */

/** What the state keeps of one file id (read by history.ts). */
export interface FileRecord {
  content?: IndexOp
  placement?: IndexOp
  /** Every put of this file, oldest first: its history, from which versions and the Trash are read. */
  puts: IndexOp[]
  /** Every delete of this file, oldest first: `content` is computed from these, `puts` and `pruned`. */
  deletes?: IndexOp[]
  /** Encoded timestamps of the puts a prune named: those saved versions are forgotten (and a pruned edit is no longer open). */
  pruned: Set<string>
  /**
   * The latest delete a purge named: that Trash item (or an older one) is
   * emptied, and every put before it but live content is forgotten. A
   * restore or a delete after it is untouched, whatever the purge's own time.
   */
  purged?: Hlc
}

/** Materialised index. Treat as opaque; change it only through `applyOp`. */
export interface IndexState {
  readonly files: Map<string, FileRecord>
  /** Bumped by every change that alters a register; views cache on it. */
  version: number
}

/** One live file as the UI and the vault see it. */
export interface FileView {
  fileId: string
  /** Display path: the stored path, or its conflict name when another file holds it. */
  path: string
  /** The path the ops put the file at (differs from `path` only when `conflict`). */
  storedPath: string
  /** True when this file lost a path conflict and is shown under a conflict name. */
  conflict: boolean
  entry: FileEntry
  /** Timestamp of the put that set the current content. */
  updated: Hlc
  /**
   * Present only on a concurrent edit of the file (conflicts.ts), shown
   * beside it under a conflict name with that edit's content: the encoded
   * timestamp of its put (prune it to resolve). `getFile` returns the file
   * itself, never such a copy.
   */
  versionId?: string
}

/** How views are built. */
export interface ViewOptions {
  /** Short label of a device for conflict names; defaults to `shortDeviceLabel`. */
  deviceLabel?: (deviceId: string) => string
}

export function createState (): IndexState {
  return { files: new Map(), version: 0 }
}

/**
 * Where the file is: the latest move, or put that places a file (new, or back
 * from the Trash). An edit (a put naming the put it replaced) changes content
 * only, so an edit made elsewhere meanwhile cannot undo a rename; it places
 * the file only while no placing op of it is known (a device that has the
 * edit but not yet the put that made the file still shows it). A total
 * order, so the register is the same in any order of the same ops.
 */
function placesOver (candidate: IndexOp, current: IndexOp | undefined): boolean {
  if (current === undefined) return true
  const rank = (op: IndexOp): number => op.kind === 'move' || op.target === undefined ? 1 : 0
  return rank(candidate) !== rank(current) ? rank(candidate) > rank(current) : compareOps(candidate, current) > 0
}

/**
 * Folds one (already validated) op into the state. Returns true when the
 * state changed; applying an op that is already in, or that loses, changes
 * nothing.
 */
export function applyOp (state: IndexState, op: IndexOp): boolean {
  let record = state.files.get(op.fileId)
  if (record === undefined) {
    record = { puts: [], pruned: new Set() }
    state.files.set(op.fileId, record)
  }
  let changed = false
  if (op.kind === 'delete') changed = addPut(record.deletes ??= [], op)
  if (op.kind === 'put') changed = addPut(record.puts, op)
  if (op.kind === 'prune' && op.target !== undefined) {
    const target = encodeHlc(op.target)
    if (!record.pruned.has(target)) {
      record.pruned.add(target)
      changed = true
    }
  }
  // A prune answers an edit, which a delete may then end: content is read again.
  if (changed) {
    const content = contentOf(record)
    if (content !== record.content) record.content = content
  }
  if ((op.kind === 'move' || op.kind === 'put') && placesOver(op, record.placement)) {
    record.placement = op
    changed = true
  }
  if (op.kind === 'purge' && op.target !== undefined && (record.purged === undefined || compareHlc(op.target, record.purged) > 0)) {
    record.purged = op.target
    changed = true
  }
  if (changed) state.version++
  return changed
}

/**
 * The content register from the sets of puts, deletes and prunes (so any
 * order of the same ops gives the same answer): the latest put no delete
 * ends, else the latest delete. A delete naming a put ends every put up to
 * it (by clock) but open edits, which only a delete naming them ends: the
 * one it names is answered by it, and those before it on its edit chain are
 * answered by the edits after them. So the ends depend on what the deleting
 * device saw, not on which clock ran ahead. Puts without a target (a new
 * file, a restore from the Trash, formats v1 and v2) and deletes without
 * one are compared by clock alone.
 */
function contentOf (record: FileRecord): IndexOp | undefined {
  let named: Hlc | undefined
  let plain: IndexOp | undefined
  for (const del of record.deletes ?? []) {
    if (del.target === undefined) plain = del
    else if (named === undefined || compareHlc(del.target, named) > 0) named = del.target
  }
  let answered: Set<string> | undefined
  const ended = (put: IndexOp): boolean => {
    if (plain !== undefined && compareOps(plain, put) > 0) return true
    if (named === undefined || compareHlc(named, put.hlc) < 0) return false
    if (put.target === undefined) return true
    answered ??= answeredPuts(record)
    return answered.has(encodeHlc(put.hlc))
  }
  for (let i = record.puts.length - 1; i >= 0; i--) {
    const put = record.puts[i] as IndexOp
    if (!ended(put)) return put
  }
  return record.deletes?.at(-1)
}

/** Inserts an op into a sorted history unless it is there already; true when added. */
function addPut (puts: IndexOp[], op: IndexOp): boolean {
  let i = puts.length
  while (i > 0 && compareOps(puts[i - 1] as IndexOp, op) > 0) i--
  if (i > 0 && compareOps(puts[i - 1] as IndexOp, op) === 0) return false
  puts.splice(i, 0, op)
  return true
}

/** Materialises the state of a set of ops. */
export function materialise (ops: Iterable<IndexOp>): IndexState {
  const state = createState()
  for (const op of ops) applyOp(state, op)
  return state
}

/** True when some op (put, move or delete) has named this file id. */
export function knowsFile (state: IndexState, fileId: string): boolean {
  return state.files.has(fileId)
}

/**
 * The registers as plain JSON, by file id: two states are equal exactly when
 * these are deep-equal. For tests and debugging; it contains file keys.
 */
export function stateToJson (state: IndexState): Array<{ fileId: string, content: WireOp | null, placement: WireOp | null, puts: WireOp[], pruned: string[], purged: string | null }> {
  return [...state.files.keys()].sort().map(fileId => {
    const record = state.files.get(fileId) as FileRecord
    return {
      fileId,
      content: record.content === undefined ? null : opToWire(record.content),
      placement: record.placement === undefined ? null : opToWire(record.placement),
      puts: record.puts.map(opToWire),
      pruned: [...record.pruned].sort(),
      purged: record.purged === undefined ? null : encodeHlc(record.purged)
    }
  })
}

interface View {
  version: number
  deviceLabel: (deviceId: string) => string
  list: FileView[]
  byId: Map<string, FileView>
  byPath: Map<string, FileView>
}

const views = new WeakMap<IndexState, View>()

function byCode (a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * Builds the list of live files. Files sharing a stored path (concurrent puts
 * or moves on different devices) are all kept: the one placed there first
 * keeps the name, each later one gets `name (conflict, DEVICE, DATE).ext`
 * with the device and date of the op that placed it. Only the registers
 * decide, so every device shows the same names.
 */
interface Shown { fileId: string, content: IndexOp, placement: IndexOp, copy?: boolean }

function buildView (state: IndexState, deviceLabel: (deviceId: string) => string): View {
  const groups = new Map<string, Shown[]>()
  const copies: Shown[] = []
  for (const [fileId, record] of state.files) {
    const { content, placement } = record
    if (content?.kind !== 'put' || placement === undefined) continue
    const group = groups.get(placement.path) ?? []
    group.push({ fileId, content, placement })
    groups.set(placement.path, group)
    // Edits of this file made apart from its current content: kept beside it under conflict names.
    for (const edit of editsOfRecord(fileId, record, content)) copies.push({ fileId, content: edit.put, placement, copy: true })
  }
  const taken = new Set(groups.keys())
  const list: FileView[] = []
  const losers: Shown[] = []
  const view = (item: Shown, path: string): FileView => Object.freeze({
    fileId: item.fileId,
    path,
    storedPath: item.placement.path,
    conflict: path !== item.placement.path,
    entry: Object.freeze({ ...(item.content.entry as FileEntry) }),
    updated: Object.freeze({ ...item.content.hlc }),
    ...(item.copy === true ? { versionId: encodeHlc(item.content.hlc) } : {})
  })
  for (const [path, group] of groups) {
    group.sort((a, b) => compareOps(a.placement, b.placement))
    list.push(view(group[0] as typeof group[0], path))
    losers.push(...group.slice(1))
  }
  // Losers are named in one global order so a name taken by one is skipped by
  // the next the same way on every device. A path's loser is named by the op
  // that placed it there, a concurrent edit by its put.
  losers.push(...copies)
  const namedBy = (item: Shown): IndexOp => item.copy === true ? item.content : item.placement
  losers.sort((a, b) => compareOps(namedBy(a), namedBy(b)))
  for (const loser of losers) {
    const by = namedBy(loser)
    let attempt = 1
    let name = conflictName(loser.placement.path, deviceLabel(by.device), by.hlc.wall)
    while (taken.has(name)) name = conflictName(loser.placement.path, deviceLabel(by.device), by.hlc.wall, ++attempt)
    taken.add(name)
    list.push(view(loser, name))
  }
  list.sort((a, b) => byCode(a.path, b.path))
  return { version: state.version, deviceLabel, list, byId: new Map(list.filter(f => f.versionId === undefined).map(f => [f.fileId, f])), byPath: new Map(list.map(f => [f.path, f])) }
}

function currentView (state: IndexState, options: ViewOptions = {}): View {
  const deviceLabel = options.deviceLabel ?? shortDeviceLabel
  const cached = views.get(state)
  if (cached !== undefined && cached.version === state.version && cached.deviceLabel === deviceLabel) return cached
  const fresh = buildView(state, deviceLabel)
  views.set(state, fresh)
  return fresh
}

/** Live files sorted by display path (plain code-unit order, the same everywhere). */
export function listFiles (state: IndexState, options?: ViewOptions): FileView[] {
  return currentView(state, options).list.slice()
}

/** A live file by id, or undefined when unknown or deleted. */
export function getFile (state: IndexState, fileId: string, options?: ViewOptions): FileView | undefined {
  return currentView(state, options).byId.get(fileId)
}

/** For dedup: a live file whose content has this tag (the first by display path), if any. */
export function findByTag (state: IndexState, tag: string, options?: ViewOptions): FileView | undefined {
  return currentView(state, options).list.find(f => f.versionId === undefined && f.entry.tag === tag)
}

/** The live file shown at a display path (compared in Unicode NFC), if any. */
export function findByPath (state: IndexState, path: string, options?: ViewOptions): FileView | undefined {
  return currentView(state, options).byPath.get(path.normalize('NFC'))
}
