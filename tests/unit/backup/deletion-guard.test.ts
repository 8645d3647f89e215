import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isCairnError } from '../../../core/errors.ts'
import { readWholeBlock } from '../../../core/storage/read-block.ts'
import { ManifestLog } from '../../../core/protocols/backup/manifest-log.ts'
import { sendPendingManifests } from '../../../core/protocols/backup/send-manifests.ts'
import { manualClock } from '../support/clock.ts'
import { addressOf, heldBlocks, mh, startDevice, startPeer, stopPeer, storeRandomFile, waitFor, type StoredFile } from './helpers.ts'

const DAY = 86_400_000


async function holdsAll (blockstore: Parameters<typeof heldBlocks>[0], file: StoredFile): Promise<boolean> {
  const held = await heldBlocks(blockstore)
  return file.blocks.every(cid => held.set.has(mh(cid)))
}

async function holdsNone (blockstore: Parameters<typeof heldBlocks>[0], file: StoredFile): Promise<boolean> {
  const held = await heldBlocks(blockstore)
  return file.blocks.every(cid => !held.set.has(mh(cid)))
}

test('a stolen device cannot wipe vault data: drop, unpin and an expiry keep it for the retention period; share copies go at once; a past expiry is refused', async () => {
  // Retention and expiries are judged by this clock, never by waiting.
  const clock = manualClock(Date.now())
  const peer = await startPeer({ now: clock.now })
  const device = await startDevice()
  try {
    const files = await Promise.all([1, 2, 3, 4].map(async () => await storeRandomFile(device.blockstore, 150_000)))
    const [dropped, unpinned, reshared, share] = files as [StoredFile, StoredFile, StoredFile, StoredFile]
    const [d, u, r, s] = files.map(f => f.root.toString()) as [string, string, string, string]
    const id = device.helia.libp2p.peerId.toString()
    const at = addressOf(peer)
    await device.client.pair(at, await peer.service.createPairingCode())
    await device.client.sendManifest(at, { device: id, seq: 1, pin: [d, u, r, s], unpin: [], shares: [s] })
    await waitFor(async () => (await device.client.status(at)).pinned === 4, 15_000, 'all four pinned')

    // What a thief with the vault's signing key would send: drop a vault root, unpin one,
    // pin one again as a share copy with an expiry an instant away.
    const answer = await device.client.sendManifest(at, { device: id, seq: 2, pin: [r], unpin: [u], drop: [d], shares: [r], expires: { [r]: clock.now() + 1 } })
    assert.deepEqual(answer, { seq: 2, applied: true })
    for (const file of [dropped, unpinned, reshared]) assert.ok(await holdsAll(peer.blockstore, file), 'vault data is still held')
    let status = await device.client.status(at)
    assert.deepEqual([status.pinned, status.unpinning, status.retentionMs, status.appendOnly], [2, 2, 30 * DAY, false])

    // A share copy goes at once when dropped: the answer comes once its blocks are gone.
    await device.client.sendManifest(at, { device: id, seq: 3, pin: [], unpin: [], drop: [s] })
    assert.ok(await holdsNone(peer.blockstore, share), 'the dropped share copy is freed at once')

    // An expiry already past is refused in words, and changes nothing.
    await assert.rejects(device.client.sendManifest(at, { device: id, seq: 4, pin: [r], unpin: [], shares: [r], expires: { [r]: clock.now() - 1 } }),
      (err: unknown) => isCairnError(err, 'SHARE_EXPIRY_INVALID') && /already passed/.test((err as Error).message))
    assert.equal((await device.client.status(at)).lastSeq[id], 3)

    // 29 days on, nothing of the vault is freed; the ignored expiry frees nothing either.
    clock.advance(29 * DAY)
    peer.service.tick()
    await device.client.sendManifest(at, { device: id, seq: 4, pin: [], unpin: [] })
    for (const file of [dropped, unpinned, reshared]) assert.ok(await holdsAll(peer.blockstore, file), 'kept within the retention period')

    // Past 30 days the unpinned and dropped roots are freed; the root pinned again is kept.
    clock.advance(DAY + 60_000)
    peer.service.tick()
    await waitFor(async () => (await device.client.status(at)).unpinning === 0, 10_000, 'the retained roots to be freed')
    assert.ok(await holdsNone(peer.blockstore, dropped) && await holdsNone(peer.blockstore, unpinned))
    assert.ok(await holdsAll(peer.blockstore, reshared), 'a vault root pinned again as a "share" never expires')
    status = await device.client.status(at)
    assert.deepEqual([status.pinned, status.bytes], [1, reshared.bytes])
    assert.ok(peer.log.has('info', /freed .* after its retention period/))
  } finally {
    await device.helia.stop()
    await stopPeer(peer)
  }
})

