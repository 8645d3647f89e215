import { expect, test } from '@playwright/test'
import { launchProfile } from './support/browser.ts'
import { startStorageHarness, suiteFailures, suiteReport, type StorageHarness } from './support/storage-harness.ts'

/**
 * The blockstore contract in real Chromium: the OPFS pack blockstore runs
 * inside a dedicated worker (sync access handles exist only there), served by
 * Vite's dev server from tests/browser/storage.
 */

let harness: StorageHarness
let baseUrl: string

test.beforeAll(async () => {
  harness = await startStorageHarness()
  baseUrl = harness.baseUrl
})

test.afterAll(async () => {
  await harness?.close()
})

test('the blockstore contract passes on OPFS pack files in a dedicated worker, and blocks outlive a reload', async () => {
  const profile = await launchProfile()
  try {
    const page = await profile.context.newPage()
    const errors: string[] = []
    page.on('pageerror', (err) => { errors.push(err.message) })
    await page.goto(`${baseUrl}/index.html?suite=blockstore`)

    const first = await suiteReport(page)
    for (const note of first.notes ?? []) console.log(note)
    expect(suiteFailures(first), 'failed cases').toEqual([])
    const names = (first.results ?? []).map((r) => r.name)
    // The whole contract ran, persistence and torn-tail cases included.
    expect(names.filter((n) => n.includes('blockstore contract')).length).toBeGreaterThanOrEqual(17)
    expect(names.some((n) => n.includes('torn journal tail'))).toBe(true)
    expect(names).toContain('first load: stores a block in the default OPFS location')

    await page.reload()
    const second = await suiteReport(page)
    expect(suiteFailures(second), 'failed cases after reload').toEqual([])
    expect((second.results ?? []).map((r) => r.name)).toContain('after reload: the block stored before the reload reads back')
    expect(errors).toEqual([])
  } finally {
    await profile.dispose()
  }
})
