import { expect } from '@playwright/test'
import type { CairnApp } from './cairn-app.ts'

/**
 * A download that fails before its first byte says why in the page: a link to
 * a file no longer in the vault (as a list shown before another device deleted
 * it) starts in a hidden frame (web/lib/download-frame.ts), gets the service
 * worker's error page there, and the page shows its words in a toast and stays.
 */
export async function expectDownloadErrorShown (app: CairnApp): Promise<void> {
  const page = app.page
  const before = page.url()
  await page.evaluate(() => {
    const link = document.createElement('a')
    link.href = '/download/no-such-file-in-this-vault'
    link.textContent = 'A file deleted elsewhere'
    document.querySelector('main')?.append(link)
  })
  await page.getByRole('link', { name: 'A file deleted elsewhere' }).click()
  const toast = page.getByTestId('toast').filter({ hasText: 'File not found' })
  await expect(toast).toContainText('This file is no longer in your vault.')
  expect(page.url()).toBe(before)
  await app.expectUnlocked()
  await toast.getByRole('button', { name: 'Dismiss message' }).click()
  await expect(toast).toHaveCount(0)
}
