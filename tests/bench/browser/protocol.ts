import type { ReplicationPath, ReplicationTargets } from './replicate-device.ts'

/**
 * Messages of the benchmark: Node (run.ts) ↔ bench page ↔ bench worker.
 * Types only, so run.ts can import them without pulling in browser code.
 */

/** What to run; sent by run.ts through the page to the worker. */
export interface BenchOptions {
  /** Size of the test file in MiB (256 for the reported figures). */
  sizeMiB: number
  /** Repetitions of each measurement; figures are medians. */
  reps: number
  /** Also measure the pipeline's stages one by one (`stage.*` figures). */
  stages: boolean
  /** Set: run only the replication figures against this peer (`replicate.*`, `restore.browser`). */
  replication?: ReplicationTargets
}

/** One measured value of one repetition. */
export interface Sample {
  name: string
  value: number
  unit: string
}

/** Something the worker needs Node to do while it waits (CDP access to its own heap). */
export type HostRequest =
  | { op: 'gc', label: string }
  | { op: 'heap', label: string }
  | { op: 'peak-start', label: string }
  | { op: 'peak-stop', label: string }
  | { op: 'cpu-start', label: string }
  | { op: 'cpu-stop', label: string }
  | { op: 'load-start', label: string }
  | { op: 'load-stop', label: string }
  | { op: 'profile-start', label: string }
  | { op: 'profile-stop', label: string }
  /** One `replicate.node.<path>` repetition of `bytes`, run by the Node reference device in run.ts. */
  | { op: 'replicate-node', path: ReplicationPath, bytes: number }

/** Worker → page → Node. */
export type WorkerEvent =
  | { type: 'log', text: string }
  | { type: 'sample', sample: Sample }
  | { type: 'host', id: number, request: HostRequest }
  | { type: 'done' }
  | { type: 'error', message: string }

/** Page → worker. */
export type WorkerCommand =
  | { type: 'run', file: File, options: BenchOptions }
  | { type: 'host-reply', id: number }
