import { CairnError, isCairnError } from '../errors.ts'
import { verifyHead, type SignedHead } from './head-mac.ts'

/**
 * Heads offered by several sources (backup peers, at restore) for the same
 * vault: for each device, the highest-seq head whose MAC checks. A head that
 * fails its MAC is left out (another source may have a good one); a device
 * for which no source offers a good head throws the error of its first bad
 * one, since restoring without that chain would lose its files silently.
 * Heads without a MAC are refused too (INDEX_HEAD_UNAUTHENTICATED): a peer
 * replaces a device's un-MAC'd head with the MAC'd one on that device's next
 * manifest, so accepting them would only let a peer strip MACs to roll back.
 */
export function pickHeads (macKey: Uint8Array, offers: ReadonlyArray<Record<string, unknown>>): Map<string, SignedHead> {
  const best = new Map<string, SignedHead>()
  const refused = new Map<string, CairnError>()
  for (const offer of offers) {
    for (const [device, value] of Object.entries(offer)) {
      try {
        const head = verifyHead(macKey, device, value)
        if ((best.get(device)?.seq ?? 0) < head.seq) best.set(device, { cid: head.cid.toString(), seq: head.seq, mac: (value as SignedHead).mac })
      } catch (err) {
        if (!isCairnError(err)) throw err
        if (!refused.has(device)) refused.set(device, err)
      }
    }
  }
  for (const [device, err] of refused) {
    if (!best.has(device)) throw new CairnError(err.code, `no backup peer offers a valid index head for device ${device}`, { cause: err })
  }
  return best
}
