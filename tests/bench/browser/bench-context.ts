import type { HostRequest, Sample } from './protocol.ts'

/** What a measurement can do besides measuring: report, and ask Node for heap figures. */
export interface BenchContext {
  /** A progress line for the console of `npm run bench`. */
  log: (text: string) => void
  /** Records one repetition's value of a figure. */
  sample: (sample: Sample) => void
  /** Asks run.ts to do something (read this worker's heap over CDP) and waits until it has. */
  host: (request: HostRequest) => Promise<void>
}

/** MB/s with MB = 10^6 bytes. */
export function mbPerSecond (bytes: number, ms: number): number {
  return bytes / 1e6 / (ms / 1000)
}

/** Runs `work` and returns its result and how long it took, in ms. */
export async function timed<T> (work: () => Promise<T>): Promise<{ result: T, ms: number }> {
  const start = performance.now()
  const result = await work()
  return { result, ms: performance.now() - start }
}

/** Reads a stream to its end; returns how many bytes it gave. */
export async function drain (stream: ReadableStream<Uint8Array>): Promise<number> {
  let bytes = 0
  for await (const chunk of stream) bytes += chunk.byteLength
  return bytes
}
