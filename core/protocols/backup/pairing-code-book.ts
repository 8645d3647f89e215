import { codeKey, encodeRecord, type PairingCodeRecord } from './peer-store.ts'
import { systemClock, type Clock } from '../../clock.ts'
import { formatPairingCode, generatePairingCode, normalizePairingCode } from './pairing.ts'
import type { Datastore } from 'interface-datastore'

export interface PairingCodeBookInit {
  /** How long a code pairs after it was made (ms). */
  ttlMs: number
  /** The clock (ms since epoch); tests inject one. */
  now?: Clock
}

/**
 * The peer's unused one-time pairing codes: in memory, written through to
 * the datastore. A code pairs only within `ttlMs` of being made (a code
 * printed at start and left on a screen does not stay good for ever);
 * expired codes are forgotten as they are met.
 */
export class PairingCodeBook {
  private readonly codes = new Map<string, PairingCodeRecord>()
  private readonly now: Clock

  constructor (private readonly datastore: Datastore, private readonly init: PairingCodeBookInit) {
    this.now = init.now ?? systemClock
  }

  load (codes: Map<string, PairingCodeRecord>): void {
    this.codes.clear()
    for (const [code, record] of codes) this.codes.set(code, record)
  }

  /** Makes, stores and returns a new code (formatted). */
  async create (): Promise<string> {
    await this.dropExpired()
    const code = generatePairingCode()
    const record = { createdAt: this.now() }
    await this.datastore.put(codeKey(code), encodeRecord(record))
    this.codes.set(code, record)
    return formatPairingCode(code)
  }

  /** Codes still good, formatted, oldest first. */
  list (): string[] {
    return [...this.codes].filter(([, record]) => this.live(record)).map(([code]) => formatPairingCode(code))
  }

  /** The canonical code when `typed` is an unused code still within its time, else undefined. */
  match (typed: string): string | undefined {
    const code = normalizePairingCode(typed)
    if (code === undefined) return undefined
    const record = this.codes.get(code)
    return record !== undefined && this.live(record) ? code : undefined
  }

  /** Forgets a code in memory; the caller deletes `codeKey(code)` in its batch. */
  forget (code: string): void {
    this.codes.delete(code)
  }

  private live (record: PairingCodeRecord): boolean {
    return this.now() < record.createdAt + this.init.ttlMs
  }

  private async dropExpired (): Promise<void> {
    for (const [code, record] of [...this.codes]) {
      if (this.live(record)) continue
      this.codes.delete(code)
      await this.datastore.delete(codeKey(code))
    }
  }
}
