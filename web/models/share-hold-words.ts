/**
 * The share dialog's sentence on where the link's data lives, matched to what
 * is true: a backup peer holds the copy, one is taking it, or there is no
 * backup peer (the link then works only while this device has Cairn open).
 * `peers` is undefined until the node has said how many backup peers there are.
 */
export function shareHoldWords (pinnedOn: number, peers: number | undefined): string {
  if (pinnedOn > 0) return 'Your backup peer holds a copy, so the link works while this device is off.'
  if (peers === undefined) return 'Until a backup peer holds a copy, the link works only while Cairn is open here.'
  if (peers === 0) return 'The link works only while Cairn is open on this device. Add a backup peer to keep it working while this device is off.'
  return peers === 1
    ? 'Your backup peer is taking a copy; until it holds one, the link works only while Cairn is open here.'
    : 'Your backup peers are taking a copy; until one holds it, the link works only while Cairn is open here.'
}
