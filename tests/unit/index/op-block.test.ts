import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { identity } from 'multiformats/hashes/identity'
import { sealSecret } from '../../../core/crypto/secretbox.ts'
import { isCairnError } from '../../../core/errors.ts'
import { encodeHlc } from '../../../core/index/hlc.ts'
import { chunkOps, decodeOpBlock, encodeOpBlock, opBlockAad, opBlockCid, type OpBlock } from '../../../core/index/op-block.ts'
import { opToWire, type IndexOp } from '../../../core/index/ops.ts'
import { entry, hlc, key, op } from './fixtures.ts'

const K = key(1)
const T0 = Date.UTC(2024, 5, 1)

function block (ops: IndexOp[], prev: string | null = null): OpBlock {
  const first = ops[0] as IndexOp
  return { v: 1, device: first.device, seqFrom: first.seq, seqTo: first.seq + ops.length - 1, prev, ops }
}

const OPS = [
  op('put', 'f1', 'a.txt', hlc(T0, 0, 'devA'), 1, 1),
  op('move', 'f1', 'docs/a.txt', hlc(T0, 1, 'devA'), 2),
  op('delete', 'f1', 'docs/a.txt', hlc(T0 + 5, 0, 'devA'), 3)
]

/** Seals any plaintext as devA's block would be, so the content is authentic but malformed. */
async function sealRaw (value: unknown, device = 'devA'): Promise<{ cid: CID, bytes: Uint8Array }> {
  const bytes = sealSecret(K, new TextEncoder().encode(JSON.stringify(value)), opBlockAad(device))
  return { cid: await opBlockCid(bytes), bytes }
}

function wire (b: OpBlock): Record<string, unknown> {
  return { v: b.v, device: b.device, seqFrom: b.seqFrom, seqTo: b.seqTo, prev: b.prev, ops: b.ops.map(opToWire) }
}

async function rejects (promise: Promise<unknown>, code: 'INDEX_RECORD_TAMPERED' | 'INDEX_CHAIN_BROKEN' | 'INVALID_ARGUMENT'): Promise<void> {
  await assert.rejects(promise, err => isCairnError(err, code))
}

