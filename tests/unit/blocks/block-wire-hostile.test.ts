import assert from 'node:assert/strict'
import { afterEach, test } from 'node:test'
import { lpStream } from '@libp2p/utils'
import * as varint from 'uint8-varint'
import { BlockServer, type ServedStore } from '../../../core/protocols/blocks/block-server.ts'
import { ANSWER_BLOCK, ANSWER_REFUSED, BLOCKS_PROTOCOL, MAX_REQUEST_BYTES, MAX_REQUEST_CIDS, clientStream, decodeRequest, encodeRequest, readAnswer } from '../../../core/protocols/blocks/block-wire.ts'
import { addressOf, startDevice, startNode, startPeer, stopPeer, storeRandomFile, waitFor, type TestDevice, type TestNode } from '../backup/helpers.ts'
import { backUp, sameBlocks } from './helpers.ts'
import type { Stream } from '@libp2p/interface'

const running: Array<{ stop: () => Promise<unknown> }> = []
afterEach(async () => {
  for (const item of running.splice(0).reverse()) await item.stop()
})

/** A device serving the exchange to `ours` only, and a stranger node. */
async function setUp (): Promise<{ device: TestDevice, stranger: TestNode, friend: TestNode, server: BlockServer }> {
  const device = await startDevice()
  running.push({ stop: async () => { await device.helia.stop() } })
  const stranger = await startNode()
  running.push({ stop: async () => { await stranger.helia.stop() } })
  const friend = await startNode()
  running.push({ stop: async () => { await friend.helia.stop() } })
  const ours = friend.helia.libp2p.peerId.toString()
  const server = new BlockServer({ libp2p: device.helia.libp2p, store: device.blockstore as unknown as ServedStore, mayServe: (id) => id === ours })
  await server.start()
  running.push(server)
  return { device, stranger, friend, server }
}

async function open (from: TestNode, to: TestNode): Promise<Stream> {
  return await from.helia.libp2p.dialProtocol(addressOf(to), BLOCKS_PROTOCOL)
}

/** Resolves once the stream is reset or closed by the other end (a read fails or ends). */
async function ended (stream: Stream): Promise<boolean> {
  const lp = lpStream(stream)
  try { await lp.read(); return false } catch { return true }
}

test('requests round-trip; more CIDs than allowed or bytes that are not CIDs are refused with their codes', async () => {
  const file = await storeRandomFile((await startDeviceStore()).blockstore, 3 * 1024 * 1024)
  assert.deepEqual(decodeRequest(encodeRequest(file.blocks)).map(String), file.blocks.map(String))
  assert.deepEqual(decodeRequest(new Uint8Array(0)), [])
  const many = Array.from({ length: MAX_REQUEST_CIDS + 1 }, () => file.root)
  assert.throws(() => encodeRequest(many), { code: 'REQUEST_TOO_LARGE' })
  const joined = Buffer.concat(many.map((c) => c.bytes))
  assert.throws(() => decodeRequest(joined), { code: 'REQUEST_TOO_LARGE' })
  assert.throws(() => decodeRequest(Uint8Array.of(1, 2, 3, 4, 5)), { code: 'FORMAT_INVALID' })
  // A CID cut short.
  assert.throws(() => decodeRequest(file.root.bytes.subarray(0, 10)), { code: 'FORMAT_INVALID' })
})

async function startDeviceStore (): Promise<TestDevice> {
  const device = await startDevice()
  running.push({ stop: async () => { await device.helia.stop() } })
  return device
}

test('a stranger asking a device gets "refused" for every CID; one of ours gets the blocks', async () => {
  const { device, stranger, friend, server } = await setUp()
  const file = await storeRandomFile(device.blockstore, 2 * 1024 * 1024)
  for (const [who, expected] of [[stranger, ANSWER_REFUSED], [friend, ANSWER_BLOCK]] as const) {
    const stream = await open(who, device)
    const lp = clientStream(stream, 8)
    await lp.write(encodeRequest(file.blocks))
    for (let i = 0; i < file.blocks.length; i++) assert.equal((await readAnswer(lp)).tag, expected)
    await lp.write(encodeRequest([]))
    await stream.close()
  }
  assert.equal(server.stats.refused, file.blocks.length)
  assert.equal(server.stats.blocks, file.blocks.length)
})

