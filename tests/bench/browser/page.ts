import type { BenchOptions, HostRequest, WorkerCommand, WorkerEvent } from './protocol.ts'

/**
 * The bench page: builds the test file (as a user's File, before any timing),
 * starts the bench worker and relays between it and run.ts, which drives
 * the page over raw CDP (support/bench-page.ts): the page calls the binding
 * `__benchCall` with a JSON `PageCall`, and run.ts answers a host request by
 * calling `__benchReply`.
 */

interface BenchGlobals {
  __benchCall: (payload: string) => void
  __benchReply: (id: number, error: string | null) => void
  cairnBench: { run: (options: BenchOptions) => Promise<void> }
}

// Written against globals that pages and workers share, so it type-checks with
// the WebWorker lib like the rest of tests/bench/browser (sw/tsconfig.json).
const host = globalThis as unknown as typeof globalThis & BenchGlobals

const pendingHost = new Map<number, { resolve: () => void, reject: (err: Error) => void }>()
let nextHostCall = 1
host.__benchReply = (id, error) => {
  const entry = pendingHost.get(id)
  pendingHost.delete(id)
  if (error === null) entry?.resolve()
  else entry?.reject(new Error(error))
}

/** Asks run.ts to do something outside the page (GC, CPU windows, a Node replication); resolves when it is done. */
async function askHost (request: HostRequest): Promise<void> {
  const id = nextHostCall++
  await new Promise<void>((resolve, reject) => {
    pendingHost.set(id, { resolve, reject })
    host.__benchCall(JSON.stringify({ kind: 'host', id, request }))
  })
}

function report (event: WorkerEvent): void {
  host.__benchCall(JSON.stringify({ kind: 'report', event }))
}

/** Random bytes filled in 64 KiB pieces (the most `getRandomValues` gives at once). */
function randomFile (size: number): File {
  const piece = 64 * 1024
  const parts: Uint8Array<ArrayBuffer>[] = []
  for (let off = 0; off < size; off += piece) {
    parts.push(globalThis.crypto.getRandomValues(new Uint8Array(Math.min(piece, size - off))))
  }
  return new File(parts, 'bench.bin', { type: 'application/octet-stream' })
}

async function run (options: BenchOptions): Promise<void> {
  const file = randomFile(options.sizeMiB * 1024 * 1024)
  const worker = new Worker(new URL('./bench-worker.ts', import.meta.url), { type: 'module', name: 'cairn-bench' })
  const send = (command: WorkerCommand): void => { worker.postMessage(command) }
  await new Promise<void>((resolve, reject) => {
    worker.onerror = (ev) => { reject(new Error(`bench worker failed: ${ev.message}`)) }
    worker.onmessage = (ev: MessageEvent<WorkerEvent>) => {
      const event = ev.data
      if (event.type === 'host') {
        askHost(event.request).then(() => { send({ type: 'host-reply', id: event.id }) }, reject)
        return
      }
      report(event)
      if (event.type === 'done') resolve()
      if (event.type === 'error') reject(new Error(event.message))
    }
    send({ type: 'run', file, options })
  }).finally(() => { worker.terminate() })
}

host.cairnBench = { run }
