import type { PairChannel } from '../../../core/protocols/pairing/pair-messages.ts'
import type { PairingLog } from '../../../core/protocols/pairing/ports.ts'

/** Shared set-up for the pairing tests (not a test file itself). */

export const PEER_A = '12D3KooWP23zkeSyAawVTDLKZ79xyr8PqYPGsa3qskpMsLv4snYi'
export const PEER_B = '12D3KooWDZS4Xc2veT7V3GW2NqkEYjMzuSsjhVgd2xkjmPJA3yeY'
export const PEER_M = '12D3KooWBDjwktxmeEzyGoz6FKny2Gy7edUM4dU6KYaVd1SuybxU'
export const ORIGIN = 'https://cairn.example'

/** A clock the test moves by hand. */
export class TestClock {
  constructor (public ms = 1_800_000_000_000) {}
  now = (): number => this.ms
  advance (ms: number): void { this.ms += ms }
}

export class MemoryLog implements PairingLog {
  readonly lines: string[] = []
  info = (message: string): void => { this.lines.push(`info ${message}`) }
  warn = (message: string): void => { this.lines.push(`warn ${message}`) }
}

/** One direction of an in-memory wire: messages pass as JSON text, as on a stream. */
class Queue {
  private readonly items: string[] = []
  private readonly waiters: Array<(item: string | undefined) => void> = []
  private closed = false
  push (value: unknown): void {
    if (this.closed) throw new Error('the stream is closed')
    const item = JSON.stringify(value)
    const waiter = this.waiters.shift()
    if (waiter !== undefined) waiter(item); else this.items.push(item)
  }

  close (): void {
    this.closed = true
    for (const waiter of this.waiters.splice(0)) waiter(undefined)
  }

  async shift (): Promise<unknown> {
    const item = this.items.shift() ?? (this.closed ? undefined : await new Promise<string | undefined>(resolve => this.waiters.push(resolve)))
    if (item === undefined) throw new Error('the stream ended')
    return JSON.parse(item)
  }
}

/** Rewrites a message passing in one direction (index counts messages in that direction). */
export type Tamper = (message: Record<string, unknown>, index: number) => Record<string, unknown>

/** Two ends of an in-memory duplex; `toA`/`toB` may rewrite messages on the way (a man in the middle). */
export function channelPair (tamper: { toA?: Tamper, toB?: Tamper } = {}): { a: PairChannel, b: PairChannel, close: () => void } {
  const toA = new Queue()
  const toB = new Queue()
  let sentToA = 0
  let sentToB = 0
  return {
    a: { read: async () => await toA.shift(), write: async (value) => { toB.push(tamper.toB?.(value as Record<string, unknown>, sentToB++) ?? value) } },
    b: { read: async () => await toB.shift(), write: async (value) => { toA.push(tamper.toA?.(value as Record<string, unknown>, sentToA++) ?? value) } },
    close: () => { toA.close(); toB.close() }
  }
}

/** The same bytes with one bit flipped, as base64url text. */
export function flipBit (b64u: string, fromBase64Url: (t: string) => Uint8Array | undefined, toBase64Url: (b: Uint8Array) => string): string {
  const bytes = fromBase64Url(b64u)
  if (bytes === undefined) throw new Error('not base64url')
  bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 1
  return toBase64Url(bytes)
}
