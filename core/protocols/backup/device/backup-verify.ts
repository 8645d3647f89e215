import { contentLabel, namedContent } from '../../../index/named-content.ts'
import type { IndexLog } from '../../../index/index-log.ts'
import type { Log } from '../../../log.ts'
import type { VerifyReport } from '../index.ts'
import type { VerifyResult } from './peer-status.ts'

/** How many stored blocks a peer reads back and checks per "Verify now". */
export const VERIFY_SAMPLE = 32

/**
 * Words for a peer's verify report: the log line, and each bad block with
 * the file it belongs to (the peer says under which root it was; the index
 * maps roots to names) and whether the peer fetched it again already.
 * `unrepaired` is true when the peer queued a root again and should soon be
 * told what it lacks.
 */
export function verifyResult (peerId: string, report: VerifyReport, index: IndexLog, log: Log): { result: VerifyResult, unrepaired: boolean } {
  const repaired = new Set(report.repaired ?? [])
  log.info(`verify on backup peer …${peerId.slice(-8)}: ${report.passed}/${report.checked} blocks good` +
    (report.bad.length > 0 ? `, ${report.bad.length} bad, ${repaired.size} fetched again from this vault's devices` : ''))
  // The peer says under which root each bad block was; the index maps roots to names,
  // an earlier version's and a Trash item's too (a live file's name wins).
  const pathOf = new Map(namedContent(index).reverse().map(n => [n.cid, contentLabel(n)]))
  const damaged = report.bad.map(cid => {
    const file = pathOf.get(report.roots?.[cid] ?? '')
    return { cid, repaired: repaired.has(cid), ...(file !== undefined ? { file } : {}) }
  })
  return { result: { checked: report.checked, ok: report.passed, bad: report.bad, damaged }, unrepaired: damaged.some(d => !d.repaired) }
}
