import { test as base } from '@playwright/test'
import { removeDir, startPeer, startRelay, wsAddress } from './backup-servers.ts'
import { launchProfile, type Profile } from './browser.ts'
import { CairnApp } from './cairn-app.ts'
import { launchFirefoxProfile } from './firefox.ts'
import { launchPhoneProfile } from './phone.ts'
import { TestFiles } from './test-files.ts'

export { expect } from '@playwright/test'

/** A real cairn-relay and a cairn-peer that holds a reservation on it. */
export interface BackupServers {
  relay: Awaited<ReturnType<typeof startRelay>>
  peer: Awaited<ReturnType<typeof startPeer>>
}

/**
 * Playwright fixtures for Cairn's browser tests: every test gets a fresh
 * persistent browser profile (one "device"), a page model on a new page, and
 * a folder of test files; a test that asks for `backup` also gets a relay and
 * a backup peer. All are disposed after the test.
 */
export const test = base.extend<{ profile: Profile, files: TestFiles, app: CairnApp, backup: BackupServers, phone: Profile, firefox: Profile }>({
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
  },
  /** A Chromium profile at a phone's size with touch (support/phone.ts). */
  phone: async ({}, use) => { // eslint-disable-line no-empty-pattern
    const profile = await launchPhoneProfile()
    await use(profile)
    await profile.dispose()
  },
  /** A Firefox profile (support/firefox.ts); specs that ask for it skip where no Firefox is found. */
  firefox: async ({}, use) => { // eslint-disable-line no-empty-pattern
    const profile = await launchFirefoxProfile()
    await use(profile)
    await profile.dispose()
  },
  backup: async ({}, use) => { // eslint-disable-line no-empty-pattern
    const relay = await startRelay()
    try {
      const peer = await startPeer({ relay: wsAddress(relay.ready.multiaddrs) })
      try {
        await use({ relay, peer })
      } finally {
        await peer.stop()
        removeDir(peer.dataDir)
      }
    } finally {
      await relay.stop()
      removeDir(relay.dir)
    }
  }
})
