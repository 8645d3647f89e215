import { expect, type TestInfo } from '@playwright/test'
import type { XSession } from './xvfb-session.ts'
import type { XWindow } from './x-window-tree.ts'

/** A screenshot of the whole X screen, attached to the test report; returns its path. */
export async function attachScreenshot (session: XSession, info: TestInfo, name: string): Promise<string> {
  const path = info.outputPath(name)
  await session.screenshot(path)
  await info.attach(name, { path, contentType: 'image/png' })
  return path
}

/** Cairn's tray icon once trayer has embedded it (systray2's program names its window 'systray'). */
export async function cairnTrayIcon (session: XSession): Promise<XWindow> {
  let found: XWindow | undefined
  await expect.poll(async () => {
    found = (await session.trayIcons()).find(icon => icon.className === 'systray')
    return found !== undefined
  }, { message: "Cairn's icon is embedded in trayer" }).toBe(true)
  return found!
}
