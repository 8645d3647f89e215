import { expect, type Locator, type Page } from '@playwright/test'
import type { CairnApp } from './cairn-app.ts'

/**
 * Folder sync in Chromium (issue 14, DESIGN §9): the folder picker is
 * replaced, before the app loads, by one that returns an OPFS directory
 * (opfs-folders.ts `pickerReturnsOpfs`), and the test reads and writes that
 * directory from the page, as a user's other programs would write a picked
 * folder. No test hook in the app.
 */

export async function openSyncPage (app: CairnApp): Promise<void> {
  await app.page.getByRole('navigation').getByRole('link', { name: 'Sync' }).click()
  await expect(app.page.getByRole('heading', { name: 'Add folder' })).toBeVisible()
}

/** Sync → "Add folder" (the picked folder is the OPFS one), in `mode`, mapped to `vaultFolder`; returns its card once in step. */
export async function addSyncedFolder (app: CairnApp, vaultFolder: string, mode: 'Back up' | 'Two-way'): Promise<Locator> {
  await openSyncPage(app)
  const form = app.page.getByRole('form', { name: 'Add folder' })
  await form.getByLabel('Vault folder').fill(vaultFolder)
  await form.getByRole('radio', { name: new RegExp(`^${mode}\\b`) }).check()
  await form.getByRole('button', { name: 'Choose folder…' }).click()
  const card = app.page.getByTestId('sync-folder')
  await expect(card.getByTestId('sync-state')).toHaveText('In step', { timeout: 120_000 })
  return card
}

/** A file of the folder as the page reads it: its SHA-256 (hex), size and, for small files, its text. */
export interface FolderFile { sha256: string, size: number, text: string }

/** Writes `text` (or `size` bytes made from `seed`) at `path` in the OPFS folder, parents created; returns what was written. */
export async function writeInFolder (page: Page, folder: string, path: string, content: string | { size: number, seed: number }): Promise<FolderFile> {
  return await page.evaluate(async ({ folder, path, content }) => {
    const parts = path.split('/')
    const name = parts.pop() ?? ''
    let dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(folder, { create: true })
    for (const part of parts) dir = await dir.getDirectoryHandle(part, { create: true })
    let bytes: Uint8Array<ArrayBuffer>
    if (typeof content === 'string') bytes = new TextEncoder().encode(content)
    else {
      bytes = new Uint8Array(content.size)
      let x = content.seed | 1
      for (let i = 0; i < bytes.length; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; bytes[i] = x & 255 }
    }
    const writable = await (await dir.getFileHandle(name, { create: true })).createWritable()
    await writable.write(bytes)
    await writable.close()
    const sha256 = [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map(b => b.toString(16).padStart(2, '0')).join('')
    return { sha256, size: bytes.length, text: bytes.length <= 4096 ? new TextDecoder().decode(bytes) : '' }
  }, { folder, path, content })
}

/** The file at `path` in the OPFS folder, or undefined when there is none. */
export async function readInFolder (page: Page, folder: string, path: string): Promise<FolderFile | undefined> {
  return await page.evaluate(async ({ folder, path }) => {
    const parts = path.split('/')
    const name = parts.pop() ?? ''
    try {
      let dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(folder)
      for (const part of parts) dir = await dir.getDirectoryHandle(part)
      const bytes = new Uint8Array(await (await (await dir.getFileHandle(name)).getFile()).arrayBuffer())
      const sha256 = [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map(b => b.toString(16).padStart(2, '0')).join('')
      return { sha256, size: bytes.length, text: bytes.length <= 4096 ? new TextDecoder().decode(bytes) : '' }
    } catch (err) {
      if (err instanceof DOMException && err.name === 'NotFoundError') return undefined
      throw err
    }
  }, { folder, path })
}

/** Every file under the OPFS folder (its trash included), as sorted '/'-separated paths. */
export async function listFolder (page: Page, folder: string): Promise<string[]> {
  return await page.evaluate(async (folder) => {
    const out: string[] = []
    const walk = async (dir: FileSystemDirectoryHandle, prefix: string): Promise<void> => {
      for await (const [name, handle] of dir.entries()) {
        if (handle.kind === 'directory') await walk(handle as FileSystemDirectoryHandle, `${prefix}${name}/`)
        else out.push(`${prefix}${name}`)
      }
    }
    await walk(await (await navigator.storage.getDirectory()).getDirectoryHandle(folder, { create: true }), '')
    return out.sort()
  }, folder)
}

export async function removeFromFolder (page: Page, folder: string, path: string): Promise<void> {
  await page.evaluate(async ({ folder, path }) => {
    const parts = path.split('/')
    const name = parts.pop() ?? ''
    let dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(folder)
    for (const part of parts) dir = await dir.getDirectoryHandle(part)
    await dir.removeEntry(name)
  }, { folder, path })
}

/**
 * Starts writing `path` slowly, in the page: `pieces` appends of `pieceSize`
 * bytes, each through its own FileSystemWritableFileStream (so the file on
 * disk grows piece by piece), `everyMs` apart on the page's timers. Returns
 * at once; `slowWriteDone` says when it has finished, with the whole file's SHA-256.
 */
export async function startSlowWrite (page: Page, folder: string, path: string, options: { pieces: number, pieceSize: number, everyMs: number }): Promise<void> {
  await page.evaluate(({ folder, path, options }) => {
    const state = window as unknown as { cairnSlowWrite?: { done: boolean, sha256: string, error: string, startedAt: number, endedAt: number } }
    const status = { done: false, sha256: '', error: '', startedAt: performance.now(), endedAt: 0 }
    state.cairnSlowWrite = status
    const written: Uint8Array[] = []
    const run = async (): Promise<void> => {
      let dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(folder)
      const parts = path.split('/')
      const name = parts.pop() ?? ''
      for (const part of parts) dir = await dir.getDirectoryHandle(part, { create: true })
      const handle = await dir.getFileHandle(name, { create: true })
      for (let i = 0; i < options.pieces; i++) {
        if (i > 0) await new Promise(resolve => setTimeout(resolve, options.everyMs))
        const piece = new Uint8Array(options.pieceSize).map((_, j) => (i * 31 + j * 7) & 255)
        const size = (await handle.getFile()).size
        const writable = await handle.createWritable({ keepExistingData: true })
        await writable.seek(size)
        await writable.write(piece)
        await writable.close()
        written.push(piece)
      }
      const whole = new Uint8Array(await new Blob(written as Uint8Array<ArrayBuffer>[]).arrayBuffer())
      status.sha256 = [...new Uint8Array(await crypto.subtle.digest('SHA-256', whole))].map(b => b.toString(16).padStart(2, '0')).join('')
      status.endedAt = performance.now()
      status.done = true
    }
    run().catch((err: unknown) => { status.error = String(err); status.done = true })
  }, { folder, path, options })
}

/** Undefined while the slow write runs; then its SHA-256 and how long it took (ms), or throws what failed it. */
export async function slowWriteDone (page: Page): Promise<{ sha256: string, ms: number } | undefined> {
  const status = await page.evaluate(() => (window as unknown as { cairnSlowWrite?: { done: boolean, sha256: string, error: string, startedAt: number, endedAt: number } }).cairnSlowWrite)
  if (status === undefined || !status.done) return undefined
  if (status.error !== '') throw new Error(`the slow write failed: ${status.error}`)
  return { sha256: status.sha256, ms: status.endedAt - status.startedAt }
}
