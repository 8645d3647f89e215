import type { FolderBrowserOptions } from './folders-worker.ts'
import type { Sample } from './protocol.ts'

/** The folder sync bench page: runs folders-worker.ts (a dedicated worker, like the node worker) and hands back its samples. */
async function runFolderSyncBench (options: FolderBrowserOptions): Promise<Sample[]> {
  const worker = new Worker(new URL('./folders-worker.ts', import.meta.url), { type: 'module', name: 'cairn-bench-folders' })
  try {
    return await new Promise<Sample[]>((resolve, reject) => {
      worker.onerror = (ev) => { reject(new Error(`folder bench worker failed: ${ev.message}`)) }
      worker.onmessage = (ev: MessageEvent<{ samples?: Sample[], error?: string }>) => {
        if (ev.data.samples !== undefined) resolve(ev.data.samples)
        else reject(new Error(ev.data.error ?? 'the folder bench failed'))
      }
      worker.postMessage(options)
    })
  } finally {
    worker.terminate()
  }
}

(globalThis as unknown as { runFolderSyncBench: typeof runFolderSyncBench }).runFolderSyncBench = runFolderSyncBench
