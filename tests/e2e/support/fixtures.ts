import { test as base } from '@playwright/test'
import { launchProfile, type Profile } from './browser.ts'
import { CairnApp } from './cairn-app.ts'
import { TestFiles } from './test-files.ts'

export { expect } from '@playwright/test'

/**
 * Playwright fixtures for Cairn's browser tests: every test gets a fresh
 * persistent browser profile (one "device"), a page model on a new page, and
 * a folder of test files; all are disposed after the test.
 */
export const test = base.extend<{ profile: Profile, files: TestFiles, app: CairnApp }>({
  profile: async ({}, use) => { // eslint-disable-line no-empty-pattern -- Playwright requires object destructuring
    const profile = await launchProfile()
    await use(profile)
    await profile.dispose()
  },
  files: async ({}, use) => { // eslint-disable-line no-empty-pattern
    const files = new TestFiles()
    await use(files)
    files.dispose()
  },
  app: async ({ profile }, use) => {
    await use(new CairnApp(await profile.context.newPage()))
  }
})
