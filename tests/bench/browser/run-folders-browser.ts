import type { Page } from '@playwright/test'
import type { Results } from '../support/report.ts'
import type { FolderBrowserOptions } from './folders-worker.ts'
import type { Sample } from './protocol.ts'

/** `--only folders-browser`: the first scan and no-change rescans of an OPFS folder in Chromium (folders.html). */
export async function runFolderBrowserBench (page: Page, serverUrl: string, results: Results, options: FolderBrowserOptions): Promise<void> {
  console.log(`folders-browser: ${options.files} small files in OPFS, the FS Access adapter, ${options.vault === 'real' ? 'a real vault' : 'the in-memory vault stand-in'}; ${options.reps} rescan(s)`)
  await page.goto(new URL('folders.html', serverUrl).toString())
  await page.waitForFunction(() => typeof (window as unknown as { runFolderSyncBench?: unknown }).runFolderSyncBench === 'function')
  const samples = await page.evaluate(async (o) => await (window as unknown as { runFolderSyncBench: (o: FolderBrowserOptions) => Promise<Sample[]> }).runFolderSyncBench(o), options)
  for (const sample of samples) results.add(sample)
}
