/**
 * A server's stdout and stderr may go away while it runs: `cairn-peer | tee`
 * whose tee exits, a log shipper that restarts. Writing to such a pipe makes
 * Node emit an `error` event (EPIPE) on the stream; unhandled, that is an
 * uncaught exception, and a process that logs its uncaught exceptions to the
 * same stream loops on it at full CPU while the unwritten lines pile up in
 * memory. The relay and the peer both write through here instead: the first
 * error on a stream marks it closed, and from then on lines to it are
 * dropped. A stream whose reader is alive but slow gets no more than
 * MAX_BUFFERED_BYTES queued; the rest is dropped, not held.
 */

/** Unwritten bytes allowed to queue on one stream before lines are dropped. */
export const MAX_BUFFERED_BYTES = 4 * 2 ** 20

type Output = NodeJS.WritableStream & { writableLength?: number, destroyed?: boolean }

const closed = new WeakSet<Output>()
const guarded = new WeakSet<Output>()

/** Makes `stream` safe to write after its reader went away (idempotent). */
export function guardOutput (stream: Output): void {
  if (guarded.has(stream)) return
  guarded.add(stream)
  stream.on('error', () => { closed.add(stream) })
}

/** Writes `text` to `stream` unless it has gone away or is backed up; never throws, never loops. */
export function safeWrite (stream: Output, text: string): void {
  guardOutput(stream)
  if (closed.has(stream) || stream.destroyed === true || stream.writable === false) return
  if ((stream.writableLength ?? 0) > MAX_BUFFERED_BYTES) return
  try {
    stream.write(text)
  } catch {
    closed.add(stream)
  }
}

/** Guards the process's own stdout and stderr; call first thing in a server's main. */
export function guardProcessOutput (): void {
  guardOutput(process.stdout)
  guardOutput(process.stderr)
}
