import { test as base } from '@playwright/test'
import type { Profile } from './support/browser.ts'
import { CairnApp } from './support/cairn-app.ts'
import { expectDownloadErrorShown } from './support/download-error-steps.ts'
import { filesWalk } from './support/files-steps.ts'
import { findFirefox, launchFirefoxProfile } from './support/firefox.ts'
import { TestFiles } from './support/test-files.ts'

/**
 * The file browser in Firefox ESR: folders by their rows and the breadcrumbs,
 * search, a PNG's thumbnail, a folder as one zip, a shift-click range deleted
 * at once; and a download that fails before its first byte says why.
 */
const found = findFirefox()

const test = base.extend<{ firefox: Profile, files: TestFiles }>({
  firefox: async ({}, use) => { // eslint-disable-line no-empty-pattern -- Playwright requires object destructuring
    const profile = await launchFirefoxProfile()
    await use(profile)
    await profile.dispose()
  },
  files: async ({}, use) => { // eslint-disable-line no-empty-pattern
    const files = new TestFiles()
    await use(files)
    files.dispose()
  }
})

test.skip(found.kind === 'none', found.kind === 'none' ? found.reason : '')

test('Firefox: folders, breadcrumbs, search, a PNG thumbnail, a folder zip intact, shift-click delete; a failed download says why', async ({ firefox, files }) => {
  const app = new CairnApp(await firefox.context.newPage())
  await filesWalk(app, files, 'a fox walks into folders')
  await expectDownloadErrorShown(app)
})
