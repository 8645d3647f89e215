import { CID } from 'multiformats/cid'
import { fromBase64 } from '../../crypto/base64.ts'
import { CairnError } from '../../errors.ts'
import type { SignedHead } from '../../index/head-mac.ts'
import { MAX_OP_BLOCK_BYTES } from '../../index/constants.ts'
import { isDeviceId } from '../../index/ops.ts'
import * as C from './constants.ts'

/** Shapes of what the other side of `/cairn/sync/1` sends (session.ts), checked before use. */

/** What the other side takes; a side that does not say (an older version) takes what one session accepts. */
export function parseTake (value: unknown): number {
  if (value === undefined) return C.MAX_SESSION_BLOCK_BYTES
  if (!Number.isSafeInteger(value) || (value as number) < 0) throw new CairnError('FORMAT_INVALID', 'a sync "take" is a count of bytes')
  return Math.min(value as number, C.MAX_SESSION_BLOCK_BYTES)
}

/**
 * The chains the other side sent only part of: for each, a head (checked by
 * the merge like any other) no further than the one it offered, or null.
 */
export function parseCut (value: unknown, theirs: Map<string, SignedHead>): Map<string, SignedHead | null> {
  const cut = new Map<string, SignedHead | null>()
  if (value === undefined) return cut
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CairnError('FORMAT_INVALID', 'a sync "cut" must be an object')
  for (const [device, head] of Object.entries(value as Record<string, unknown>)) {
    const offered = theirs.get(device)
    const h = head as Record<string, unknown> | null
    const shaped = h === null || (typeof h === 'object' && typeof h.cid === 'string' && Number.isSafeInteger(h.seq) && (h.seq as number) >= 1)
    if (offered === undefined || !shaped || (h !== null && (h.seq as number) > offered.seq)) {
      throw new CairnError('FORMAT_INVALID', 'a sync "cut" names, per device offered, {cid, seq, mac} no further than its offered head, or null')
    }
    cut.set(device, h as unknown as SignedHead | null)
  }
  return cut
}

/** The other side's version vector: shapes only; each head's MAC is checked when its chain is merged. */
export function parseHeads (value: unknown): Map<string, SignedHead> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CairnError('FORMAT_INVALID', 'sync heads must be an object')
  const entries = Object.entries(value as Record<string, unknown>)
  if (entries.length > C.MAX_SYNC_DEVICES) throw new CairnError('REQUEST_TOO_LARGE', 'sync heads name too many devices')
  const heads = new Map<string, SignedHead>()
  for (const [device, head] of entries) {
    const h = head as Record<string, unknown> | null
    if (!isDeviceId(device) || typeof h !== 'object' || h === null || typeof h.cid !== 'string' || !Number.isSafeInteger(h.seq) || (h.seq as number) < 1) {
      throw new CairnError('FORMAT_INVALID', 'sync heads are {cid, seq, mac} per device')
    }
    heads.set(device, h as unknown as SignedHead)
  }
  return heads
}

export function parseBlock (item: unknown): { cid: string, bytes: Uint8Array } {
  const i = item as Record<string, unknown> | null
  if (typeof i !== 'object' || i === null || typeof i.cid !== 'string' || typeof i.bytes !== 'string') throw new CairnError('FORMAT_INVALID', 'an index block is {cid, bytes}')
  let cid: string
  try {
    cid = CID.parse(i.cid).toString()
  } catch (err) {
    throw new CairnError('FORMAT_INVALID', 'an index block CID is malformed', { cause: err })
  }
  const bytes = fromBase64(i.bytes)
  if (bytes.length > MAX_OP_BLOCK_BYTES) throw new CairnError('REQUEST_TOO_LARGE', 'an index block is larger than the format allows')
  return { cid, bytes }
}
