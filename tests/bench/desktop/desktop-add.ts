import { closeSync, mkdirSync, openAsBlob, openSync, rmSync, writeSync } from 'node:fs'
import { randomFillSync } from 'node:crypto'
import { dirname, join } from 'node:path'
import { unixfs } from '@helia/unixfs'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { VaultService } from '../../../core/vault/vault-service.ts'
import { createFsBlockstore } from '../../../relay-server/storage/fs-blockstore.ts'
import { openDesktopStores } from '../../../desktop/daemon/desktop-stores.ts'
import { desktopTagHasher } from '../../../desktop/daemon/node-host.ts'
import { mbPerSecond } from '../browser/bench-context.ts'
import type { Results } from '../support/report.ts'
import { startCpuProfile, stopCpuProfile } from '../support/cpu-profile.ts'
import { startGcCount } from './gc-count.ts'
import { formatThreads, startOwnThreadCpu } from './own-threads.ts'

/**
 * `desktop.add.encrypted.<size>` against `desktop.add.plain.<size>` (issue
 * 11): the desktop app's add path in this Node process, against plain Helia
 * into the same kind of store on the same disk, back to back in each
 * repetition so the ratio compares runs seconds apart.
 */

export interface DesktopAddOptions {
  sizeMiB: number
  reps: number
  /** A scratch folder on the disk to measure (the source file and the stores go there). */
  scratch: string
  /** Where to save a V8 CPU profile of one more (untimed) encrypted add, its main thread; none when absent. */
  profilePath?: string
}

const PASSPHRASE = 'a long and quiet bench passphrase'
const WRITE_PIECE = 1024 * 1024

/** A file of random bytes on disk, written before any timing. */
function writeSource (path: string, bytes: number): void {
  const fd = openSync(path, 'w', 0o600)
  try {
    const piece = new Uint8Array(WRITE_PIECE)
    for (let done = 0; done < bytes; done += piece.length) {
      randomFillSync(piece)
      writeSync(fd, piece, 0, Math.min(piece.length, bytes - done))
    }
  } finally {
    closeSync(fd)
  }
}

/**
 * `desktop.add.plain`: `@helia/unixfs` addByteStream of the file's stream
 * (raw leaves, CIDv1, default 256 KiB chunker, as the browser's `add.plain`)
 * into a fresh pack blockstore on disk (createFsBlockstore), flushed.
 */
async function plainAdd (file: Blob, dir: string): Promise<{ ms: number, threads: string }> {
  const blockstore = await createFsBlockstore(dir)
  try {
    const threads = startOwnThreadCpu()
    const gcs = startGcCount()
    const start = performance.now()
    await unixfs({ blockstore }).addByteStream(file.stream(), { rawLeaves: true, cidVersion: 1 })
    await blockstore.flush()
    const ms = performance.now() - start
    return { ms, threads: describeCpu(threads(), gcs()) }
  } finally {
    await blockstore.stop()
  }
}

/**
 * `desktop.add.encrypted`: the desktop's add as the node's `files.add`
 * handler runs it (core/node/node-handlers.ts): `vault.files().add({file,
 * path, mtime, type})` on a VaultService created and unlocked on the
 * desktop's stores (`openDesktopStores`: pack files + SQLite) with the
 * desktop host's tag hasher; until the index entry is in and the blocks are
 * flushed. BLAKE3 is compiled before timing, as a session's earlier add would have.
 */
