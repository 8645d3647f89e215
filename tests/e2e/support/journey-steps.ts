import { expect } from '@playwright/test'
import type { CairnApp } from './cairn-app.ts'
import type { TestFiles } from './test-files.ts'

/** The header's "Lock" button; waits for the unlock screen. */
export async function lockVault (app: CairnApp): Promise<void> {
  await app.page.getByRole('button', { name: 'Lock' }).click()
  await app.expectLocked()
}

/**
 * The journey of vault.spec.ts, for another browser or screen: create a vault,
 * add three files, reload, unlock, download each (equal SHA-256), rename,
 * delete, lock, a wrong passphrase refused, reload, and the changes kept.
 */
export async function vaultJourney (app: CairnApp, files: TestFiles, passphrase: string, bigSize = 8 * 1000 * 1000): Promise<void> {
  const big = files.make(`big-${bigSize}.bin`, bigSize)
  const accented = files.make('Résumé – 日本語 ✓.txt', 12_345)
  const empty = files.make('empty.dat', 0)
  await app.open()
  await app.createVault(passphrase)

  await app.addFiles([big.path, accented.path, empty.path])
  await app.expectListed([big.name, accented.name, empty.name])

  await app.page.reload()
  await app.unlock(passphrase)
  await app.expectListed([big.name, accented.name, empty.name])
  for (const file of [big, accented, empty]) {
    expect(await app.downloadSha256(file.name), `${file.name} downloads intact`).toBe(file.sha256)
  }

  await app.rename(accented.name, 'renamed.txt')
  await app.delete(empty.name)
  await lockVault(app)
  await app.unlock('not the passphrase at all')
  await expect(app.page.getByRole('alert')).toContainText(/passphrase/i)
  await app.page.reload()
  await app.unlock(passphrase)
  await app.expectListed([big.name, 'renamed.txt'])
  await expect(app.row(empty.name)).toHaveCount(0)
  await expect(app.row(accented.name)).toHaveCount(0)
  expect(await app.downloadSha256('renamed.txt')).toBe(accented.sha256)
}
