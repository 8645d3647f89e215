import { expect, test } from '@playwright/test'
import { launchProfile } from './support/browser.ts'
import { startStorageHarness, suiteFailures, suiteReport, type StorageHarness } from './support/storage-harness.ts'

/**
 * The IndexedDB datastore in real Chromium, inside a dedicated worker (where
 * the node lives), served by Vite's dev server from tests/browser/storage.
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

test('the IndexedDB datastore stores, queries and deletes records in a worker, and they outlive a reload', async () => {
  const profile = await launchProfile()
  try {
    const page = await profile.context.newPage()
    const errors: string[] = []
    page.on('pageerror', (err) => { errors.push(err.message) })
    await page.goto(`${baseUrl}/index.html?suite=datastore`)

    const first = await suiteReport(page)
    expect(first.suite).toBe('datastore')
    expect(suiteFailures(first), 'failed checks').toEqual([])
    expect((first.results ?? []).length).toBe(4)

    await page.reload()
    const second = await suiteReport(page)
    expect(second.suite).toBe('datastore-after-reload')
    expect(suiteFailures(second), 'failed checks after reload').toEqual([])
    expect((second.results ?? []).length).toBe(2)
    expect(errors).toEqual([])
  } finally {
    await profile.dispose()
  }
})
