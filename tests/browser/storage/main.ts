/**
 * Page side of the browser storage tests: starts the worker the `suite`
 * query parameter names and leaves its report on `globalThis` for the
 * Playwright spec. (OPFS sync access handles exist only in dedicated workers.)
 */
import type { SuiteReport } from './harness.ts'

interface ReportSlot { cairnStorageReport?: SuiteReport | { suite: string, crashed: string } }

const suite = new URLSearchParams(location.search).get('suite')
const worker = suite === 'datastore'
  ? new Worker(new URL('./datastore-worker.ts', import.meta.url), { type: 'module' })
  : suite === 'folders'
    ? new Worker(new URL('./folder-source-worker.ts', import.meta.url), { type: 'module' })
    : new Worker(new URL('./blockstore-worker.ts', import.meta.url), { type: 'module' })

worker.onmessage = (event: MessageEvent<SuiteReport>) => {
  (globalThis as ReportSlot).cairnStorageReport = event.data
}
worker.onerror = (event) => {
  (globalThis as ReportSlot).cairnStorageReport = { suite: suite ?? 'blockstore', crashed: event.message }
}
