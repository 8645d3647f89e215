// A backup peer is another machine: what it answers is checked before the
// device uses it, so a hostile or broken peer fails a request with
// FORMAT_INVALID ("malformed answer") instead of a TypeError deep inside the
// backup page, a verify or a restore.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isCairnError } from '../../../core/errors.ts'
import { BACKUP_PROTOCOL } from '../../../core/protocols/backup/constants.ts'
import { jsonStream, readJson, writeJson } from '../../../core/protocols/backup/wire.ts'
import { restoreIndexFromPeer } from '../../../core/vault/restore-index.ts'
import { deriveSubkey } from '../../../core/crypto/subkeys.ts'
import { signRevocationList } from '../../../core/protocols/backup/revocation.ts'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { addressOf, MemoryLog, startDevice, startNode, startPeer, stopPeer } from './helpers.ts'
import type { Stream } from '@libp2p/interface'

/** A node that answers every backup request with `answer(kind)`. */
async function hostilePeer (answer: (kind: string) => unknown): Promise<Awaited<ReturnType<typeof startNode>>> {
  const node = await startNode()
  await node.helia.libp2p.handle(BACKUP_PROTOCOL, async (stream: Stream) => {
    const lp = jsonStream(stream, 1 << 20)
    const request = await readJson(lp) as { kind: string }
    await writeJson(lp, answer(request.kind))
    await stream.close()
  }, { runOnLimitedConnection: true })
  return node
}

const malformed = (err: unknown): boolean => {
  assert.ok(isCairnError(err, 'FORMAT_INVALID'), `expected FORMAT_INVALID, got ${String((err as { code?: string }).code ?? err)}`)
  assert.match((err as Error).message, /malformed answer/)
  return true
}

test('a backup peer answering "ok" without the fields asked for fails each request as a malformed answer', async () => {
  const wrong: Record<string, unknown> = {
    pair: { ok: true, alreadyPaired: 'yes' },
    manifest: { ok: true },
    status: { ok: true, bytes: 'lots' },
    holds: { ok: true, held: 'everything' },
    heads: { ok: true },
    verify: { ok: true, checked: 4, passed: 4 },
    peers: { ok: true, sealed: 7 },
    revoke: { ok: true, applied: false, seq: 'next' },
    handover: { ok: true, sealed: null }
  }
  const evil = await hostilePeer(kind => wrong[kind] ?? { ok: true })
  const device = await startDevice()
  const at = addressOf(evil)
  const list = signRevocationList(device.signer, [], 1, 1)
  try {
    await assert.rejects(device.client.pair(at, 'code'), malformed)
    await assert.rejects(device.client.sendManifest(at, { device: 'd', seq: 1, pin: [], unpin: [] }), malformed)
    await assert.rejects(device.client.status(at), malformed)
    await assert.rejects(device.client.holds(at, ['bafkqaaa']), malformed)
    await assert.rejects(device.client.heads(at), malformed)
    await assert.rejects(device.client.verify(at, 4), malformed)
    await assert.rejects(device.client.peerList(at), malformed)
    await assert.rejects(device.client.revoke(at, list), malformed)
    await assert.rejects(device.client.handover(at), malformed)
  } finally {
    await device.helia.stop()
    await evil.helia.stop()
  }
})

test('a real peer\'s answers pass the checks', async () => {
  const peer = await startPeer()
  const device = await startDevice()
  const at = addressOf(peer)
  try {
    assert.deepEqual(await device.client.pair(at, await peer.service.createPairingCode()), { alreadyPaired: false })
    const status = await device.client.status(at)
    assert.equal(status.pending, 0)
    assert.deepEqual(await device.client.holds(at, ['bafkqaaa']), new Set())
    assert.deepEqual(await device.client.heads(at), {})
    assert.equal(await device.client.peerList(at), null)
    assert.equal((await device.client.verify(at, 4)).checked, 0)
    assert.deepEqual(await device.client.sendManifest(at, { device: device.helia.libp2p.peerId.toString(), seq: 1, pin: [], unpin: [] }), { seq: 1, applied: true })
  } finally {
    await device.helia.stop()
    await stopPeer(peer)
  }
})

test('a restore asked of two peers is not broken by the one that answers heads with nothing', async () => {
  const vaultKey = globalThis.crypto.getRandomValues(new Uint8Array(32))
  const good = await startPeer()
  const evil = await hostilePeer(() => ({ ok: true }))
  const device = await startDevice(vaultKey)
  try {
    await device.client.pair(addressOf(good), await good.service.createPairingCode())
    const log = new MemoryLog()
    // The good peer holds no heads yet: the restore finds an empty vault rather than crashing on the other's answer.
    const fetched = await restoreIndexFromPeer({ networkBlockstore: new MemoryBlockstore(), datastore: new MemoryDatastore(), client: device.client, log }, [addressOf(evil), addressOf(good)], deriveSubkey(vaultKey, 'index'))
    assert.equal(fetched, 0)
    assert.ok(log.has('warn', /did not send index heads/))
  } finally {
    await device.helia.stop()
    await evil.helia.stop()
    await stopPeer(good)
  }
})

