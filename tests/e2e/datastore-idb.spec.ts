import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { createServer, type ViteDevServer } from 'vite'
import { launchProfile } from './support/browser.ts'

/**
 * The IndexedDB datastore in real Chromium, inside a dedicated worker (where
 * the node lives), served by Vite's dev server from tests/browser/storage.
 */

const REPO = resolve(import.meta.dirname, '../..')

interface CaseResult { name: string, ok: boolean, error?: string, ms: number }
interface SuiteReport { suite: string, results?: CaseResult[], notes?: string[], crashed?: string }

let server: ViteDevServer
let baseUrl: string
let cacheDir: string

test.beforeAll(async () => {
  cacheDir = mkdtempSync(join(tmpdir(), 'cairn-vite-'))
  server = await createServer({
    configFile: false,
    root: join(REPO, 'tests/browser/storage'),
    cacheDir,
    logLevel: 'warn',
    server: { host: '127.0.0.1', port: 0, strictPort: false, fs: { allow: [REPO] }, hmr: false },
    // No dependency discovery at runtime: a late re-optimisation reloads the page mid-test.
    optimizeDeps: { noDiscovery: true, include: [] }
  })
  await server.listen()
  const address = server.httpServer?.address()
  if (address === null || address === undefined || typeof address === 'string') throw new Error('vite did not listen on a port')
  baseUrl = `http://127.0.0.1:${address.port}`
})

test.afterAll(async () => {
  await server?.close()
  rmSync(cacheDir, { recursive: true, force: true })
})

async function report (page: Page): Promise<SuiteReport> {
  const handle = await page.waitForFunction(() => (globalThis as { cairnStorageReport?: unknown }).cairnStorageReport, null, { timeout: 150_000 })
  const value = await handle.jsonValue() as SuiteReport
  await page.evaluate(() => { delete (globalThis as { cairnStorageReport?: unknown }).cairnStorageReport })
  return value
}

function failures (suite: SuiteReport): string[] {
  if (suite.crashed !== undefined) return [`worker crashed: ${suite.crashed}`]
  return (suite.results ?? []).filter((r) => !r.ok).map((r) => `${r.name}: ${r.error ?? 'failed'}`)
}

test('the IndexedDB datastore stores, queries and deletes records in a worker, and they outlive a reload', async () => {
  const profile = await launchProfile()
  try {
    const page = await profile.context.newPage()
    const errors: string[] = []
    page.on('pageerror', (err) => { errors.push(err.message) })
    await page.goto(`${baseUrl}/index.html?suite=datastore`)

    const first = await report(page)
    expect(first.suite).toBe('datastore')
    expect(failures(first), 'failed checks').toEqual([])
    expect((first.results ?? []).length).toBe(4)

    await page.reload()
    const second = await report(page)
    expect(second.suite).toBe('datastore-after-reload')
    expect(failures(second), 'failed checks after reload').toEqual([])
    expect((second.results ?? []).length).toBe(1)
    expect(errors).toEqual([])
  } finally {
    await profile.dispose()
  }
})
