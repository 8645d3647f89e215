/**
 * Prototype plumbing: a stream of byte pieces between two workers over a
 * MessagePort, each piece's buffer transferred (not copied), with credit-based
 * backpressure so the sender never runs more than `window` pieces ahead.
 */

type PieceMessage = { type: 'piece', piece: Uint8Array } | { type: 'end' } | { type: 'error', message: string }
interface CreditMessage { type: 'credit', n: number }

/** Transfers `piece`'s buffer when the piece is all of it; copies otherwise (a view into a bigger buffer). */
function transferable (piece: Uint8Array): Uint8Array<ArrayBuffer> {
  const whole = piece.buffer instanceof ArrayBuffer && piece.byteOffset === 0 && piece.byteLength === piece.buffer.byteLength
  return whole ? piece as Uint8Array<ArrayBuffer> : piece.slice()
}

/** Sends every piece of `source`, then an end mark (or the error that stopped it). */
export async function sendPieces (port: MessagePort, source: AsyncIterable<Uint8Array>): Promise<void> {
  let credits = 0
  let wake: (() => void) | undefined
  port.onmessage = (ev: MessageEvent<CreditMessage>) => {
    credits += ev.data.n
    wake?.()
    wake = undefined
  }
  try {
    for await (const chunk of source) {
      while (credits === 0) await new Promise<void>((resolve) => { wake = resolve })
      credits--
      const piece = transferable(chunk)
      port.postMessage({ type: 'piece', piece } satisfies PieceMessage, [piece.buffer])
    }
    port.postMessage({ type: 'end' } satisfies PieceMessage)
  } catch (err) {
    port.postMessage({ type: 'error', message: String(err) } satisfies PieceMessage)
    throw err
  }
}

/** Receives the pieces `sendPieces` sends on the other end, `window` at most in flight. */
export async function * receivePieces (port: MessagePort, window = 8): AsyncGenerator<Uint8Array> {
  const queue: PieceMessage[] = []
  let wake: (() => void) | undefined
  port.onmessage = (ev: MessageEvent<PieceMessage>) => {
    queue.push(ev.data)
    wake?.()
    wake = undefined
  }
  port.postMessage({ type: 'credit', n: window } satisfies CreditMessage)
  try {
    for (;;) {
      while (queue.length === 0) await new Promise<void>((resolve) => { wake = resolve })
      const message = queue.shift() as PieceMessage
      if (message.type === 'end') return
      if (message.type === 'error') throw new Error(`sender failed: ${message.message}`)
      port.postMessage({ type: 'credit', n: 1 } satisfies CreditMessage)
      yield message.piece
    }
  } finally {
    port.close()
  }
}
