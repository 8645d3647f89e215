import type { DeviceRecord } from './device-book.ts'

const encoder = new TextEncoder()

function jsonBytes (value: unknown): number {
  return encoder.encode(JSON.stringify(value)).length
}

/**
 * The device records a pairing gift carries, in at most `budget` bytes of
 * JSON (the gift has a fixed cap, core/protocols/pairing/constants.ts, and a
 * vault may have had up to MAX_DEVICES devices). The whole book when it
 * fits; otherwise the offering device's own record, then the removed devices
 * (so the new one refuses them from the start), then the members, all but
 * the first without their box keys, as many as fit. Leaving records or box
 * keys out is safe: the new device gets the full book at its first swap
 * (device-book-exchange.ts), and a missing box key never wins a merge.
 */
export function giftDevices (records: DeviceRecord[], self: string, budget: number): DeviceRecord[] {
  if (jsonBytes(records) <= budget) return records
  const ordered = [
    ...records.filter(r => r.peerId === self),
    ...records.filter(r => r.peerId !== self && r.removedAt !== undefined),
    ...records.filter(r => r.peerId !== self && r.removedAt === undefined)
  ]
  const out: DeviceRecord[] = []
  let used = 2
  for (const record of ordered) {
    const { boxKey: _key, boxKeyAt: _at, boxKeySig: _sig, ...bare } = record
    const kept = record.peerId === self ? record : bare
    const size = jsonBytes(kept) + 1
    if (used + size > budget) break
    out.push(kept)
    used += size
  }
  return out
}
