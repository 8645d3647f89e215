import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from './support/fixtures.ts'
import { CairnApp } from './support/cairn-app.ts'
import { startDesktopApp } from './support/desktop-app.ts'
import { TestFiles } from './support/test-files.ts'

/** Every file under `dir`, recursively. */
function filesUnder (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const path = join(dir, entry.name)
    return entry.isDirectory() ? filesUnder(path) : entry.isFile() ? [path] : []
  })
}

test('the desktop app: its window creates a vault and uploads a file that lands on the daemon\'s disk, encrypted', async () => {
  const files = new TestFiles()
  const desktop = await startDesktopApp()
  try {
    const { page } = await desktop.windowPage()
    const app = new CairnApp(page)
    // The window's page talks to the daemon: no node worker, no service worker.
    await expect(page.locator('meta[name="cairn-host"]')).toHaveAttribute('content', 'desktop')
    await app.createVault('correct horse battery staple 42')
    const file = files.make('desktop-report.bin', 3 * 1024 * 1024)
    await app.addFiles([file.path])
    await app.expectListed([file.name])
    expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length)).toBe(0)

    // On the daemon's disk: the vault's blocks and datastore, and not one copy of the file's marker or name.
    const stored = filesUnder(join(desktop.dataDir, 'vault'))
    const bytes = stored.reduce((sum, path) => sum + statSync(path).size, 0)
    expect(bytes).toBeGreaterThan(file.size)
    for (const path of filesUnder(desktop.dataDir).filter(p => !p.includes('window-profile'))) {
      const content = readFileSync(path)
      expect(content.includes(files.marker), `plaintext in ${path}`).toBe(false)
      expect(content.includes(Buffer.from(file.name)), `the file name in ${path}`).toBe(false)
    }
    // Downloaded through the daemon, it is the same file.
    expect(await app.downloadSha256(file.name)).toBe(file.sha256)

    // Settings → the desktop's network access: loopback only until the user says otherwise, applied at the next start.
    await app.goTo('Settings')
    const accept = page.getByRole('checkbox', { name: 'Accept connections from my network' })
    await expect(accept).not.toBeChecked()
    await accept.check()
    await expect(page.getByRole('status').filter({ hasText: 'next time Cairn starts' })).toBeVisible()
    expect(JSON.parse(readFileSync(join(desktop.dataDir, 'desktop.json'), 'utf8')).listenNetwork).toBe(true)
  } finally {
    await desktop.dispose()
    files.dispose()
  }
})
