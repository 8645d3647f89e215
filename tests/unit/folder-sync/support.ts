// Helpers for the folder sync tests: real temp folders through the node adapter, with reads counted.
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { NodeFolderSource } from '../../../desktop/folders/node-folder-source.ts'
import { FolderSyncEngine } from '../../../core/folder-sync/folder-sync-engine.ts'
import { memoryScanState } from '../../../core/folder-sync/scan-state.ts'
import type { FolderSyncInit } from '../../../core/folder-sync/sync-types.ts'
import { syncVaultOf } from '../../../core/folder-sync/vault-port.ts'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import type { VaultService } from '../../../core/vault/vault-service.ts'
import type { Cleanups } from '../vault/share-test-support.ts'

/** The node adapter, counting which files it was asked to read. */
export class CountingSource extends NodeFolderSource {
  reads: string[] = []
  override async read (path: string): Promise<ReadableStream<Uint8Array>> {
    this.reads.push(path)
    return await super.read(path)
  }
}

export async function tempFolder (cleanups: Cleanups): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'cairn-sync-'))
  cleanups.push(async () => { await rm(root, { recursive: true, force: true }) })
  return root
}

/** An hour ago: files written by the test are settled at once. */
export const SETTLED = Date.now() - 3_600_000

export async function put (root: string, path: string, bytes: Uint8Array | string, mtime = SETTLED): Promise<void> {
  const abs = join(root, ...path.split('/'))
  await mkdir(dirname(abs), { recursive: true })
  await writeFile(abs, bytes)
  await utimes(abs, new Date(mtime), new Date(mtime))
}

export function sha256 (bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

export async function vaultBytes (vault: VaultService, fileId: string): Promise<Uint8Array> {
  return new Uint8Array(await new Response(vault.files().open(fileId).stream).arrayBuffer())
}

export function engineFor (vault: VaultService, source: NodeFolderSource, init: Partial<FolderSyncInit> = {}, now?: () => number): { engine: FolderSyncEngine, state: ReturnType<typeof memoryScanState> } {
  const state = memoryScanState()
  const engine = new FolderSyncEngine({ mode: 'backup', vaultFolder: 'Documents', settleMs: 0, deviceLabel: 'laptop', ...init }, {
    source, state, vault: syncVaultOf(() => vault.files()), log: new LogBuffer().for('folder-sync'), ...(now !== undefined ? { now } : {})
  })
  return { engine, state }
}

/** The live vault files (conflict copies left out) as path → text, to compare with the disk. */
export async function vaultTexts (vault: VaultService): Promise<Record<string, string>> {
  const files = vault.files().list().filter(f => f.versionId === undefined).sort((a, b) => a.path.localeCompare(b.path))
  const texts: Record<string, string> = {}
  for (const f of files) texts[f.path] = await new Response(vault.files().open(f.fileId).stream).text()
  return texts
}

/** The files at the top of a folder (`.cairn-trash` left out) as name → text. */
export async function diskTexts (root: string): Promise<Record<string, string>> {
  const texts: Record<string, string> = {}
  for (const entry of (await readdir(root, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.isFile()) texts[entry.name] = await readFile(join(root, entry.name), 'utf8')
  }
  return texts
}
