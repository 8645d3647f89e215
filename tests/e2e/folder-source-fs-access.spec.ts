import { expect, test } from '@playwright/test'
import { launchProfile } from './support/browser.ts'
import { startStorageHarness, suiteFailures, suiteReport, type StorageHarness } from './support/storage-harness.ts'

/**
 * The FolderSource contract in real Chromium: the FS Access adapter runs in a
 * dedicated worker (where the node runs) on OPFS directory handles, which the
 * app walks, reads and writes exactly as folders the user picked (DESIGN §9).
 */

let harness: StorageHarness

test.beforeAll(async () => {
  harness = await startStorageHarness()
})

test.afterAll(async () => {
  await harness?.close()
})

test('the folder source contract passes on the FS Access adapter in a worker', async () => {
  const profile = await launchProfile()
  try {
    const page = await profile.context.newPage()
    const errors: string[] = []
    page.on('pageerror', (err) => { errors.push(err.message) })
    await page.goto(`${harness.baseUrl}/index.html?suite=folders`)
    const report = await suiteReport(page)
    for (const note of report.notes ?? []) console.log(note)
    expect(suiteFailures(report), 'failed cases').toEqual([])
    expect((report.results ?? []).filter(r => r.name.includes('folder source contract')).length).toBe(12)
    expect(errors).toEqual([])
  } finally {
    await profile.dispose()
  }
})
