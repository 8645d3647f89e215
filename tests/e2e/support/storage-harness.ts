import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createServer, type ViteDevServer } from 'vite'
import type { Page } from '@playwright/test'

/**
 * The storage suites' browser harness: Vite's dev server over
 * tests/browser/storage, whose page runs a suite in a dedicated worker and
 * leaves a report on `globalThis.cairnStorageReport`.
 */

const REPO = resolve(import.meta.dirname, '../../..')

export interface CaseResult { name: string, ok: boolean, error?: string, ms: number }
export interface SuiteReport { suite: string, results?: CaseResult[], notes?: string[], crashed?: string }

export interface StorageHarness {
  baseUrl: string
  close: () => Promise<void>
}

export async function startStorageHarness (): Promise<StorageHarness> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'cairn-vite-'))
  const server: ViteDevServer = await createServer({
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
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    close: async () => {
      await server.close()
      rmSync(cacheDir, { recursive: true, force: true })
    }
  }
}

/** Waits for the page's suite report and clears it, so a reload reports afresh. */
export async function suiteReport (page: Page): Promise<SuiteReport> {
  const handle = await page.waitForFunction(() => (globalThis as { cairnStorageReport?: unknown }).cairnStorageReport, null, { timeout: 150_000 })
  const value = await handle.jsonValue() as SuiteReport
  await page.evaluate(() => { delete (globalThis as { cairnStorageReport?: unknown }).cairnStorageReport })
  return value
}

/** The failed cases of a report, as readable lines (empty when all passed). */
export function suiteFailures (suite: SuiteReport): string[] {
  if (suite.crashed !== undefined) return [`worker crashed: ${suite.crashed}`]
  return (suite.results ?? []).filter((r) => !r.ok).map((r) => `${r.name}: ${r.error ?? 'failed'}`)
}
