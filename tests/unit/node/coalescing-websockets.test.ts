import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { COALESCE_MAX_BYTES, coalescingSocketClass, type CoalescingCounts, type WebSocketClass } from '../../bench/browser/proto-coalescing-websockets.ts'

/** A stand-in for the DOM WebSocket: records each message it is asked to send. */
class RecordingSocket {
  static readonly OPEN = 1
  readonly OPEN = 1
  readyState = 1
  sent: Array<string | Uint8Array> = []
  closed: { code?: number, reason?: string } | undefined
  /** What the real socket still holds unsent. */
  inner = 0

  constructor (readonly url: string | URL) {}

  send (data: string | Uint8Array): void {
    this.sent.push(typeof data === 'string' ? data : data.slice())
  }

  get bufferedAmount (): number {
    return this.inner
  }

  close (code?: number, reason?: string): void {
    this.closed = { code, reason }
    this.readyState = 3
  }
}

const counts: CoalescingCounts = { sends: 0, messages: 0 }
const Coalescing = coalescingSocketClass(RecordingSocket as unknown as WebSocketClass, counts)
const open = (): RecordingSocket => new Coalescing('ws://x') as unknown as RecordingSocket
const tick = async (): Promise<void> => { await new Promise((resolve) => setImmediate(resolve)) }
const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values)
const joined = (socket: RecordingSocket): number[] => socket.sent.flatMap((m) => [...(m as Uint8Array)])

describe('bench prototype: coalescing WebSocket sends', () => {
  it('sends one turn\'s pieces as one message, in order, and counts them as buffered until then', async () => {
    const socket = open()
    socket.send(bytes(1, 2))
    socket.send(bytes(3))
    socket.send(new Uint8Array(new Uint8Array([9, 4, 5, 9]).buffer, 1, 2))
    assert.equal(socket.sent.length, 0)
    assert.equal(socket.bufferedAmount, 5)
    socket.inner = 7
    assert.equal(socket.bufferedAmount, 12)
    await tick()
    assert.deepEqual(socket.sent, [bytes(1, 2, 3, 4, 5)])
    assert.equal(socket.bufferedAmount, 7)
    socket.send(bytes(6))
    await tick()
    assert.deepEqual(socket.sent, [bytes(1, 2, 3, 4, 5), bytes(6)])
  })

  it('never makes a message larger than the cap, and keeps every byte in order', async () => {
    const socket = open()
    const piece = 100 * 1024
    let value = 0
    for (let i = 0; i < 7; i++) socket.send(new Uint8Array(piece).map(() => (value++) & 0xff))
    await tick()
    assert.ok(socket.sent.length > 1)
    assert.ok(socket.sent.every((m) => m.length <= COALESCE_MAX_BYTES))
    const all = joined(socket)
    assert.equal(all.length, 7 * piece)
    assert.ok(all.every((b, i) => b === (i & 0xff)))
  })

  it('a piece larger than the cap goes alone, after what was held', async () => {
    const socket = open()
    socket.send(bytes(1))
    socket.send(new Uint8Array(COALESCE_MAX_BYTES + 1))
    await tick()
    assert.deepEqual(socket.sent.map((m) => m.length), [1, COALESCE_MAX_BYTES + 1])
  })

  it('close sends what is held first; text goes after the binary held before it', async () => {
    const socket = open()
    socket.send(bytes(1))
    socket.send('text' as unknown as Uint8Array)
    socket.send(bytes(2))
    socket.close(1000, 'bye')
    assert.deepEqual(socket.sent, [bytes(1), 'text', bytes(2)])
    assert.deepEqual(socket.closed, { code: 1000, reason: 'bye' })
    await tick()
    assert.equal(socket.sent.length, 3)
  })

  it('drops what is held when the socket closed underneath (as a closed socket drops sends)', async () => {
    const socket = open()
    socket.send(bytes(1))
    socket.readyState = 3
    await tick()
    assert.equal(socket.sent.length, 0)
    assert.equal(socket.bufferedAmount, 0)
  })

  it('takes the bytes at the call, as the DOM send does: a caller may reuse its buffer at once', async () => {
    const socket = open()
    const reused = bytes(1, 2, 3)
    socket.send(reused)
    reused.set([7, 8, 9])
    socket.send(reused.subarray(0, 1))
    reused.fill(0)
    await tick()
    assert.deepEqual(socket.sent, [bytes(1, 2, 3, 7)])
  })

  it('takes ArrayBuffers too, and counts sends and messages', async () => {
    const socket = open()
    const before = { ...counts }
    socket.send(bytes(1).buffer as unknown as Uint8Array)
    socket.send(bytes(2))
    socket.send(new Uint8Array(COALESCE_MAX_BYTES))
    await tick()
    assert.deepEqual(socket.sent.map((m) => m.length), [2, COALESCE_MAX_BYTES])
    assert.deepEqual({ sends: counts.sends - before.sends, messages: counts.messages - before.messages }, { sends: 3, messages: 2 })
  })
})
