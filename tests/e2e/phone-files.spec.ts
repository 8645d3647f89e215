import { test as base } from '@playwright/test'
import type { Profile } from './support/browser.ts'
import { CairnApp } from './support/cairn-app.ts'
import { expectDownloadErrorShown } from './support/download-error-steps.ts'
import { expect } from './support/fixtures.ts'
import { filesWalk } from './support/files-steps.ts'
import { launchPhoneProfile } from './support/phone.ts'
import { TestFiles } from './support/test-files.ts'

/** The file browser at 390 × 844 with touch (Chromium), and the bottom navigation around it. */
const test = base.extend<{ phone: Profile, files: TestFiles }>({
  phone: async ({}, use) => { // eslint-disable-line no-empty-pattern -- Playwright requires object destructuring
    const profile = await launchPhoneProfile()
    await use(profile)
    await profile.dispose()
  },
  files: async ({}, use) => { // eslint-disable-line no-empty-pattern
    const files = new TestFiles()
    await use(files)
    files.dispose()
  }
})

test('on a phone: folders, breadcrumbs, search, a PNG thumbnail, a folder zip intact, shift-click delete, the bottom navigation; a failed download says why', async ({ phone, files }) => {
  const app = new CairnApp(await phone.context.newPage())
  await filesWalk(app, files, 'folders in my pocket today')
  const page = app.page
  // The bottom navigation leaves Files and comes back to the folder's files.
  const bottom = page.getByRole('navigation', { name: 'Pages' })
  await expect(bottom).toBeVisible()
  await bottom.getByRole('link', { name: 'Backup' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Backup' })).toBeVisible()
  await bottom.getByRole('button', { name: 'More' }).click()
  await bottom.getByRole('link', { name: 'Settings' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible()
  await bottom.getByRole('link', { name: 'Files' }).click()
  await expect(bottom.getByRole('link', { name: 'Files' })).toHaveAttribute('aria-current', 'page')
  await app.openFolder('Photos')
  await expect(app.row('garden.png')).toHaveCount(1)
  await expectDownloadErrorShown(app)
})
