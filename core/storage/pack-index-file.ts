/**
 * The saved block index (version 1): a copy of the in-memory index beside the
 * packs, so opening a store with a million blocks reads one file instead of
 * replaying a million journal records. The journals stay the truth: the file
 * says how much of each journal it reflects, the store replays only what
 * came after, and a file that fails its checksum or disagrees with the packs
 * is ignored (the store rebuilds from the journals and saves a new one).
 *
 * Two slots, `index-0.cidx` and `index-1.cidx`, written in turn and told
 * apart by a generation number: a crash while one is written leaves the
 * other whole (the PackFiles seam has no rename). Layout, little-endian:
 *
 * | bytes | field |
 * |---|---|
 * | 8 | `CRNI`, version, 3 zero bytes |
 * | 8 | generation (two u32 words, low first) |
 * | 4 | pack count P |
 * | 4 | entry count E |
 * | 4 | arena bytes A |
 * | 4 | 0 (reserved) |
 * | 24 × P | pack number, 0, pack end (u64), journal bytes covered (u64) |
 * | 20 × E | entries (see PackIndex: pack, offset low, offset high, length, arena position) |
 * | A | arena: per block u16 CID length, u8 multihash start, binary CID |
 * | 32 | SHA-256 of everything above |
 */

import { sha256 } from 'multiformats/hashes/sha2'
import type { PackFiles } from './pack-files.ts'
import { ENTRY_WORDS, PackIndex } from './pack-index.ts'

export const INDEX_MAGIC = [0x43, 0x52, 0x4e, 0x49] as const // "CRNI"
export const INDEX_VERSION = 1
export const INDEX_SLOTS = ['index-0.cidx', 'index-1.cidx'] as const
const HEAD = 32
const PACK_BYTES = 24
const DIGEST = 32
const TWO_32 = 0x1_0000_0000
/** Entries are saved as the host's words: only little-endian hosts (all common ones) save or load. */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1

/** A saved index that passed its checks, and what it covers. */
export interface SavedIndex {
  index: PackIndex
  generation: number
  /** Per pack: the pack's end and the journal bytes the index reflects. */
  packs: Map<number, { end: number, covered: number }>
}

/** Encodes `index` with the journal coverage of every pack it knows. */
export async function encodeIndexFile (index: PackIndex, covered: ReadonlyMap<number, number>, generation: number): Promise<Uint8Array | undefined> {
  if (!LITTLE_ENDIAN) return undefined
  const { snapshot, arenaUsed } = index.snapshot()
  const packs = [...index.packUsage()].sort((a, b) => a[0] - b[0])
  const size = HEAD + PACK_BYTES * packs.length + snapshot.entries.byteLength + arenaUsed + DIGEST
  const out = new Uint8Array(size)
  const view = new DataView(out.buffer)
  out.set([...INDEX_MAGIC, INDEX_VERSION, 0, 0, 0])
  setU64(view, 8, generation)
  view.setUint32(16, packs.length, true)
  view.setUint32(20, snapshot.entries.length / ENTRY_WORDS, true)
  view.setUint32(24, arenaUsed, true)
  let at = HEAD
  for (const [pack, usage] of packs) {
    view.setUint32(at, pack, true)
    setU64(view, at + 8, usage.end)
    setU64(view, at + 16, covered.get(pack) ?? 0)
    at += PACK_BYTES
  }
  out.set(new Uint8Array(snapshot.entries.buffer, snapshot.entries.byteOffset, snapshot.entries.byteLength), at)
  at += snapshot.entries.byteLength
  out.set(snapshot.arena, at)
  at += arenaUsed
  out.set((await sha256.digest(out.subarray(0, at))).digest, at)
  return out
}

