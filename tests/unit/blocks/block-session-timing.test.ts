import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { afterEach, test } from 'node:test'
import { lpStream } from '@libp2p/utils'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import * as varint from 'uint8-varint'
import { BlockFetcher } from '../../../core/protocols/blocks/block-fetcher.ts'
import { BlockSession, type Entry, type Miss } from '../../../core/protocols/blocks/block-session.ts'
import { ANSWER_BLOCK, BLOCKS_PROTOCOL, decodeRequest, serverStream, writeAnswer } from '../../../core/protocols/blocks/block-wire.ts'
import { addressOf, readBlock, startNode, storeRandomFile, type TestNode } from '../backup/helpers.ts'
import type { Stream } from '@libp2p/interface'

// When a block-exchange session gives up and when it ends: a slow but steady
// source is not a stall, a cancelled last request still lets it end idle,
// and a stream the source closed while idle is not a broken source.

const running: Array<() => Promise<unknown>> = []
afterEach(async () => { for (const stop of running.splice(0).reverse()) await stop() })

async function twoNodes (): Promise<{ a: TestNode, b: TestNode }> {
  const a = await startNode(); running.push(async () => await a.helia.stop())
  const b = await startNode(); running.push(async () => await b.helia.stop())
  await b.helia.libp2p.dial(addressOf(a))
  return { a, b }
}

const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

/** A 256 KiB raw block and its CID. */
async function bigBlock (): Promise<{ cid: CID, bytes: Uint8Array }> {
  const bytes = new Uint8Array(randomBytes(256 * 1024))
  return { cid: CID.createV1(0x55, await sha256.digest(bytes)), bytes }
}

/** A source that answers one request's first CID with `bytes`, sent in 16 KiB pieces `gapMs` apart, then stops after `pieces` of them. */
async function trickleSource (a: TestNode, bytes: Uint8Array, gapMs: number, pieces = Infinity): Promise<void> {
  await a.helia.libp2p.handle(BLOCKS_PROTOCOL, (stream: Stream) => {
    void lpStream(stream).read().then(async () => {
      stream.send(Uint8Array.of(1, ANSWER_BLOCK, ...varint.encode(bytes.byteLength)))
      for (let at = 0, sent = 0; at < bytes.byteLength && sent < pieces; at += 16 * 1024, sent++) {
        await sleep(gapMs)
        if (stream.status !== 'open') return
        stream.send(bytes.subarray(at, at + 16 * 1024))
      }
    }).catch(() => {})
  })
}

/** Asks `session` for `cid`; resolves with what became of it. */
async function ask (session: BlockSession, cid: CID): Promise<'done' | Miss> {
  return await new Promise((resolve) => {
    session.add({ cid, cancelled: false, done: () => { resolve('done') }, missed: resolve })
  })
}

test('a block arriving slowly but steadily, for longer than the stall time in all, is received', { timeout: 30_000 }, async () => {
  const { a, b } = await twoNodes()
  const block = await bigBlock()
  // 16 pieces 250 ms apart: 4 s for the block, against a stall time of 1 s.
  await trickleSource(a, block.bytes, 250)
  const stream = await b.helia.libp2p.dialProtocol(addressOf(a), BLOCKS_PROTOCOL)
  const kept: CID[] = []
  const session = new BlockSession(stream, { window: 4, stallMs: 1000, idleMs: 30_000, put: async (cid) => { kept.push(cid) }, ended: () => {} })
  running.push(async () => { session.end('idle') })
  const started = Date.now()
  assert.equal(await ask(session, block.cid), 'done')
  assert.ok(Date.now() - started > 3000, 'it took longer than the stall time')
  assert.deepEqual(kept.map(String), [block.cid.toString()])
})

test('a source that goes silent part-way through a block is given up on after the stall time', { timeout: 30_000 }, async () => {
  const { a, b } = await twoNodes()
  const block = await bigBlock()
  await trickleSource(a, block.bytes, 100, 4)
  const stream = await b.helia.libp2p.dialProtocol(addressOf(a), BLOCKS_PROTOCOL)
  const endings: string[] = []
  const session = new BlockSession(stream, { window: 4, stallMs: 1000, idleMs: 30_000, put: async () => {}, ended: (_s, why) => { endings.push(why) } })
  const started = Date.now()
  assert.equal(await ask(session, block.cid), 'failed')
  const took = Date.now() - started
  assert.ok(took >= 1000 && took < 10_000, `given up after ${took} ms`)
  assert.deepEqual(endings, ['failed'])
})

test('a session whose only request was cancelled before it was sent still ends idle', { timeout: 30_000 }, async () => {
  const { a, b } = await twoNodes()
  const file = await storeRandomFile(a.blockstore, 64 * 1024)
  await a.helia.libp2p.handle(BLOCKS_PROTOCOL, () => {})
  const stream = await b.helia.libp2p.dialProtocol(addressOf(a), BLOCKS_PROTOCOL)
  const endings: string[] = []
  const session = new BlockSession(stream, { window: 4, stallMs: 5000, idleMs: 200, put: async () => {}, ended: (_s, why) => { endings.push(why) } })
  // A fetch aborted in the same turn it asked (a read closed, a restore cancelled).
  const entry: Entry = { cid: file.blocks[0] as CID, cancelled: false, done: () => {}, missed: () => {} }
  session.add(entry)
  session.forget(entry)
  await sleep(1500)
  assert.equal(session.isOpen, false)
  assert.deepEqual(endings, ['idle'])
})

test('a stream the source closed while nothing was owed is an idle end: the next fetch opens a new stream, not bitswap', { timeout: 30_000 }, async () => {
  const { a, b } = await twoNodes()
  const file = await storeRandomFile(a.blockstore, 3 * 1024 * 1024)
  // A source that answers each request, then resets the stream after 300 ms without one (as a device's server does after a minute).
  await a.helia.libp2p.handle(BLOCKS_PROTOCOL, (stream: Stream) => {
    const lp = serverStream(stream)
    void (async () => {
      while (true) {
        const cids = decodeRequest((await lp.read({ signal: AbortSignal.timeout(300) })).subarray())
        for (const cid of cids) await writeAnswer(lp, ANSWER_BLOCK, await readBlock(a.blockstore, cid))
      }
    })().catch((err: Error) => { stream.abort(err) })
  })
  let fallbacks = 0
  const fetcher = new BlockFetcher({
    libp2p: b.helia.libp2p,
    sourcesOf: () => [a.helia.libp2p.peerId],
    put: async () => {},
    fallback: async (_scope, cid) => { fallbacks++; return await readBlock(a.blockstore, cid) }
  }, { idleMs: 30_000 })
  running.push(async () => { fetcher.stop() })
  const signal = new AbortController().signal
  assert.ok((await fetcher.fetch('', file.blocks[0] as CID, signal)).byteLength > 0)
  await sleep(1000)
  for (const cid of file.blocks.slice(1, 3)) assert.ok((await fetcher.fetch('', cid, signal)).byteLength > 0)
  assert.equal(fallbacks, 0)
  assert.deepEqual({ viaExchange: fetcher.stats.viaExchange, viaFallback: fetcher.stats.viaFallback, streams: fetcher.stats.streams }, { viaExchange: 3, viaFallback: 0, streams: 2 })
})
