import { createHash } from 'node:crypto'
import type { BrowserContext, Page } from '@playwright/test'

/**
 * Folders on disk as a Chromium test sees them (DESIGN §9): OPFS directories
 * stand in for the folders a user picks. `pickerReturnsOpfs` replaces
 * `showDirectoryPicker`, before the app loads, by one that returns the OPFS
 * folder named by `pickNext` (else `folder`, default `picked-folder`); the app then walks,
 * reads and writes it exactly as a picked folder. No test hook in the app.
 */

const DEFAULT_PICK = 'picked-folder'

export async function pickerReturnsOpfs (context: BrowserContext, folder = DEFAULT_PICK): Promise<void> {
  await context.addInitScript((fallback) => {
    const w = window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle>, cairnTestPick?: string }
    w.showDirectoryPicker = async () => await (await navigator.storage.getDirectory()).getDirectoryHandle(w.cairnTestPick ?? fallback, { create: true })
  }, folder)
}

/** The next `showDirectoryPicker` returns the OPFS folder `name` (made if missing). */
export async function pickNext (page: Page, name: string): Promise<void> {
  await page.evaluate((n) => { (window as unknown as { cairnTestPick?: string }).cairnTestPick = n }, name)
}

/** Writes files (path → bytes) into the OPFS folder `folder`, making it and the folders on the way. */
export async function writeOpfsTree (page: Page, folder: string, files: Record<string, Uint8Array>): Promise<void> {
  const plain = Object.fromEntries(Object.entries(files).map(([path, bytes]) => [path, [...bytes]]))
  await page.evaluate(async ({ folder, plain }) => {
    const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(folder, { create: true })
    for (const [path, bytes] of Object.entries(plain)) {
      const parts = path.split('/')
      const name = parts.pop() ?? ''
      let dir = root
      for (const part of parts) dir = await dir.getDirectoryHandle(part, { create: true })
      const writable = await (await dir.getFileHandle(name, { create: true })).createWritable()
      await writable.write(new Uint8Array(bytes))
      await writable.close()
    }
  }, { folder, plain })
}

/** Every file under the OPFS folder `folder` (made if missing) with the SHA-256 of its bytes, by '/'-separated path. */
export async function opfsTreeSums (page: Page, folder: string): Promise<Record<string, string>> {
  return await page.evaluate(async (folder) => {
    type Walkable = FileSystemDirectoryHandle & { entries: () => AsyncIterable<[string, FileSystemHandle]> }
    const out: Record<string, string> = {}
    const walk = async (dir: Walkable, prefix: string): Promise<void> => {
      for await (const [name, handle] of dir.entries()) {
        if (handle.kind === 'directory') await walk(handle as Walkable, `${prefix}${name}/`)
        else {
          const bytes = await (await (handle as FileSystemFileHandle).getFile()).arrayBuffer()
          out[`${prefix}${name}`] = [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map(b => b.toString(16).padStart(2, '0')).join('')
        }
      }
    }
    await walk(await (await navigator.storage.getDirectory()).getDirectoryHandle(folder, { create: true }) as Walkable, '')
    return out
  }, folder)
}

/** path → SHA-256 hex of each file, as `opfsTreeSums` gives them. */
export function sumsOf (files: Record<string, Uint8Array>): Record<string, string> {
  return Object.fromEntries(Object.entries(files).map(([path, bytes]) => [path, createHash('sha256').update(bytes).digest('hex')]))
}

/** Bytes that differ from file to file (`seed`) and from byte to byte. */
export function patterned (size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size)
  for (let i = 0; i < size; i++) bytes[i] = (seed * 131 + i * 7 + (i >> 8)) & 255
  return bytes
}
