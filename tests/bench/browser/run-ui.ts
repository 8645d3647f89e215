import type { Page } from '@playwright/test'
import type { Results } from '../support/report.ts'
import type { Sample } from './protocol.ts'

export interface UiBenchOptions {
  /** Files in the folder (10,000 for the reported figure). */
  files: number
  reps: number
}

/** `--only ui`: the Files page of a folder of `files` entries, in the bench server's files-ui.html. */
export async function runUiBench (page: Page, serverUrl: string, results: Results, options: UiBenchOptions): Promise<void> {
  console.log(`ui: the Files page of a folder of ${options.files} files, ${options.reps} repetition(s)`)
  await page.goto(new URL('files-ui.html', serverUrl).toString())
  await page.waitForFunction(() => typeof (window as unknown as { runFilesUiBench?: unknown }).runFilesUiBench === 'function')
  const samples = await page.evaluate(async ({ files, reps }) => await (window as unknown as { runFilesUiBench: (n: number, r: number) => Promise<Sample[]> }).runFilesUiBench(files, reps), options)
  for (const sample of samples) results.add(sample)
}
