import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createHmac, hkdfSync } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { MemoryDatastore } from 'datastore-core/memory'
import { Key } from 'interface-datastore'
import { CID } from 'multiformats/cid'
import { isCairnError, type ErrorCode } from '../../../core/errors.ts'
import { decodeHead, encodeHead, encodeLegacyHead, readBlock } from '../../../core/index/chain.ts'
import { headMacKey, signHead } from '../../../core/index/head-mac.ts'
import { IndexLog } from '../../../core/index/index-log.ts'
import { HEAD_FORMAT_KEY } from '../../../core/index/log-store.ts'
import { pickHeads } from '../../../core/index/pick-heads.ts'
import { restoreIndexFromPeer } from '../../../core/vault/restore-index.ts'
import { entry, key } from '../index/fixtures.ts'
import { pull, reopen, replica, shown } from './support.ts'
import type { Multiaddr } from '@multiformats/multiaddr'

const fromHex = (text: string): Uint8Array => Uint8Array.from(text.match(/../g) ?? [], h => Number.parseInt(h, 16))
const vector = JSON.parse(readFileSync(new URL('../../vectors/index-head-v2.json', import.meta.url), 'utf8')) as {
  indexKey: string, macKey: string, device: string, head: { cid: string, seq: number }, macInput: string, mac: string, stored: string
}

async function refuses (promise: Promise<unknown> | (() => unknown), code: ErrorCode): Promise<void> {
  await assert.rejects(async () => { await (typeof promise === 'function' ? promise() : promise) }, (err: unknown) => {
    assert.ok(isCairnError(err, code), `expected ${code}, got ${String((err as { code?: string }).code ?? err)}`)
    return true
  })
}

