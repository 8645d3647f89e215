/// <reference lib="webworker" />
import type { BenchContext } from './bench-context.ts'
import type { HostRequest, WorkerCommand, WorkerEvent } from './protocol.ts'
import { runSuite } from './suite.ts'
import { runReplicationSuite } from './suite-replication.ts'

declare const self: DedicatedWorkerGlobalScope

/**
 * The bench worker: a dedicated worker, like Cairn's node worker, because
 * OPFS sync access handles exist only there (DESIGN §2).
 */

const replies = new Map<number, () => void>()
let nextId = 0

function emit (event: WorkerEvent): void {
  self.postMessage(event)
}

const context: BenchContext = {
  log: (text) => { emit({ type: 'log', text }) },
  sample: (sample) => { emit({ type: 'sample', sample }) },
  host: async (request: HostRequest) => {
    const id = nextId++
    await new Promise<void>((resolve) => {
      replies.set(id, resolve)
      emit({ type: 'host', id, request })
    })
  }
}

self.onmessage = (ev: MessageEvent<WorkerCommand>) => {
  const command = ev.data
  if (command.type === 'host-reply') {
    replies.get(command.id)?.()
    replies.delete(command.id)
    return
  }
  const { file, options } = command
  const run = options.replication !== undefined
    ? runReplicationSuite(file, options, options.replication, context)
    : runSuite(file, options, context)
  run.then(
    () => { emit({ type: 'done' }) },
    (err: unknown) => { emit({ type: 'error', message: err instanceof Error ? `${err.name}: ${err.message}\n${err.stack ?? ''}` : String(err) }) }
  )
}
