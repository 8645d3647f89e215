/// <reference types="vite/client" />
import { render } from 'preact'
import { ModelsContext } from '../../../web/app-context.ts'
import { createAppModels } from '../../../web/models/app-models.ts'
import { memoryHashLocation } from '../../../web/lib/hash-location.ts'
import { FilesPage } from '../../../web/pages/files/files-page.tsx'
import type { FileInfo } from '../../../core/rpc/api.ts'
import type { Sample } from './protocol.ts'
import '../../../web/styles.css'

/**
 * `ui.files.render.10k`: the real FilesPage (web/pages/files/) with the
 * app's real models over a stub node that lists a folder of `count` files.
 * Times navigating into that folder until its rows are painted: go() to the
 * second animation frame after the first row is in the page (the frame that
 * paints it has then run). Run by tests/bench/run.ts (`--only ui`).
 */
declare global {
  interface Window { runFilesUiBench: (count: number, reps: number) => Promise<Sample[]> }
}

const FOLDER = 'big folder'

function listing (count: number): FileInfo[] {
  const files: FileInfo[] = [{ fileId: 'top', path: 'readme.txt', size: 10, mtime: 1, type: 'text/plain', cid: 'c' }]
  for (let i = 0; i < count; i++) {
    files.push({ fileId: `f${i}`, path: `${FOLDER}/photo ${i}.jpg`, size: 1000 + i, mtime: 1_700_000_000_000 + i, type: 'image/jpeg', cid: 'c' })
  }
  return files
}

const frame = async (): Promise<void> => { await new Promise<void>((resolve) => { requestAnimationFrame(() => { resolve() }) }) }

async function until (check: () => boolean): Promise<void> {
  while (!check()) await frame()
}

window.runFilesUiBench = async (count, reps) => {
  const files = listing(count)
  const client = {
    call: async (method: string) => {
      if (method === 'files.list') return files
      if (method === 'folders.list') return []
      if (method === 'files.locations') return {}
      throw Object.assign(new Error(method), { code: 'RPC_UNKNOWN_METHOD' })
    },
    on: () => () => {}
  }
  // A stub node: only the calls the Files page makes are answered.
  const models = createAppModels({ client: client as unknown as Parameters<typeof createAppModels>[0]['client'], storage: undefined, location: memoryHashLocation('#/files') })
  await models.files.refresh()
  const root = document.getElementById('app') as HTMLElement
  render(<ModelsContext.Provider value={models}><FilesPage /></ModelsContext.Provider>, root)
  await until(() => document.querySelector('tr.browse-row') !== null)
  const samples: Sample[] = []
  for (let rep = 0; rep < reps; rep++) {
    models.files.browse.go('')
    await until(() => document.querySelector(`tr.browse-row button[title="${FOLDER}"]`) !== null)
    await frame()
    const start = performance.now()
    models.files.browse.go(FOLDER)
    await until(() => document.querySelector(`tr.browse-row button[title="${FOLDER}/photo 0.jpg"]`) !== null)
    await frame()
    await frame()
    samples.push({ name: `ui.files.render.${count >= 1000 ? `${count / 1000}k` : count}`, value: performance.now() - start, unit: 'ms' })
    samples.push({ name: 'ui.files.rows_in_page', value: document.querySelectorAll('tr.browse-row').length, unit: 'rows' })
  }
  return samples
}