describe('index heads (v2: MAC\'d)', () => {
  it('the vector: HMAC-SHA256 under HKDF(index key, cairn/v1/index-head-mac), checked with node:crypto', () => {
    const indexKey = fromHex(vector.indexKey)
    const macKey = new Uint8Array(hkdfSync('sha256', indexKey, new Uint8Array(0), 'cairn/v1/index-head-mac', 32))
    assert.deepEqual(headMacKey(indexKey), macKey)
    assert.deepEqual(macKey, fromHex(vector.macKey))
    const mac = createHmac('sha256', macKey).update(vector.macInput).digest('base64').replace(/=+$/, '')
    assert.equal(mac, vector.mac)
    const head = { cid: CID.parse(vector.head.cid), seq: vector.head.seq }
    assert.equal(new TextDecoder().decode(encodeHead(macKey, vector.device, head)), vector.stored)
    const decoded = decodeHead(macKey, vector.device, new TextEncoder().encode(vector.stored))
    assert.equal(decoded.version, 2)
    assert.equal(decoded.head.cid.toString(), vector.head.cid)
    assert.equal(decoded.head.seq, vector.head.seq)
  })

  it('a changed cid, seq or device, or another vault\'s key, fails the MAC', async () => {
    const macKey = fromHex(vector.macKey)
    const stored = JSON.parse(vector.stored) as Record<string, unknown>
    const bytes = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value))
    await refuses(() => decodeHead(macKey, vector.device, bytes({ ...stored, seq: 4 })), 'INDEX_HEAD_FORGED')
    await refuses(() => decodeHead(macKey, vector.device, bytes({ ...stored, cid: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy' })), 'INDEX_HEAD_FORGED')
    await refuses(() => decodeHead(macKey, 'devB', bytes({ ...stored, device: 'devB' })), 'INDEX_HEAD_FORGED')
    await refuses(() => decodeHead(key(1), vector.device, bytes(stored)), 'INDEX_HEAD_FORGED')
    await refuses(() => decodeHead(macKey, vector.device, bytes({ ...stored, mac: undefined })), 'INDEX_HEAD_UNAUTHENTICATED')
  })

  it('v1 heads are upgraded once on first open; a v1 head afterwards is refused', async () => {
    const a = await replica('devA')
    await a.log.put(entry(1), 'a.txt')
    await a.log.put(entry(2), 'b.txt')
    const head = a.log.heads().get('devA') as { cid: CID, seq: number }
    await a.log.stop()
    // The store as the code before MAC'd heads left it: a v1 head, no marker.
    const headKey = new Key('/cairn/index/heads/devA')
    await a.datastore.put(headKey, encodeLegacyHead('devA', head))
    await a.datastore.delete(HEAD_FORMAT_KEY)
    const upgraded = await reopen(a)
    assert.deepEqual(upgraded.listFiles().map(f => f.path), ['a.txt', 'b.txt'])
    assert.equal(decodeHead(headMacKey(key(7)), 'devA', await a.datastore.get(headKey)).version, 2)
    assert.ok(await a.datastore.has(HEAD_FORMAT_KEY))
    await upgraded.stop()
    // Someone puts an unauthenticated head back (pointing at an older block): refused.
    await a.datastore.put(headKey, encodeLegacyHead('devA', head))
    await refuses(reopen(a), 'INDEX_HEAD_UNAUTHENTICATED')
    // Deleting the marker does not help while any v2 head is stored.
    await a.datastore.put(new Key('/cairn/index/heads/devB'), encodeHead(headMacKey(key(7)), 'devB', head))
    await a.datastore.delete(HEAD_FORMAT_KEY)
    await refuses(reopen(a), 'INDEX_HEAD_UNAUTHENTICATED')
  })
})

describe('merging another device\'s head', () => {
  it('a rolled-back, re-sequenced or forged head is refused with its own code, and the local chain stays', async () => {
    const a = await replica('devA')
    const b = await replica('devB')
    await a.log.put(entry(1), 'one.txt')
    const old = a.log.signedHeads().devA
    await a.log.put(entry(2), 'two.txt')
    await a.log.put(entry(3), 'three.txt')
    await pull(b, a)
    await b.log.put(entry(0), 'mine.txt')
    const before = shown(b.log)
    const fromA = async (cid: CID): Promise<Uint8Array | undefined> => await readBlock(a.blockstore, cid)
    const current = a.log.signedHeads().devA as { cid: string, seq: number, mac: string }

    // Rolled back: an older head, with its genuine MAC.
    await refuses(b.log.merge('devA', old, fromA), 'INDEX_HEAD_ROLLED_BACK')
    // Forged: the seq changed under the old MAC, or a MAC from another vault.
    await refuses(b.log.merge('devA', { ...current, seq: 4 }, fromA), 'INDEX_HEAD_FORGED')
    await refuses(b.log.merge('devA', signHead(headMacKey(key(9)), 'devA', { cid: CID.parse(current.cid), seq: 4 }), fromA), 'INDEX_HEAD_FORGED')
    await refuses(b.log.merge('devA', { cid: current.cid, seq: 4 }, fromA), 'INDEX_HEAD_UNAUTHENTICATED')
    // Re-sequenced: a head with a good MAC (a member's) whose seq is not its block's.
    const resequenced = signHead(headMacKey(key(7)), 'devA', { cid: CID.parse(current.cid), seq: 5 })
    await refuses(b.log.merge('devA', resequenced, fromA), 'INDEX_HEAD_RESEQUENCED')

    assert.deepEqual(shown(b.log), before)
    assert.equal(b.log.heads().get('devA')?.seq, 3)
    await b.log.stop()
    assert.deepEqual(shown(await reopen(b)), before)
  })

  it('restore keeps, per device, the highest head whose MAC checks across peers', async () => {
    const a = await replica('devA')
    await a.log.put(entry(1), 'one.txt')
    const old = a.log.signedHeads()
    await a.log.put(entry(2), 'two.txt')
    const current = a.log.signedHeads()
    const forged = { devA: { ...current.devA, seq: 9 } }
    assert.equal(pickHeads(headMacKey(key(7)), [old, forged, current]).get('devA')?.seq, 2)
    await refuses(() => pickHeads(headMacKey(key(7)), [forged]), 'INDEX_HEAD_FORGED')

    // Three peers: one rolled back, one forged, one current.
    const offers: Record<string, unknown> = { p1: old, p2: forged, p3: current }
    const datastore = new MemoryDatastore()
    const networkBlockstore = new MemoryBlockstore()
    for (const cid of a.log.blockCids()) networkBlockstore.put(CID.parse(cid), await readBlock(a.blockstore, CID.parse(cid)) as Uint8Array)
    const peers = ['p1', 'p2', 'p3'].map(name => ({ toString: () => name }) as unknown as Multiaddr)
    const client = { heads: async (peer: Multiaddr) => offers[peer.toString()] } as never
    const log = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} } as never
    assert.equal(await restoreIndexFromPeer({ networkBlockstore, datastore, client, log }, peers, key(7)), 2)
    const restored = new IndexLog({ blockstore: networkBlockstore, datastore }, { indexKey: key(7), deviceId: 'devR' })
    await restored.start()
    assert.deepEqual(restored.listFiles().map(f => f.path), ['one.txt', 'two.txt'])

    // A single peer that serves only a forged head: nothing is written.
    const empty = new MemoryDatastore()
    await refuses(restoreIndexFromPeer({ networkBlockstore, datastore: empty, client, log }, [peers[1] as Multiaddr], key(7)), 'INDEX_HEAD_FORGED')
    assert.equal((await Array.fromAsync(empty.queryKeys({}))).length, 0)
  })
})