/** Decodes and checks one index file; undefined when it is not a whole, sound one. */
export async function decodeIndexFile (bytes: Uint8Array): Promise<SavedIndex | undefined> {
  if (!LITTLE_ENDIAN || bytes.length < HEAD + DIGEST) return undefined
  for (let i = 0; i < 8; i++) {
    if (bytes[i] !== [...INDEX_MAGIC, INDEX_VERSION, 0, 0, 0][i]) return undefined
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const packCount = view.getUint32(16, true)
  const entryCount = view.getUint32(20, true)
  const arenaBytes = view.getUint32(24, true)
  const body = HEAD + PACK_BYTES * packCount + entryCount * ENTRY_WORDS * 4 + arenaBytes
  if (bytes.length !== body + DIGEST) return undefined
  const digest = (await sha256.digest(bytes.subarray(0, body))).digest
  for (let i = 0; i < DIGEST; i++) {
    if (digest[i] !== bytes[body + i]) return undefined
  }

  const packs = new Map<number, { end: number, covered: number }>()
  let at = HEAD
  for (let p = 0; p < packCount; p++, at += PACK_BYTES) {
    packs.set(view.getUint32(at, true), { end: getU64(view, at + 8), covered: getU64(view, at + 16) })
  }
  // Copies: aligned words, and the file's buffer is not kept alive by the index.
  const entries = new Uint32Array(entryCount * ENTRY_WORDS)
  new Uint8Array(entries.buffer).set(bytes.subarray(at, at + entries.byteLength))
  at += entries.byteLength
  const arena = bytes.slice(at, at + arenaBytes)
  if (!entriesFit(entries, arena, packs)) return undefined
  const index = PackIndex.fromSnapshot({ entries, arena }, arenaBytes)
  for (const [pack, { end }] of packs) index.usage(pack).end = Math.max(index.usage(pack).end, end)
  return { index, generation: getU64(view, 8), packs }
}

/** Loads the newest sound saved index, or undefined when neither slot holds one. */
export async function loadIndexFile (files: PackFiles, names: readonly string[]): Promise<SavedIndex | undefined> {
  // Newest first by the generation in each header, so a sound newest file is the only one decoded.
  const slots: Array<{ name: string, generation: number }> = []
  for (const name of INDEX_SLOTS) {
    if (!names.includes(name)) continue
    const head = await readSlot(files, name, 16)
    const generation = head.length === 16 ? getU64(new DataView(head.buffer, head.byteOffset, 16), 8) : -1
    slots.push({ name, generation })
  }
  slots.sort((a, b) => b.generation - a.generation)
  for (const { name } of slots) {
    const saved = await decodeIndexFile(await readSlot(files, name))
    if (saved !== undefined) return saved
  }
  return undefined
}

/** The first `length` bytes of a slot (all of it by default). */
async function readSlot (files: PackFiles, name: string, length?: number): Promise<Uint8Array> {
  const file = await files.open(name)
  try {
    return await file.read(0, length ?? await file.size())
  } finally {
    await file.close()
  }
}

/** Writes `bytes` to the slot of `generation` and makes it durable. */
export async function writeIndexFile (files: PackFiles, generation: number, bytes: Uint8Array): Promise<void> {
  const file = await files.open(INDEX_SLOTS[generation % 2] as string)
  try {
    await file.truncate(0)
    await file.write(0, bytes)
    await file.flush()
  } finally {
    await file.close()
  }
}

/** Every entry names a listed pack, lies inside that pack, and its key record lies inside the arena. */
function entriesFit (entries: Uint32Array, arena: Uint8Array, packs: Map<number, { end: number }>): boolean {
  for (let w = 0; w < entries.length; w += ENTRY_WORDS) {
    const pack = packs.get(entries[w] as number)
    const end = (entries[w + 1] as number) + (entries[w + 2] as number) * TWO_32 + (entries[w + 3] as number)
    if (pack === undefined || end > pack.end) return false
    const key = entries[w + 4] as number
    if (key + 3 > arena.length) return false
    const cidLength = (arena[key] as number) | ((arena[key + 1] as number) << 8)
    if (key + 3 + cidLength > arena.length || (arena[key + 2] as number) >= cidLength) return false
  }
  return true
}

function setU64 (view: DataView, at: number, value: number): void {
  view.setUint32(at, value % TWO_32, true)
  view.setUint32(at + 4, Math.floor(value / TWO_32), true)
}

function getU64 (view: DataView, at: number): number {
  return view.getUint32(at, true) + view.getUint32(at + 4, true) * TWO_32
}
