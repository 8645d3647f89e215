import { toBase64 } from '../../../core/crypto/base64.ts'
import type { Hlc } from '../../../core/index/hlc.ts'
import type { FileEntry, IndexOp, OpKind } from '../../../core/index/ops.ts'

/** Shared test data for the index tests (not a test file itself). */

export const CIDS = [
  'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy',
  'bafkreiac3npiiao5m2dfg72wbk7dwz4u34hkpxyeslj6tzpsemeh4sowpm',
  'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku',
  'bafkreidon73zkcrwdb5iafqtijxildoonbwnpv7dyd6ef3qdgads2jc4su'
]

/** A valid entry; `n` picks its content (same n, same tag). */
export function entry (n: number, extra: Partial<FileEntry> = {}): FileEntry {
  return {
    cid: CIDS[n % CIDS.length] as string,
    size: 100 + n,
    mtime: 1_700_000_000_000 + n,
    tag: toBase64(new Uint8Array(32).fill(n + 1)),
    fk: toBase64(new Uint8Array(32).fill(0x80 + n)),
    type: 'text/plain',
    ...extra
  }
}

export function hlc (wall: number, counter: number, device: string): Hlc {
  return { wall, counter, device }
}

/** A complete op; puts get `entry(entryN)`. */
export function op (kind: OpKind, fileId: string, path: string, h: Hlc, seq = 1, entryN = 0): IndexOp {
  const o: IndexOp = { hlc: h, device: h.device, seq, kind, fileId, path }
  if (kind === 'put') o.entry = entry(entryN)
  return o
}

/** Fixed 32-byte keys. */
export function key (fill: number): Uint8Array {
  return new Uint8Array(32).fill(fill)
}

export { manualClock } from '../support/clock.ts'
