import { pickerReturnsOpfs } from './support/opfs-folders.ts'
import { expect, test } from './support/fixtures.ts'
import { CairnApp } from './support/cairn-app.ts'

/**
 * Folder sync in Chromium (issue 14): the folder picker is replaced, before
 * the app loads, by one that returns an OPFS directory (DESIGN §9); the app
 * walks, reads and writes it exactly as a folder the user picked. No test
 * hook in the app.
 */

const PASSPHRASE = 'folders that keep themselves in step'
const FOLDER = 'picked-folder'

test.setTimeout(240_000)

test('a picked folder of 300 files reaches the vault; then 3 changed, 2 deleted, 1 added and 1 moved are sent as 4, 2 deletions and a move', async ({ profile }) => {
  await pickerReturnsOpfs(profile.context, FOLDER)
  const page = await profile.context.newPage()
  const app = new CairnApp(page)
  await app.open()

  // The folder: 300 files in nested folders, non-ASCII names, an empty file, and files the rules leave out.
  const sums = await page.evaluate(async (name) => {
    const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(name, { create: true })
    const write = async (path: string, bytes: Uint8Array): Promise<void> => {
      const parts = path.split('/')
      const file = parts.pop() ?? ''
      let dir = root
      for (const part of parts) dir = await dir.getDirectoryHandle(part, { create: true })
      const writable = await (await dir.getFileHandle(file, { create: true })).createWritable()
      await writable.write(bytes as Uint8Array<ArrayBuffer>)
      await writable.close()
    }
    const hex = async (bytes: Uint8Array): Promise<string> => [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>))].map(b => b.toString(16).padStart(2, '0')).join('')
    const names = ['café', 'naïve résumé', '日本語', 'Ελληνικά', 'plain']
    const out: Record<string, string> = {}
    for (let i = 0; i < 300; i++) {
      const path = i === 0 ? 'empty.txt' : `${names[i % names.length]}/sub ${i % 7}${i % 3 === 0 ? '/deeper' : ''}/file ${i} ${names[i % 4]}.bin`
      const bytes = new Uint8Array(i === 0 ? 0 : 100 + i * 37)
      for (let j = 0; j < bytes.length; j++) bytes[j] = (i * 131 + j * 7 + (j >> 8)) & 255
      bytes[0] = i & 255
      await write(path, bytes)
      out[path] = await hex(bytes)
    }
    for (const ignored of ['.DS_Store', 'Thumbs.db', 'draft.tmp', '~$report.docx', '.git/HEAD', 'node_modules/x/index.js', 'debug.log']) await write(ignored, new TextEncoder().encode(ignored))
    await write('.cairnignore', new TextEncoder().encode('*.log\n'))
    return out
  }, FOLDER)

  await app.createVault(PASSPHRASE)
  await page.getByRole('navigation').getByRole('link', { name: 'Sync' }).click()
  await page.getByLabel('Vault folder').fill('Picked')
  await page.getByRole('button', { name: 'Choose folder…' }).click()
  const card = page.getByTestId('sync-folder')
  await expect(card.getByTestId('sync-state')).toHaveText('In step', { timeout: 180_000 })
  await expect(card.getByTestId('sync-files')).toHaveText('301')
  await expect(page).toHaveTitle(/folders in step/)

  await app.goTo('Files')
  for (const path of ['empty.txt', 'café/sub 5/file 5 naïve résumé.bin', '日本語/sub 2/file 2 日本語.bin', 'Ελληνικά/sub 3/deeper/file 3 Ελληνικά.bin']) {
    expect(await app.downloadSha256(`Picked/${path}`), path).toBe(sums[path])
  }
  // Ignored files never reach the vault: a search by their names finds nothing.
  await app.expectSearchFindsNone(['.DS_Store', 'Thumbs.db', 'draft.tmp', '~$report', '.git', 'node_modules', 'debug.log'])

  // Paused while the folder changes, so the changes arrive as one round when it resumes.
  await page.getByRole('navigation').getByRole('link', { name: 'Sync' }).click()
  await card.getByRole('button', { name: 'Pause' }).click()
  await expect(card.getByTestId('sync-state')).toHaveText('Paused')
  const changed = await page.evaluate(async (name) => {
    const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(name)
    const dirOf = async (path: string, create = false): Promise<[FileSystemDirectoryHandle, string]> => {
      const parts = path.split('/')
      const file = parts.pop() ?? ''
      let dir = root
      for (const part of parts) dir = await dir.getDirectoryHandle(part, { create })
      return [dir, file]
    }
    const write = async (path: string, text: string): Promise<void> => {
      const [dir, file] = await dirOf(path, true)
      const writable = await (await dir.getFileHandle(file, { create: true })).createWritable()
      await writable.write(text)
      await writable.close()
    }
    for (const path of ['plain/sub 4/file 4 café.bin', 'café/sub 3/file 10 日本語.bin', 'naïve résumé/sub 1/file 1 naïve résumé.bin']) await write(path, `changed: ${path}`)
    for (const path of ['日本語/sub 6/deeper/file 27 Ελληνικά.bin', 'Ελληνικά/sub 5/deeper/file 33 naïve résumé.bin']) {
      const [dir, file] = await dirOf(path)
      await dir.removeEntry(file)
    }
    await write('new folder/added.txt', 'a new file')
    const [from, file] = await dirOf('plain/sub 2/deeper/file 9 naïve résumé.bin')
    const handle = await from.getFileHandle(file) as FileSystemFileHandle & { move: (to: FileSystemDirectoryHandle, name: string) => Promise<void> }
    await handle.move(root, 'moved here.bin')
    return 'changed: plain/sub 4/file 4 café.bin'
  }, FOLDER)
  await card.getByRole('button', { name: 'Resume' }).click()
  await expect(card.getByTestId('sync-last')).toHaveText('4 added or changed, 2 deleted, 1 moved', { timeout: 60_000 })
  await expect(card.getByTestId('sync-state')).toHaveText('In step')
  await expect(card.getByTestId('sync-files')).toHaveText('300')

  await app.goTo('Files')
  await app.expectListed(['Picked/moved here.bin', 'Picked/new folder/added.txt'])
  await app.search('file 9 naïve résumé.bin')
  await expect(app.row('Picked/plain/sub 2/deeper/file 9 naïve résumé.bin')).toHaveCount(0)
  await app.search('')
  const expected = await page.evaluate(async (text) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))].map(b => b.toString(16).padStart(2, '0')).join(''), changed)
  expect(await app.downloadSha256('Picked/plain/sub 4/file 4 café.bin')).toBe(expected)
  await app.goTo('Trash')
  await expect(page.getByText('file 27 Ελληνικά.bin')).toBeVisible()

  // The rescan schedule is the user's: a number out of range is explained and not saved; a good one stays after a reload.
  await app.goTo('Sync')
  const every = card.getByRole('spinbutton', { name: 'Rescan every (seconds)' })
  await expect(every).toHaveValue('60')
  await every.fill('5')
  await expect(card.getByText('A whole number from 10 to 86400 (a day).')).toBeVisible()
  await expect(card.getByRole('button', { name: 'Save' })).toBeDisabled()
  await every.fill('120')
  await card.getByRole('button', { name: 'Save' }).click()
  await expect(card.getByRole('button', { name: 'Save' })).toBeDisabled()
  await page.reload()
  await app.unlock(PASSPHRASE)
  await app.goTo('Sync')
  await expect(page.getByTestId('sync-folder').getByRole('spinbutton', { name: 'Rescan every (seconds)' })).toHaveValue('120')
})