test('an oversized, cut-short or non-CID request resets the stream; the device keeps serving', async () => {
  const { device, friend, server } = await setUp()
  const file = await storeRandomFile(device.blockstore, 1024 * 1024)
  const attempts: Array<(stream: Stream) => Promise<void>> = [
    // A length prefix over the limit (no body is read).
    async (stream) => { stream.send(varint.encode(MAX_REQUEST_BYTES + 1)) },
    // A frame that promises 100 bytes and ends after 10.
    async (stream) => { stream.send(Uint8Array.of(...varint.encode(100), ...new Uint8Array(10))); await stream.close() },
    // A frame of bytes that are not CIDs.
    async (stream) => { await lpStream(stream).write(Uint8Array.of(9, 9, 9, 9)) },
    // More CIDs than one request may hold.
    async (stream) => { await lpStream(stream).write(Buffer.concat(Array.from({ length: MAX_REQUEST_CIDS + 1 }, () => file.root.bytes))) }
  ]
  for (const attempt of attempts) {
    const stream = await open(friend, device)
    await attempt(stream)
    assert.ok(await ended(stream))
  }
  await waitFor(() => server.stats.resets === attempts.length, 5_000, 'every hostile stream reset')
  assert.equal(server.stats.blocks, 0)
  // Still serving.
  const stream = await open(friend, device)
  const lp = clientStream(stream, 4)
  await lp.write(encodeRequest([file.root]))
  assert.equal((await readAnswer(lp)).tag, ANSWER_BLOCK)
  await stream.close()
})

test('a device answering with an oversized or cut-short block frame: the peer drops its stream and backs up over bitswap', async () => {
  const peer = await startPeer()
  running.push({ stop: async () => { await stopPeer(peer) } })
  const device = await startDeviceStore()
  const file = await storeRandomFile(device.blockstore, 2 * 1024 * 1024 + 1)
  let streams = 0
  await device.helia.libp2p.handle(BLOCKS_PROTOCOL, (stream: Stream) => {
    streams++
    const lp = lpStream(stream)
    void lp.read().then(async () => {
      // The block tag, then a frame longer than any block (first stream) or one cut short (later ones).
      if (streams === 1) stream.send(Uint8Array.of(1, ANSWER_BLOCK, ...varint.encode(64 * 1024 * 1024)))
      else { stream.send(Uint8Array.of(1, ANSWER_BLOCK, ...varint.encode(1000), 1, 2, 3)); await stream.close() }
    }).catch(() => {})
  })
  await backUp(device, peer, file)
  assert.ok(await sameBlocks(device, peer, file))
  const stats = peer.service.blockStats
  assert.equal(stats.viaExchange, 0)
  assert.equal(stats.viaFallback, file.blocks.length)
  assert.ok(stats.streams >= 1)
})

test('a device that takes requests and never answers: the stream stalls and the backup completes over bitswap', async () => {
  const peer = await startPeer()
  running.push({ stop: async () => { await stopPeer(peer) } })
  const device = await startDeviceStore()
  const file = await storeRandomFile(device.blockstore, 1024 * 1024 + 7)
  let requests = 0
  await device.helia.libp2p.handle(BLOCKS_PROTOCOL, (stream: Stream) => {
    void lpStream(stream).read().then(() => { requests++ }).catch(() => {})
  })
  await backUp(device, peer, file)
  assert.ok(await sameBlocks(device, peer, file))
  const stats = peer.service.blockStats
  assert.equal(stats.viaExchange, 0)
  assert.equal(stats.viaFallback, file.blocks.length)
  // Stalled once, then the device is left to bitswap rather than stalling every wave of fetches.
  assert.equal(stats.streams, 1)
  assert.equal(requests, 1)
})
