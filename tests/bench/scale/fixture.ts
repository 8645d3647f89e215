import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { PackBlockstore } from '../../../core/storage/pack-blockstore.ts'
import { FORMAT_VERSION } from '../../../core/storage/pack-format.ts'
import { INDEX_VERSION } from '../../../core/storage/pack-index-file.ts'
import { FsPackFiles } from '../../../relay-server/storage/fs-pack-files.ts'

/** A backup peer's data directory whose `blocks/` holds `count` blocks. */
export interface ScaleFixture {
  /** The peer's data directory (pass as `--data-dir`). */
  dataDir: string
  /** Its pack store directory. */
  blocksDir: string
  count: number
  blockSize: number
}

const RAW = 0x55

/** A block's bytes before its number goes in: a fixed pattern (the content does not matter, the CIDs do). */
function patterned (size: number): Uint8Array {
  const bytes = new Uint8Array(size)
  for (let k = 8; k < size; k++) bytes[k] = (k * 131) & 0xff
  return bytes
}

/** The bytes of block `i` (`into`: a buffer from an earlier call, reused). */
export function blockBytes (i: number, size: number, into = patterned(size)): Uint8Array {
  new DataView(into.buffer, into.byteOffset, 8).setFloat64(0, i)
  return into
}

/** The CID of block `i` (sha2-256, raw). */
export async function blockCid (i: number, size: number): Promise<CID> {
  return CID.createV1(RAW, await sha256.digest(blockBytes(i, size)))
}

/** A CID no fixture holds. */
export async function absentCid (i: number): Promise<CID> {
  return CID.createV1(RAW, await sha256.digest(new TextEncoder().encode(`absent ${i}`)))
}

/**
 * The fixture of `count` blocks of `blockSize` bytes, written straight
 * through the pack store's API (no network) and cached under the temp
 * directory, keyed by the pack and index format versions; a run cut short
 * leaves no `complete` marker and is made again.
 */
export async function scaleFixture (count: number, blockSize: number, log: (line: string) => void): Promise<ScaleFixture> {
  const dataDir = join(tmpdir(), 'cairn-bench-scale', `p${FORMAT_VERSION}-i${INDEX_VERSION}-${count}x${blockSize}`)
  const blocksDir = join(dataDir, 'blocks')
  const marker = join(dataDir, 'complete')
  if (existsSync(marker)) return { dataDir, blocksDir, count, blockSize }
  rmSync(dataDir, { recursive: true, force: true })
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const started = performance.now()
  const store = new PackBlockstore({ files: new FsPackFiles(blocksDir) }, { flushDelayMs: 60_000 })
  await store.start()
  const buffer = patterned(blockSize)
  for (let i = 0; i < count; i++) {
    const bytes = blockBytes(i, blockSize, buffer)
    // Sequential puts: the buffer is written to the pack before the next block reuses it.
    await store.put(CID.createV1(RAW, await sha256.digest(bytes)), bytes)
    if ((i + 1) % 100_000 === 0) {
      await store.flush()
      log(`    fixture: ${i + 1} of ${count} blocks`)
    }
  }
  await store.stop()
  writeFileSync(marker, `${count} blocks of ${blockSize} bytes\n`)
  log(`    fixture: ${count} blocks written in ${((performance.now() - started) / 1000).toFixed(1)} s (cached in ${dataDir})`)
  return { dataDir, blocksDir, count, blockSize }
}
