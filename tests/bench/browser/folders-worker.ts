/// <reference lib="webworker" />
import { MemoryDatastore } from 'datastore-core'
import { createDedupHasher } from '../../../core/crypto/dedup-tag.ts'
import type { FolderSource } from '../../../core/folder-sync/folder-source.ts'
import { FolderSyncEngine } from '../../../core/folder-sync/folder-sync-engine.ts'
import { sealedScanState } from '../../../core/folder-sync/scan-state.ts'
import { syncVaultOf } from '../../../core/folder-sync/vault-port.ts'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import type { TagHasher } from '../../../core/vault/vault-files.ts'
import { VaultService } from '../../../core/vault/vault-service.ts'
import { FsAccessFolderSource } from '../../../sw/folders/fs-access-folder-source.ts'
import { memoryVault } from '../folders/memory-vault.ts'
import { openPackStore } from './bench-stores.ts'
import { clearScratch } from './opfs-scratch.ts'
import type { Sample } from './protocol.ts'

declare const self: DedicatedWorkerGlobalScope

/** The OPFS directory that stands in for a picked folder (DESIGN §9), beside the bench's scratch space. */
const FOLDER = 'cairn-bench-folder'
const PER_FOLDER = 500

export interface FolderBrowserOptions {
  files: number
  reps: number
  /**
   * 'memory': the desktop bench's stand-in (names and tags only), the default:
   * a real vault's first scan of 10,000 files took minutes on the loaded bench
   * machine. 'real': VaultService on an OPFS pack store (figures end `.real_vault`).
   */
  vault: 'memory' | 'real'
}

/**
 * `folder.scan.<n>` and `folder.rescan.<n>` in the node worker's setting: the
 * FS Access adapter (sw/folders/fs-access-folder-source.ts) on an OPFS
 * directory of small files drives the real engine (the scan state sealed as
 * the node worker keeps it) into the vault stand-in or a real vault
 * (VaultService on an OPFS pack store, its index in memory). The first scan
 * reads every file; a rescan with nothing changed opens no file and sends nothing.
 */
async function run ({ files, reps, vault: kind }: FolderBrowserOptions): Promise<Sample[]> {
  const label = (files % 1000 === 0 ? `${files / 1000}k` : String(files)) + (kind === 'real' ? '.real_vault' : '')
  const root = await navigator.storage.getDirectory()
  await removeFolder(root)
  const folder = await root.getDirectoryHandle(FOLDER, { create: true })
  await makeFiles(folder, files)
  const store = await openPackStore('folders-vault')
  const vault = new VaultService({ blockstore: store.blockstore, datastore: new MemoryDatastore(), hashTag, log: new LogBuffer().for('bench'), deviceId: '12D3KooWBenchFolders' }, { onStatus: () => {}, onFilesChanged: () => {} })
  await vault.start()
  try {
    // Untimed: the Argon2id of making a vault is not part of syncing.
    if (kind === 'real') await vault.create('a bench passphrase, long enough')
    const engine = new FolderSyncEngine({ mode: 'backup', vaultFolder: 'Bench', settleMs: 0, deviceLabel: 'bench' }, {
      source: new FsAccessFolderSource(folder),
      vault: kind === 'real' ? syncVaultOf(() => vault.files()) : memoryVault(),
      state: sealedScanState(new MemoryDatastore(), new Uint8Array(32).fill(5), 'bench'),
      log: new LogBuffer().for('bench')
    })
    const samples: Sample[] = []
    let started = performance.now()
    const first = await engine.scan()
    await store.flush()
    samples.push({ name: `folder.scan.${label}`, value: (performance.now() - started) / 1000, unit: 's' })
    if (first.uploaded + first.deduplicated !== files) throw new Error(`the first scan sent ${first.uploaded + first.deduplicated} of ${files} files`)
    for (let rep = 0; rep < reps; rep++) {
      started = performance.now()
      const report = await engine.scan()
      samples.push({ name: `folder.rescan.${label}`, value: (performance.now() - started) / 1000, unit: 's' })
      if (report.uploaded + report.moved + report.deleted !== 0) throw new Error('a no-change rescan changed something')
    }
    // Where a rescan's time goes: the adapter's listing alone, as shipped and with getFile 32 at a time (a prototype).
    for (let rep = 0; rep < reps; rep++) {
      samples.push({ name: `folder.list.${label}`, value: await timeListing(new FsAccessFolderSource(folder)), unit: 's' })
    }
    return samples
  } finally {
    await vault.stop()
    await store.close()
    await clearScratch()
    await removeFolder(root)
  }
}

async function timeListing (source: FolderSource): Promise<number> {
  const started = performance.now()
  let n = 0
  for await (const entry of source.list()) n += entry.size > 0 ? 1 : 0
  if (n === 0) throw new Error('the listing found nothing')
  return (performance.now() - started) / 1000
}

/** `files` small files ("file <i>"), PER_FOLDER a folder, written through sync access handles (the fast way, untimed). */
async function makeFiles (folder: FileSystemDirectoryHandle, files: number): Promise<void> {
  const encoder = new TextEncoder()
  let dir = folder
  for (let i = 0; i < files; i++) {
    if (i % PER_FOLDER === 0) dir = await folder.getDirectoryHandle(`d${i / PER_FOLDER}`, { create: true })
    const access = await (await dir.getFileHandle(`f${i}.txt`, { create: true })).createSyncAccessHandle()
    access.write(encoder.encode(`file ${i}`), { at: 0 })
    access.close()
  }
}

async function removeFolder (root: FileSystemDirectoryHandle): Promise<void> {
  await root.removeEntry(FOLDER, { recursive: true }).catch((err: unknown) => {
    if ((err as { name?: unknown } | null)?.name !== 'NotFoundError') throw err
  })
}

/** The dedup tag on this thread (the node worker's hash worker does the same work elsewhere). */
const hashTag: TagHasher = async (key, file) => {
  const hasher = await createDedupHasher(key)
  for await (const piece of file.stream()) hasher.update(piece)
  return hasher.digest()
}

self.onmessage = (ev: MessageEvent<FolderBrowserOptions>) => {
  run(ev.data).then(
    (samples) => { self.postMessage({ samples }) },
    (err: unknown) => { self.postMessage({ error: err instanceof Error ? `${err.name}: ${err.message}\n${err.stack ?? ''}` : String(err) }) }
  )
}
