import { expect, test } from './support/fixtures.ts'
import { expectNoSeriousViolations } from './support/axe.ts'
import { CairnApp } from './support/cairn-app.ts'
import { opfsTreeSums, patterned, pickerReturnsOpfs, pickNext, sumsOf, writeOpfsTree } from './support/opfs-folders.ts'

/**
 * Sync page → "Restore a folder…" in Chromium (issue 14): a synced folder's
 * files come back, tree and contents whole, into an empty folder the user
 * picks; a folder that holds anything is refused and left as it was. The
 * picker is replaced by OPFS folders (support/opfs-folders.ts). Browsers
 * cannot set mtimes: those are checked on the desktop
 * (desktop-folder-sync.spec.ts).
 */

const PASSPHRASE = 'a folder comes back whole'

test.setTimeout(180_000)

test('a synced folder is restored into an empty picked folder with the same tree and contents; a folder that is not empty is refused and left untouched', async ({ profile }) => {
  await pickerReturnsOpfs(profile.context)
  const page = await profile.context.newPage()
  const app = new CairnApp(page)
  await app.open()

  const tree: Record<string, Uint8Array> = {
    'empty.txt': new Uint8Array(0),
    'notes/naïve résumé.txt': new TextEncoder().encode('un résumé naïf\n'),
    'notes/日本語/ファイル.bin': patterned(3_000, 1),
    'photos/2024/Ελληνικά/cat.jpg': patterned(200_000, 2),
    'photos/2024/dog.jpg': patterned(70_000, 3),
    'deep/a/b/c/d/leaf.md': new TextEncoder().encode('# leaf\n')
  }
  await writeOpfsTree(page, 'source', tree)
  await writeOpfsTree(page, 'not-empty', { 'keep.txt': new TextEncoder().encode('mine') })

  await app.createVault(PASSPHRASE)
  await page.getByRole('navigation').getByRole('link', { name: 'Sync' }).click()
  await page.getByLabel('Vault folder', { exact: true }).fill('Tree')
  await pickNext(page, 'source')
  await page.getByRole('button', { name: 'Choose folder…' }).click()
  const card = page.getByTestId('sync-folder')
  await expect(card.getByTestId('sync-state')).toHaveText('In step', { timeout: 120_000 })
  await expect(card.getByTestId('sync-files')).toHaveText(String(Object.keys(tree).length))

  const restore = page.locator('.restore-folder')
  await restore.getByRole('button', { name: 'Restore a folder…' }).click()
  await expect(restore.getByText('Browsers cannot set a file\'s modified date')).toBeVisible()
  await expectNoSeriousViolations(page, 'Sync page with the restore form open')
  await restore.getByLabel('Vault folder to restore').selectOption('Tree')

  // A folder that holds a file: refused in plain words, nothing written.
  await pickNext(page, 'not-empty')
  await restore.getByRole('button', { name: 'Choose folder and restore…' }).click()
  await expect(restore.getByRole('alert')).toHaveText('That folder is not empty, so nothing was written. Choose an empty folder to restore into.')
  expect(await opfsTreeSums(page, 'not-empty')).toEqual(sumsOf({ 'keep.txt': new TextEncoder().encode('mine') }))

  // An empty folder: every file back, with its tree and bytes.
  await pickNext(page, 'restored')
  await restore.getByRole('button', { name: 'Choose folder and restore…' }).click()
  await expect(restore.getByTestId('restore-outcome')).toContainText(`Restored ${Object.keys(tree).length} files`, { timeout: 60_000 })
  await expect(restore.getByTestId('restore-outcome')).toContainText('from Tree into restored')
  await expect(restore.getByRole('alert')).toHaveCount(0)
  expect(await opfsTreeSums(page, 'restored')).toEqual(sumsOf(tree))
  expect(await opfsTreeSums(page, 'not-empty')).toEqual(sumsOf({ 'keep.txt': new TextEncoder().encode('mine') }))
})
