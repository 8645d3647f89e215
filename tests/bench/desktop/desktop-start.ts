import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { VaultService } from '../../../core/vault/vault-service.ts'
import { openDesktopStores } from '../../../desktop/daemon/desktop-stores.ts'
import { desktopTagHasher } from '../../../desktop/daemon/node-host.ts'
import { startDesktopApp } from '../../e2e/support/desktop-app.ts'
import type { Results } from '../support/report.ts'

/**
 * `desktop.start` (s; goal ≤ 2 s): from launching `cairn-desktop` (the real
 * launcher, desktop/bin/cairn-desktop.js, as a child process) to the app
 * window's file list on an unlocked vault. The vault (with one file) is made
 * before, on the same data folder with the desktop's stores; a restarted app
 * starts locked, so the clock runs through the unlock: the window shows the
 * unlock screen, the passphrase is typed (Playwright, over the window's
 * DevTools port, as tests/e2e/support/desktop-app.ts attaches) and the file's
 * row appears. Stages: `desktop.start.unlock_screen` (launch → the unlock
 * button is shown: process start, node start, window, page, first RPC) and
 * `desktop.start.unlock` (Unlock pressed → the row: Argon2id by design, then
 * the index). The window is headless Chromium, as in the e2e tests.
 */

const DIST_DIR = fileURLToPath(new URL('../../../dist', import.meta.url))
const PASSPHRASE = 'a long and quiet bench passphrase'
const FILE_NAME = 'start-bench.txt'

/** A vault with one file on `dataDir`, made with the desktop's stores and then closed. */
export async function makeVault (dataDir: string): Promise<void> {
  const log = new LogBuffer().for('bench')
  const stores = await openDesktopStores(dataDir, log)
  const vault = new VaultService(
    { blockstore: stores.blockstore, datastore: stores.datastore, hashTag: desktopTagHasher, log, deviceId: '12D3KooWDesktopStartBench' },
    { onStatus: () => {}, onFilesChanged: () => {} }
  )
  try {
    await vault.start()
    await vault.create(PASSPHRASE)
    await vault.files().add({ file: new Blob(['hello from the bench']), path: FILE_NAME, mtime: Date.now(), type: 'text/plain' })
  } finally {
    await vault.stop()
    await stores.stop()
  }
}

export async function measureDesktopStart (results: Results, reps: number): Promise<void> {
  if (!existsSync(join(DIST_DIR, 'index.html'))) {
    console.log('- desktop.start: not measured: the app is not built (npm run build)')
    return
  }
  for (let rep = 0; rep < reps; rep++) {
    const dataDir = mkdtempSync(join(tmpdir(), 'cairn-bench-start-'))
    try {
      await makeVault(dataDir)
      const start = performance.now()
      const app = await startDesktopApp({ dataDir })
      try {
        const { page } = await app.windowPage()
        const unlock = page.getByRole('button', { name: 'Unlock' })
        await unlock.waitFor({ timeout: 60_000 })
        const shown = performance.now()
        await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE)
        const pressed = performance.now()
        await unlock.click()
        await page.getByRole('row').filter({ hasText: FILE_NAME }).first().waitFor({ timeout: 60_000 })
        const listed = performance.now()
        const total = (listed - start) / 1000
        results.add({ name: 'desktop.start', value: total, unit: 's' })
        results.add({ name: 'desktop.start.unlock_screen', value: (shown - start) / 1000, unit: 's' })
        results.add({ name: 'desktop.start.unlock', value: (listed - pressed) / 1000, unit: 's' })
        console.log(`  desktop.start: ${total.toFixed(2)} s (unlock screen after ${((shown - start) / 1000).toFixed(2)} s, unlock to the file list ${((listed - pressed) / 1000).toFixed(2)} s)`)
      } finally {
        await app.dispose()
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
}