test('a vault root pinned again "as a share" stays vault data: a drop then keeps it for the retention period', async () => {
  // Retention and expiries are judged by this clock, never by waiting.
  const clock = manualClock(Date.now())
  const peer = await startPeer({ now: clock.now })
  const device = await startDevice()
  try {
    const vaultFile = await storeRandomFile(device.blockstore, 150_000)
    const v = vaultFile.root.toString()
    const id = device.helia.libp2p.peerId.toString()
    const at = addressOf(peer)
    await device.client.pair(at, await peer.service.createPairingCode())
    await device.client.sendManifest(at, { device: id, seq: 1, pin: [v], unpin: [] })
    await waitFor(async () => (await device.client.status(at)).pinned === 1, 15_000, 'pinned')
    // A thief re-pins it marked as a share, then drops it.
    await device.client.sendManifest(at, { device: id, seq: 2, pin: [v], unpin: [], shares: [v] })
    await device.client.sendManifest(at, { device: id, seq: 3, pin: [], unpin: [], drop: [v] })
    assert.ok(await holdsAll(peer.blockstore, vaultFile), 'the vault root is still held')
    assert.equal((await device.client.status(at)).unpinning, 1, 'kept for the retention period')
  } finally {
    await device.helia.stop()
    await stopPeer(peer)
  }
})

test('an append-only peer refuses every deletion in words and keeps the data; the device sends its other changes without them', async () => {
  // Retention and expiries are judged by this clock, never by waiting.
  const clock = manualClock(Date.now())
  const peer = await startPeer({ now: clock.now, appendOnly: true })
  const device = await startDevice()
  const other = await startDevice(device.vaultKey, device.blockstore)
  const stranger = await startDevice()
  try {
    const [kept, share, later] = [await storeRandomFile(device.blockstore, 150_000), await storeRandomFile(device.blockstore, 150_000), await storeRandomFile(device.blockstore, 150_000)]
    const [k, s, l] = [kept, share, later].map(f => f.root.toString()) as [string, string, string]
    const id = device.helia.libp2p.peerId.toString()
    const at = addressOf(peer)
    await device.client.pair(at, await peer.service.createPairingCode())
    await device.client.sendManifest(at, { device: id, seq: 1, pin: [k, s], unpin: [], shares: [s], expires: { [s]: clock.now() + DAY } })
    await waitFor(async () => (await device.client.status(at)).pinned === 2, 15_000, 'both pinned')

    const refused = (err: unknown): boolean => isCairnError(err, 'DELETION_REFUSED') && /append-only/.test((err as Error).message)
    await assert.rejects(device.client.sendManifest(at, { device: id, seq: 2, pin: [], unpin: [k] }), refused, 'unpin')
    await assert.rejects(device.client.sendManifest(at, { device: id, seq: 2, pin: [], unpin: [], drop: [k] }), refused, 'drop of vault data')
    await assert.rejects(device.client.sendManifest(at, { device: id, seq: 2, pin: [s], unpin: [], shares: [s], expires: { [s]: clock.now() + 1000 } }), refused, 'an expiry brought forward')
    let status = await device.client.status(at)
    assert.deepEqual([status.pinned, status.unpinning, status.lastSeq[id], status.appendOnly], [2, 0, 1, true])

    const leaves = share.blocks.filter(cid => cid.code === 0x55)
    const [before, after] = [leaves[0], leaves[1]]
    assert.ok(before !== undefined && after !== undefined)
    await stranger.helia.libp2p.dial(at)
    assert.ok((await readWholeBlock(stranger.helia.blockstore, before, { signal: AbortSignal.timeout(5_000) })).byteLength > 0, 'served while shared')

    // The device's outbox: the refused unpin is taken out; the new pin and "Stop sharing" go through.
    const log = new ManifestLog({ datastore: other.datastore }, { peer: peer.helia.libp2p.peerId.toString(), device: other.helia.libp2p.peerId.toString(), snapshot: async () => ({ pin: [] }) })
    await log.start()
    await log.append({ pin: [l], unpin: [k], drop: [s] })
    let told = 0
    assert.equal(await sendPendingManifests(other.client, at, log, { onDeletionsRefused: (n) => { told += n } }), 1)
    assert.equal(told, 1, 'the unpin; a share copy\'s drop is no deletion')
    assert.deepEqual(log.pending(), [])
    await waitFor(async () => (await device.client.status(at)).pinned === 2, 15_000, 'the new root pinned (beside the kept one)')
    // "Stop sharing" still ends the link: the peer keeps the copy but serves it to nobody.
    await assert.rejects(readWholeBlock(stranger.helia.blockstore, after, { signal: AbortSignal.timeout(1_500) }), 'not served once dropped')
    status = await device.client.status(at)
    assert.deepEqual([status.pinned, status.unpinning], [2, 1])
    assert.ok(await holdsAll(peer.blockstore, kept) && await holdsAll(peer.blockstore, share))

    // Nothing unpinned is ever freed; the share copy still goes at the expiry it was made with.
    clock.advance(365 * DAY)
    peer.service.tick()
    await waitFor(async () => await holdsNone(peer.blockstore, share), 10_000, 'the share copy to expire')
    assert.ok(await holdsAll(peer.blockstore, kept) && await holdsAll(peer.blockstore, later))
  } finally {
    await stranger.helia.stop()
    await other.helia.stop()
    await device.helia.stop()
    await stopPeer(peer)
  }
})