describe('op blocks', () => {
  it('round-trip: raw sha2-256 CIDv1, ops as written', async () => {
    const { cid, bytes } = await encodeOpBlock(K, block(OPS))
    assert.equal(cid.version, 1)
    assert.equal(cid.code, raw.code)
    assert.equal(cid.multihash.code, 0x12)
    const back = await decodeOpBlock(K, cid, bytes, 'devA')
    assert.deepEqual(back, block(OPS))
  })

  it('is sealed: no path, file id or key appears in the bytes', async () => {
    const { bytes } = await encodeOpBlock(K, block(OPS))
    const text = new TextDecoder('latin1').decode(bytes)
    // Needles of 4+ characters: random ciphertext contains any given 2-byte string (like the file id 'f1') by chance.
    for (const secret of ['a.txt', entry(1).fk.slice(0, 12), 'devA']) assert.ok(!text.includes(secret), secret)
  })

  it('tampered bytes (with or without a matching CID) are refused', async () => {
    const { cid, bytes } = await encodeOpBlock(K, block(OPS))
    for (const at of [0, 1, 30, bytes.length - 1]) {
      const bad = bytes.slice()
      bad[at] = (bad[at] as number) ^ 0x01
      await rejects(decodeOpBlock(K, cid, bad, 'devA'), 'INDEX_RECORD_TAMPERED')
      await rejects(decodeOpBlock(K, await opBlockCid(bad), bad, 'devA'), 'INDEX_RECORD_TAMPERED')
    }
  })

  it('a wrong key or another device\'s name is refused', async () => {
    const { cid, bytes } = await encodeOpBlock(K, block(OPS))
    await rejects(decodeOpBlock(key(2), cid, bytes, 'devA'), 'INDEX_RECORD_TAMPERED')
    await rejects(decodeOpBlock(K, cid, bytes, 'devB'), 'INDEX_RECORD_TAMPERED')
  })

  it('truncated blocks are refused', async () => {
    const { bytes } = await encodeOpBlock(K, block(OPS))
    for (const length of [0, 1, 24, 40, bytes.length - 1]) {
      const cut = bytes.slice(0, length)
      await rejects(decodeOpBlock(K, await opBlockCid(cut), cut, 'devA'), 'INDEX_RECORD_TAMPERED')
    }
  })

  it('a CID of another kind is refused', async () => {
    const { bytes } = await encodeOpBlock(K, block(OPS))
    const identityCid = CID.createV1(raw.code, identity.digest(bytes))
    await rejects(decodeOpBlock(K, identityCid, bytes, 'devA'), 'INDEX_RECORD_TAMPERED')
    const jsonCid = CID.createV1(0x0200, (await opBlockCid(bytes)).multihash)
    await rejects(decodeOpBlock(K, jsonCid, bytes, 'devA'), 'INDEX_RECORD_TAMPERED')
  })

  it('authentic but malformed content is refused: bad paths, seqs, devices, fields', async () => {
    const good = wire(block(OPS))
    const goodOps = good.ops as Array<Record<string, unknown>>
    const variants: Array<[string, unknown]> = [
      ['path with ..', { ...good, ops: [{ ...goodOps[0], path: '../escape.txt' }, ...goodOps.slice(1)] }],
      ['path with leading /', { ...good, ops: [{ ...goodOps[0], path: '/etc/passwd' }, ...goodOps.slice(1)] }],
      ['path with NUL', { ...good, ops: [{ ...goodOps[0], path: 'a\u0000b' }, ...goodOps.slice(1)] }],
      ['seq gap', { ...good, ops: [goodOps[0], { ...goodOps[1], seq: 3 }, goodOps[2]] }],
      ['seqTo too big', { ...good, seqTo: 4 }],
      ['prev on a first block', { ...good, prev: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy' }],
      ['no prev on a later block', { ...good, seqFrom: 2, seqTo: 4, ops: goodOps.map((o, i) => ({ ...o, seq: i + 2 })) }],
      ['op of another device', { ...good, ops: [{ ...goodOps[0], hlc: encodeHlc(hlc(T0, 0, 'devB')) }, ...goodOps.slice(1)] }],
      ['time going back', { ...good, ops: [goodOps[1], { ...goodOps[0], seq: 2 }, goodOps[2]] }],
      ['entry on a delete', { ...good, ops: [goodOps[0], goodOps[1], { ...goodOps[2], entry: entry(0) }] }],
      ['put without entry', { ...good, ops: [{ ...goodOps[0], entry: undefined }, ...goodOps.slice(1)] }],
      ['short file key', { ...good, ops: [{ ...goodOps[0], entry: { ...entry(0), fk: 'AAAA' } }, ...goodOps.slice(1)] }],
      ['unknown op field', { ...good, ops: [{ ...goodOps[0], extra: 1 }, ...goodOps.slice(1)] }],
      ['unknown block field', { ...good, extra: 1 }],
      ['other version', { ...good, v: 4 }],
      ['a delete naming a put in a v2 block', { ...good, v: 2, ops: [goodOps[0], goodOps[1], { ...goodOps[2], kind: 'delete', entry: undefined, target: goodOps[0]?.hlc }] }],
      ['other device in block', { ...good, device: 'devB' }],
      ['empty ops', { ...good, ops: [], seqTo: 0 }],
      ['not an object', [good]],
      ['bad kind', { ...good, ops: [{ ...goodOps[0], kind: 'chmod' }, ...goodOps.slice(1)] }],
      ['prune in a v1 block', { ...good, ops: [goodOps[0], goodOps[1], { ...goodOps[2], kind: 'prune', target: goodOps[0]?.hlc }] }],
      ['purge in a v1 block', { ...good, ops: [goodOps[0], goodOps[1], { ...goodOps[2], kind: 'purge', target: goodOps[0]?.hlc }] }],
      ['prune without target', { ...good, v: 2, ops: [goodOps[0], goodOps[1], { ...goodOps[2], kind: 'prune' }] }],
      ['purge without target', { ...good, v: 2, ops: [goodOps[0], goodOps[1], { ...goodOps[2], kind: 'purge' }] }],
      ['prune with a bad target', { ...good, v: 2, ops: [goodOps[0], goodOps[1], { ...goodOps[2], kind: 'prune', target: 'nope' }] }],
      ['prune with a numeric target', { ...good, v: 2, ops: [goodOps[0], goodOps[1], { ...goodOps[2], kind: 'prune', target: 7 }] }],
      ['prune naming itself', { ...good, v: 2, ops: [goodOps[0], goodOps[1], { ...goodOps[2], kind: 'prune', target: goodOps[2]?.hlc }] }],
      ['purge naming a later op', { ...good, v: 2, ops: [goodOps[0], goodOps[1], { ...goodOps[2], kind: 'purge', target: encodeHlc(hlc(T0 + 9, 0, 'devB')) }] }],
      ['target on a put', { ...good, v: 2, ops: [{ ...goodOps[0], target: encodeHlc(hlc(T0 - 1, 0, 'devB')) }, ...goodOps.slice(1)] }],
      ['cid on a prune (format v2 before it named puts)', { ...good, v: 2, ops: [goodOps[0], goodOps[1], { ...goodOps[2], kind: 'prune', target: goodOps[0]?.hlc, cid: entry(1).cid }] }]
    ]
    for (const [name, value] of variants) {
      const { cid, bytes } = await sealRaw(value)
      await assert.rejects(decodeOpBlock(K, cid, bytes, 'devA'), err => isCairnError(err, 'INDEX_RECORD_TAMPERED'), name)
    }
    const { cid, bytes } = await sealRaw(good)
    assert.equal((await decodeOpBlock(K, cid, bytes, 'devA')).ops.length, 3)
    // Format v2 holds prune and purge as well, each naming an earlier op (of any device).
    const before = hlc(T0 - 1, 3, 'devB')
    const v2 = await sealRaw({ ...good, v: 2, ops: [goodOps[0], { ...goodOps[1], kind: 'prune', target: goodOps[0]?.hlc }, { ...goodOps[2], kind: 'purge', target: encodeHlc(before) }] })
    assert.deepEqual((await decodeOpBlock(K, v2.cid, v2.bytes, 'devA')).ops.map(o => [o.kind, o.target]), [['put', undefined], ['prune', hlc(T0, 0, 'devA')], ['purge', before]])
    const notJson = sealSecret(K, new TextEncoder().encode('{"v":1,'), opBlockAad('devA'))
    await rejects(decodeOpBlock(K, await opBlockCid(notJson), notJson, 'devA'), 'INDEX_RECORD_TAMPERED')
  })

  it('encoding refuses inconsistent blocks', async () => {
    await rejects(encodeOpBlock(K, { ...block(OPS), seqTo: 9 }), 'INVALID_ARGUMENT')
    await rejects(encodeOpBlock(K, block([OPS[0] as IndexOp, op('put', 'f2', 'b.txt', hlc(T0, 0, 'devB'), 2)])), 'INVALID_ARGUMENT')
    const pruneLater = { ...op('prune', 'f1', 'a.txt', hlc(T0 + 9, 0, 'devA'), 4), target: hlc(T0 + 9, 1, 'devB') }
    await rejects(encodeOpBlock(K, { ...block([...OPS, pruneLater]), v: 2 }), 'INVALID_ARGUMENT')
  })

  it('splits big batches into blocks that fit', async () => {
    const longName = 'x'.repeat(250)
    const path = Array.from({ length: 16 }, () => longName).join('/')
    const many = Array.from({ length: 600 }, (_, i) => op('put', `f${i}`, path, hlc(T0 + i, 0, 'devA'), i + 1))
    const runs = chunkOps(many)
    assert.ok(runs.length >= 3)
    assert.deepEqual(runs.flat(), many)
    let prev: string | null = null
    for (const run of runs) {
      const encoded = await encodeOpBlock(K, block(run, prev))
      assert.ok(encoded.bytes.length <= 1024 * 1024)
      prev = encoded.cid.toString()
    }
    assert.equal(chunkOps(OPS).length, 1)
  })
})
