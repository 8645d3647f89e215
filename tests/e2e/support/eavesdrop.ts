import type { Page } from '@playwright/test'

/**
 * Makes `page` (any page of the app's origin) record everything said on the
 * tabs' BroadcastChannel, as any same-origin page could; returns a reader of
 * what it heard, each message as JSON.
 */
export async function eavesdrop (page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const heard: string[] = []
    const channel = new BroadcastChannel('cairn-node')
    channel.onmessage = (ev) => { heard.push(JSON.stringify(ev.data)) }
    Object.assign(window, { heard })
  })
  return async () => await page.evaluate(() => (window as unknown as { heard: string[] }).heard)
}
