import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { createDedupHasher } from '../../../core/crypto/dedup-tag.ts'
import { FolderSyncEngine } from '../../../core/folder-sync/folder-sync-engine.ts'
import { FolderSyncService } from '../../../core/folder-sync/folder-sync-service.ts'
import { memoryScanState } from '../../../core/folder-sync/scan-state.ts'
import { syncVaultOf } from '../../../core/folder-sync/vault-port.ts'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { VaultService } from '../../../core/vault/vault-service.ts'
import type { TagHasher } from '../../../core/vault/vault-files.ts'
import { NodeFolderSource } from '../../../desktop/folders/node-folder-source.ts'
import { createPathFolderOpener } from '../../../desktop/folders/path-folder-opener.ts'
import { median, type Results } from '../support/report.ts'
import { memoryVault } from './memory-vault.ts'

export interface FolderBenchOptions {
  /** Files in the rescan figure's folder (the issue: 100,000). */
  files: number
  /** Repetitions of "a small file written → listed in the vault" (the issue: 20). */
  changes: number
}

/**
 * Folder sync in Node (the desktop's adapter): a no-change rescan of a large
 * folder (`desktop.folder.rescan.<n>`, goal ≤ 3 s at 100k), and the time from
 * a small file written on disk to it listed in the vault, through the native
 * watcher (`desktop.folder.change_to_vault`, median, goal ≤ 2 s). The rescan's
 * vault is an in-memory stand-in (the first scan would otherwise encrypt 100k
 * files): a no-change rescan reads no file and sends nothing, so what it
 * times is listing, stat and comparing, plus the vault's list of files.
 */
export async function runFolderBench (results: Results, options: FolderBenchOptions): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'cairn-folder-bench-'))
  try {
    await rescan(results, join(root, 'rescan'), options.files)
    await changeToVault(results, join(root, 'change'), options.changes)
  } finally {
    await rm(root, { recursive: true, force: true })
  }
}

async function rescan (results: Results, root: string, count: number): Promise<void> {
  const perFolder = 500
  for (let i = 0; i < count; i++) {
    const folder = join(root, `d${Math.floor(i / perFolder)}`)
    if (i % perFolder === 0) await mkdir(folder, { recursive: true })
    await writeFile(join(folder, `f${i}.txt`), `file ${i}`)
  }
  const vault = memoryVault()
  const engine = new FolderSyncEngine({ mode: 'backup', vaultFolder: 'Bench', settleMs: 0, deviceLabel: 'bench' }, {
    source: new NodeFolderSource(root), vault, state: memoryScanState(), log: new LogBuffer().for('bench')
  })
  const first = await engine.scan()
  if (first.uploaded !== count) throw new Error(`the first scan sent ${first.uploaded} of ${count} files (${JSON.stringify({ ...first, skipped: first.skipped.slice(0, 3) })})`)
  const label = count % 1000 === 0 ? `${count / 1000}k` : String(count)
  for (let rep = 0; rep < 3; rep++) {
    const started = performance.now()
    const report = await engine.scan()
    const seconds = (performance.now() - started) / 1000
    if (report.uploaded + report.moved + report.deleted !== 0) throw new Error('a no-change rescan changed something')
    results.add({ name: `desktop.folder.rescan.${label}`, value: seconds, unit: 's' })
  }
}

async function changeToVault (results: Results, root: string, reps: number): Promise<void> {
  await mkdir(root, { recursive: true })
  const vault = new VaultService({ blockstore: new MemoryBlockstore(), datastore: new MemoryDatastore(), hashTag, log: new LogBuffer().for('vault'), deviceId: '12D3KooWBench' }, { onStatus: () => {}, onFilesChanged: () => {} })
  await vault.start()
  await vault.create('a bench passphrase that is long enough')
  let listed: () => void = () => {}
  const service = new FolderSyncService({
    datastore: new MemoryDatastore(),
    vault: syncVaultOf(() => vault.files()),
    opener: createPathFolderOpener({ dataDir: join(tmpdir(), 'cairn-bench-no-data-dir') }),
    log: new LogBuffer().for('folders'),
    deviceLabel: () => 'bench',
    onChanged: () => {},
    onVaultChanged: () => { listed() }
  })
  await service.attach(new Uint8Array(32).fill(1))
  try {
    await service.add({ location: { kind: 'path', path: root }, mode: 'backup', vaultFolder: 'Bench' })
    const samples: number[] = []
    for (let i = 0; i < reps; i++) {
      const name = `change-${i}.txt`
      const inVault = new Promise<void>((resolve) => {
        listed = () => { if (vault.files().list().some(f => f.path === `Bench/${name}`)) resolve() }
      })
      const started = performance.now()
      await writeFile(join(root, name), `a small change ${i}`)
      await inVault
      samples.push((performance.now() - started) / 1000)
    }
    results.add({ name: 'desktop.folder.change_to_vault', value: median(samples), unit: 's' })
  } finally {
    await service.detach()
    await vault.stop()
  }
}

const hashTag: TagHasher = async (key, file) => {
  const hasher = await createDedupHasher(key)
  for await (const piece of file.stream()) hasher.update(piece)
  return hasher.digest()
}
