import { expect, test } from './support/fixtures.ts'
import { removeDir, startRelay, wsAddress } from './support/backup-servers.ts'
import type { Page } from '@playwright/test'

// Windows between a phone and a wide screen (a half-screen window, a tablet):
// every page stays reachable from the top bar, and the Peers table's buttons
// stay inside their card. Before, the top bar scrolled sideways and hid Logs
// at 1000 px and five pages at 641 px, and Disconnect was cut off at 1280 px.

const WIDTHS = [1280, 1000, 800, 700, 641] as const
const PAGES = ['Files', 'Trash', 'Sync', 'Shares', 'Backup', 'Devices', 'Peers', 'Dashboard', 'Settings', 'Logs'] as const

/** Whether the element lies wholly inside the box of its nearest ancestor matching `within` and inside the window. */
async function whollyInside (page: Page, selector: string, within: string): Promise<Array<{ what: string, inside: boolean }>> {
  return await page.locator(selector).evaluateAll((elements, container) => elements.map((el) => {
    const box = el.getBoundingClientRect()
    const outer = (el.closest(container) ?? document.documentElement).getBoundingClientRect()
    const inside = box.left >= outer.left - 1 && box.right <= outer.right + 1 && box.right <= window.innerWidth + 1 && box.width > 0
    return { what: (el.textContent ?? '').trim(), inside }
  }), within)
}

test('at window widths from 1280 to 641 px every page is in the top bar and the Peers table fits its card', async ({ app }) => {
  const relay = await startRelay()
  try {
    await app.open()
    await app.createVault('half a screen is plenty')
    await app.goTo('Settings')
    await app.page.getByLabel('Relay addresses').fill(wsAddress(relay.ready.multiaddrs))
    await app.page.getByRole('button', { name: 'Save relays' }).click()
    await app.goTo('Peers')
    const page = app.page
    const relayRow = page.getByRole('row').filter({ hasText: relay.ready.peerId.slice(-6) })
    await expect(relayRow.getByRole('button', { name: 'Disconnect' })).toBeVisible({ timeout: 30_000 })

    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 })
      const nav = page.getByRole('navigation', { name: 'Main' })
      await expect(nav).toBeVisible()
      const links = await whollyInside(page, 'nav[aria-label="Main"] a', 'nav')
      expect(links.map((link) => link.what), `the top bar's pages at ${width} px`).toEqual([...PAGES])
      expect(links.filter((link) => !link.inside).map((link) => link.what), `pages cut off at ${width} px`).toEqual([])

      const buttons = await whollyInside(page, '.table-scroll button', '.table-scroll')
      expect(buttons.map((button) => button.what), `the Peers table's buttons at ${width} px`).toEqual(['Ping', 'Disconnect'])
      expect(buttons.filter((button) => !button.inside).map((button) => button.what), `buttons cut off at ${width} px`).toEqual([])
      const sideways = await page.evaluate(() => {
        const root = document.scrollingElement ?? document.documentElement
        const table = document.querySelector('.table-scroll')
        return root.scrollWidth > root.clientWidth + 1 || (table !== null && table.scrollWidth > table.clientWidth + 1)
      })
      expect(sideways, `something scrolls sideways at ${width} px`).toBe(false)
    }

    // The pages are still reached from a wrapped bar.
    await page.setViewportSize({ width: 700, height: 900 })
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Logs' }).click()
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Logs')
  } finally {
    await relay.stop()
    removeDir(relay.dir)
  }
})
