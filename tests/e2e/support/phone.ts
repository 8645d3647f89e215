import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from '@playwright/test'
import { chromiumLaunchOptions, type Profile } from './browser.ts'

/** A phone-sized screen: 390 × 844 CSS pixels, touch, a mobile viewport (as an iPhone 12–15). */
export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true } as const

/** A fresh persistent Chromium profile at a phone's size, like launchProfile() in browser.ts. */
export async function launchPhoneProfile (): Promise<Profile> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'cairn-phone-'))
  const context = await chromium.launchPersistentContext(userDataDir, {
    ...chromiumLaunchOptions(),
    acceptDownloads: true,
    ...PHONE
  })
  return {
    context,
    userDataDir,
    dispose: async () => {
      await context.close().catch(() => {})
      rmSync(userDataDir, { recursive: true, force: true })
    }
  }
}
