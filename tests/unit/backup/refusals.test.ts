import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { isCairnError } from '../../../core/errors.ts'
import { ManifestGapError } from '../../../core/protocols/backup/backup-errors.ts'
import { signRequest } from '../../../core/protocols/backup/request-signing.ts'
import { addressOf, heldBlocks, mh, sendRaw, startDevice, startPeer, stopPeer, storeRandomFile, waitFor, type StoredFile, type TestDevice, type TestPeer } from './helpers.ts'
import type { ManifestRequest, StatusRequest } from '../../../core/protocols/backup/messages.ts'

const QUOTA = 1024 * 1024
let peer: TestPeer
let a: TestDevice // paired, well behaved: must keep being served
let b: TestDevice // paired, misbehaves
let stranger: TestDevice // never paired
let small: StoredFile

before(async () => {
  peer = await startPeer({ quotaBytes: QUOTA, maxMessageBytes: 64 * 1024 })
  ;[a, b, stranger] = [await startDevice(), await startDevice(), await startDevice()]
  small = await storeRandomFile(a.blockstore, 200_000)
  await a.client.pair(addressOf(peer), await peer.service.createPairingCode())
  await b.client.pair(addressOf(peer), await peer.service.createPairingCode())
})

after(async () => {
  for (const device of [a, b, stranger]) await device.helia.stop()
  await stopPeer(peer)
})

const device = (d: TestDevice): string => d.helia.libp2p.peerId.toString()
const peerId = (): string => peer.helia.libp2p.peerId.toString()
const code = (expected: string) => (err: unknown) => isCairnError(err) && err.code === expected

async function aIsServed (): Promise<void> {
  const status = await a.client.status(addressOf(peer))
  assert.equal(status.quotaBytes, QUOTA)
}

test('a forged or misdirected signature is refused with BAD_SIGNATURE and logged', async () => {
  const signed = signRequest<ManifestRequest>(b.signer, peerId(), 'manifest', { device: device(b), seq: 1, pin: [], unpin: [] })
  assert.deepEqual((await sendRaw(b, peer, { ...signed, seq: 2 }) as { error: { code: string } }).error.code, 'BAD_SIGNATURE')
  // Signed by another vault's key but claiming b's vault.
  const forged = signRequest<StatusRequest>(stranger.signer, peerId(), 'status', {})
  assert.equal((await sendRaw(stranger, peer, { ...forged, vault: b.signer.vaultId }) as { error: { code: string } }).error.code, 'BAD_SIGNATURE')
  // Signed for another peer: cannot be replayed here.
  const elsewhere = signRequest<StatusRequest>(b.signer, device(stranger), 'status', {})
  assert.equal((await sendRaw(b, peer, elsewhere) as { error: { code: string } }).error.code, 'BAD_SIGNATURE')
  assert.ok(peer.log.has('warn', /refused manifest from .*BAD_SIGNATURE/))
  await aIsServed()
})

test('replayed and stale requests are refused with REQUEST_EXPIRED', async () => {
  const once = signRequest<StatusRequest>(b.signer, peerId(), 'status', {})
  assert.equal((await sendRaw(b, peer, once) as { ok: boolean }).ok, true)
  assert.equal((await sendRaw(b, peer, once) as { error: { code: string } }).error.code, 'REQUEST_EXPIRED')
  const stale = signRequest<StatusRequest>(b.signer, peerId(), 'status', {}, Date.now() - 10 * 60_000)
  assert.equal((await sendRaw(b, peer, stale) as { error: { code: string } }).error.code, 'REQUEST_EXPIRED')
  await aIsServed()
})

test('a vault that never paired gets NOT_PAIRED for everything', async () => {
  await assert.rejects(stranger.client.sendManifest(addressOf(peer), { device: device(stranger), seq: 1, pin: [small.root.toString()], unpin: [] }), code('NOT_PAIRED'))
  await assert.rejects(stranger.client.heads(addressOf(peer)), code('NOT_PAIRED'))
  assert.ok(peer.log.has('warn', /NOT_PAIRED/))
  await aIsServed()
})

