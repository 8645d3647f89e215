import { FormatInvalidError } from '../../errors.ts'
import type { RequestKind } from './messages.ts'

/**
 * The shape of a successful answer from a backup peer, checked on the device
 * before anything reads it. A peer is another machine (possibly hostile, or
 * just a broken or newer one): an answer without the fields the device uses
 * fails the request with FORMAT_INVALID rather than as a TypeError deep in
 * the backup page, a verify or a restore. Only the fields the device reads
 * are checked; optional ones an older peer leaves out stay optional, and
 * what a field means (a head's MAC, a sealed list) is checked where it is used.
 */

type Record_ = Record<string, unknown>

const isCount = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v >= 0
const isStrings = (v: unknown): boolean => Array.isArray(v) && v.every(s => typeof s === 'string')
const isObject = (v: unknown): v is Record_ => typeof v === 'object' && v !== null && !Array.isArray(v)
const isFailed = (v: unknown): boolean => isObject(v) && typeof v.cid === 'string' && typeof v.reason === 'string'
const optional = (v: unknown, check: (v: unknown) => boolean): boolean => v === undefined || check(v)
const isBool = (v: unknown): boolean => typeof v === 'boolean'
const isSealed = (v: unknown): boolean => v === null || typeof v === 'string'

const CHECKS: Record<RequestKind, (a: Record_) => boolean> = {
  pair: a => isBool(a.alreadyPaired),
  manifest: a => isCount(a.seq) && isBool(a.applied),
  status: a => isCount(a.bytes) && isCount(a.pending) && Array.isArray(a.failed) && a.failed.every(isFailed) &&
    optional(a.retentionMs, isCount) && optional(a.appendOnly, isBool),
  holds: a => isStrings(a.held),
  heads: a => isObject(a.heads),
  verify: a => isCount(a.checked) && isCount(a.passed) && isStrings(a.bad),
  peers: a => isSealed(a.sealed),
  revoke: a => isCount(a.seq) && isBool(a.applied),
  rekey: a => isBool(a.moved),
  handover: a => optional(a.sealed, isSealed) && typeof a.vault === 'string'
}

/** Throws FORMAT_INVALID unless `answer` (already known to be `{ok: true, …}`) has the fields of a `kind` answer. */
export function checkAnswer (kind: RequestKind, answer: Record_): void {
  if (!CHECKS[kind](answer)) throw new FormatInvalidError(`the backup peer sent a malformed answer to ${kind}`)
}