async function encryptedAdd (file: Blob, dataDir: string, profilePath?: string): Promise<{ ms: number, threads: string }> {
  const log = new LogBuffer().for('bench')
  const stores = await openDesktopStores(dataDir, log)
  const vault = new VaultService(
    { blockstore: stores.blockstore, datastore: stores.datastore, hashTag: desktopTagHasher, log, deviceId: '12D3KooWDesktopBench' },
    { onStatus: () => {}, onFilesChanged: () => {} }
  )
  try {
    await vault.start()
    await vault.create(PASSPHRASE)
    await desktopTagHasher(new Uint8Array(32), new Blob([new Uint8Array(1)]))
    const profiler = profilePath !== undefined ? await inspectorCalls() : undefined
    if (profiler !== undefined) {
      mkdirSync(dirname(profilePath ?? ''), { recursive: true })
      await startCpuProfile(profiler)
    }
    const threads = startOwnThreadCpu()
    const gcs = startGcCount()
    const start = performance.now()
    const added = await vault.files().add({ file, path: 'bench/big.bin', mtime: Date.now(), type: 'application/octet-stream' })
    await stores.blockstore.flush()
    const ms = performance.now() - start
    const busy = describeCpu(threads(), gcs())
    if (profiler !== undefined && profilePath !== undefined) {
      const hot = await stopCpuProfile(profiler, profilePath)
      console.log(`    main thread, most self time (profile in ${profilePath}):`)
      for (const f of hot.slice(0, 12)) console.log(`      ${(f.share * 100).toFixed(1).padStart(5)} %  ${f.name} ${f.where}`)
      profiler.close()
    }
    if (added.deduplicated || added.file.size !== file.size) throw new Error(`the encrypted add stored ${added.file.size} bytes (deduplicated: ${added.deduplicated})`)
    return { ms, threads: busy }
  } finally {
    await vault.stop()
    await stores.stop()
  }
}

function describeCpu (threads: Array<{ thread: string, ms: number }>, gc: { major: number, minor: number, ms: number }): string {
  return `${formatThreads(threads)}; ${gc.major} major + ${gc.minor} minor GCs (${(gc.ms / 1000).toFixed(2)} s on this thread)`
}

/** This thread's V8 profiler through node:inspector, in the shape cpu-profile.ts calls. */
async function inspectorCalls (): Promise<{ call: (method: string, params?: Record<string, unknown>) => Promise<unknown>, close: () => void }> {
  const { Session } = await import('node:inspector/promises')
  const session = new Session()
  session.connect()
  return {
    // The untyped overload: cpu-profile.ts names the methods.
    call: async (method, params) => await (session.post as (m: string, p?: object) => Promise<unknown>)(method, params),
    close: () => { session.disconnect() }
  }
}

export async function measureDesktopAdd (results: Results, options: DesktopAddOptions): Promise<void> {
  const bytes = options.sizeMiB * 1024 * 1024
  const size = options.sizeMiB % 1024 === 0 ? `${options.sizeMiB / 1024}GiB` : `${options.sizeMiB}MiB`
  const source = join(options.scratch, 'source.bin')
  const start = performance.now()
  writeSource(source, bytes)
  console.log(`- wrote a ${options.sizeMiB} MiB file of random bytes in ${((performance.now() - start) / 1000).toFixed(1)} s (untimed)`)
  const file = await openAsBlob(source)
  for (let rep = 0; rep < options.reps; rep++) {
    const plainDir = join(options.scratch, `plain-${rep}`)
    const vaultDir = join(options.scratch, `vault-${rep}`)
    mkdirSync(vaultDir)
    try {
      const { ms: plainMs, threads: plainThreads } = await plainAdd(file, plainDir)
      const { ms: encryptedMs, threads } = await encryptedAdd(file, vaultDir)
      const plain = mbPerSecond(bytes, plainMs)
      const encrypted = mbPerSecond(bytes, encryptedMs)
      results.add({ name: `desktop.add.plain.${size}`, value: plain, unit: 'MB/s' })
      results.add({ name: `desktop.add.encrypted.${size}`, value: encrypted, unit: 'MB/s' })
      results.add({ name: 'desktop.ratio.encrypted_vs_plain', value: encrypted / plain, unit: '×' })
      console.log(`  desktop.add: plain ${plain.toFixed(0)} MB/s, encrypted ${encrypted.toFixed(0)} MB/s (${(encrypted / plain).toFixed(2)}×)`)
      console.log(`    CPU during the plain add (${(plainMs / 1000).toFixed(2)} s): ${plainThreads}`)
      console.log(`    CPU during the encrypted add (${(encryptedMs / 1000).toFixed(2)} s): ${threads}`)
    } finally {
      rmSync(plainDir, { recursive: true, force: true })
      rmSync(vaultDir, { recursive: true, force: true })
    }
  }
  if (options.profilePath !== undefined) {
    // Apart from the timed runs: the sampling profiler slows what it watches.
    const vaultDir = join(options.scratch, 'vault-profiled')
    mkdirSync(vaultDir)
    console.log('- one more encrypted add, untimed, under the CPU profiler:')
    await encryptedAdd(file, vaultDir, options.profilePath)
    rmSync(vaultDir, { recursive: true, force: true })
  }
  rmSync(source, { force: true })
}