test('oversized and malformed requests are refused; the peer keeps serving', async () => {
  // A length prefix larger than the limit: refused before the body is read.
  const prefix = Uint8Array.from([0x80, 0x80, 0x08]) // varint 131072
  const body = new Uint8Array(131072).fill(0x20)
  const answer = await sendRaw(b, peer, undefined, Buffer.concat([prefix, body])) as { error: { code: string } }
  assert.equal(answer.error.code, 'REQUEST_TOO_LARGE')
  // Through the client: many CIDs in one holds request exceed this peer's 64 KiB.
  await assert.rejects(b.client.holds(addressOf(peer), Array.from({ length: 3000 }, () => small.root.toString())), code('REQUEST_TOO_LARGE'))
  assert.equal((await sendRaw(b, peer, { hello: 'world' }) as { error: { code: string } }).error.code, 'FORMAT_INVALID')
  assert.ok(peer.log.has('warn', /REQUEST_TOO_LARGE/))
  await aIsServed()
})

test('a seq gap answers MANIFEST_GAP with the seq expected; a repeat is acknowledged without effect', async () => {
  const root = small.root.toString()
  assert.deepEqual(await b.client.sendManifest(addressOf(peer), { device: device(b), seq: 1, pin: [], unpin: [] }), { seq: 1, applied: true })
  await assert.rejects(b.client.sendManifest(addressOf(peer), { device: device(b), seq: 3, pin: [root], unpin: [] }), (err: unknown) => err instanceof ManifestGapError && err.expected === 2)
  assert.deepEqual(await b.client.sendManifest(addressOf(peer), { device: device(b), seq: 1, pin: [root], unpin: [] }), { seq: 1, applied: false })
  const status = await b.client.status(addressOf(peer))
  assert.equal(status.pending + status.pinned, 0, 'neither the gap nor the repeat pinned anything')
  assert.deepEqual(status.lastSeq, { [device(b)]: 1 })
})

test('over quota: a declared size is refused at once; an undeclared one fails when it outgrows the quota', async () => {
  const big = await storeRandomFile(b.blockstore, 2 * 1024 * 1024)
  const root = big.root.toString()
  await assert.rejects(b.client.sendManifest(addressOf(peer), { device: device(b), seq: 2, pin: [root], unpin: [], sizes: { [root]: big.bytes } }), code('QUOTA_EXCEEDED'))
  assert.ok(peer.log.has('warn', /QUOTA_EXCEEDED/))
  // The refused manifest did not advance the seq; without a size the peer finds out while fetching.
  await b.client.sendManifest(addressOf(peer), { device: device(b), seq: 2, pin: [root], unpin: [] })
  await waitFor(async () => (await b.client.status(addressOf(peer))).failedCount === 1, 15_000, 'the over-quota root to fail')
  const status = await b.client.status(addressOf(peer))
  assert.match(status.failed[0]?.reason ?? '', /QUOTA_EXCEEDED/)
  assert.equal(status.failed[0]?.attempts, 1, 'a full quota is not retried')
  assert.equal(status.bytes, 0)
  // What the attempt fetched before the quota stopped it was deleted again.
  const held = await heldBlocks(peer.blockstore)
  assert.ok(big.blocks.every(cid => !held.set.has(mh(cid))), 'no block of the refused file stays on the peer')
})

test('fan-in: the well-behaved vault replicates on the same peer after all that', async () => {
  const root = small.root.toString()
  await a.client.sendManifest(addressOf(peer), { device: device(a), seq: 1, pin: [root], unpin: [], sizes: { [root]: small.bytes } })
  await waitFor(async () => (await a.client.status(addressOf(peer))).pinned === 1, 15_000, 'vault A pinned')
  assert.equal((await a.client.status(addressOf(peer))).bytes, small.bytes)
  // Vaults see only their own holdings.
  assert.deepEqual(await b.client.holds(addressOf(peer), [root]), new Set())
  assert.deepEqual(await a.client.holds(addressOf(peer), [root]), new Set([root]))
  assert.deepEqual(peer.service.status().map(v => v.vault).sort(), [a.signer.vaultId, b.signer.vaultId].sort())
})
