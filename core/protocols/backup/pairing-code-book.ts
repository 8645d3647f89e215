import { codeKey, encodeRecord, type PairingCodeRecord } from './peer-store.ts'
import { formatPairingCode, generatePairingCode, normalizePairingCode } from './pairing.ts'
import type { Datastore } from 'interface-datastore'

/** The peer's unused one-time pairing codes: in memory, written through to the datastore. */
export class PairingCodeBook {
  private readonly codes = new Map<string, PairingCodeRecord>()

  constructor (private readonly datastore: Datastore) {}

  load (codes: Map<string, PairingCodeRecord>): void {
    this.codes.clear()
    for (const [code, record] of codes) this.codes.set(code, record)
  }

  /** Makes, stores and returns a new code (formatted). */
  async create (): Promise<string> {
    const code = generatePairingCode()
    const record = { createdAt: Date.now() }
    await this.datastore.put(codeKey(code), encodeRecord(record))
    this.codes.set(code, record)
    return formatPairingCode(code)
  }

  list (): string[] {
    return [...this.codes.keys()].map(formatPairingCode)
  }

  /** The canonical code when `typed` is an unused code, else undefined. */
  match (typed: string): string | undefined {
    const code = normalizePairingCode(typed)
    return code !== undefined && this.codes.has(code) ? code : undefined
  }

  /** Forgets a code in memory; the caller deletes `codeKey(code)` in its batch. */
  forget (code: string): void {
    this.codes.delete(code)
  }
}
