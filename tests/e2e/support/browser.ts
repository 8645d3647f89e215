import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type BrowserContextOptions, type LaunchOptions } from '@playwright/test'

export const DEBIAN_CHROMIUM = '/usr/bin/chromium'

/** Flags that keep Chromium quiet on a closed network (no Google lookups, no updates). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
]

/** Launch options: Debian's Chromium when installed, Playwright's own browser otherwise. */
export function chromiumLaunchOptions (extraArgs: string[] = []): LaunchOptions {
  const executablePath = process.env.CAIRN_CHROMIUM ?? (existsSync(DEBIAN_CHROMIUM) ? DEBIAN_CHROMIUM : undefined)
  return {
    ...(executablePath !== undefined ? { executablePath } : {}),
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs]
  }
}

export interface Profile {
  context: BrowserContext
  userDataDir: string
  /** Closes the browser and deletes the profile directory. */
  dispose: () => Promise<void>
}

/**
 * A fresh persistent profile: one "device". Persistent (not incognito) so OPFS,
 * IndexedDB and the service worker survive reloads as they do for a user.
 */
export async function launchProfile (options: { userDataDir?: string, extraArgs?: string[], acceptDownloads?: boolean, device?: Pick<BrowserContextOptions, 'viewport' | 'isMobile' | 'hasTouch' | 'deviceScaleFactor' | 'userAgent'> } = {}): Promise<Profile> {
  const userDataDir = options.userDataDir ?? mkdtempSync(join(tmpdir(), 'cairn-profile-'))
  const context = await chromium.launchPersistentContext(userDataDir, {
    ...chromiumLaunchOptions(options.extraArgs),
    acceptDownloads: options.acceptDownloads ?? true,
    viewport: { width: 1280, height: 860 },
    // A phone-sized "device" (tests/e2e/phone-layout.spec.ts): its viewport, touch and mobile meta viewport.
    ...options.device
  })
  return profileOf(context, userDataDir, options.userDataDir === undefined)
}

/** A launched context as a Profile; `ownsDir` when the profile directory was made for it (deleted on dispose). */
export function profileOf (context: BrowserContext, userDataDir: string, ownsDir: boolean): Profile {
  return {
    context,
    userDataDir,
    dispose: async () => {
      await context.close().catch(() => {})
      if (ownsDir) rmSync(userDataDir, { recursive: true, force: true })
    }
  }
}
