import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { base64url } from 'multiformats/bases/base64'
import { CID } from 'multiformats/cid'
import { multiaddr } from '@multiformats/multiaddr'
import { ByteReader, ByteWriter } from '../../../core/share/share-codec.ts'
import { shareHints } from '../../../core/share/share-hints.ts'
import {
  createShareLink, decodeSharePayload, encodeSharePayload, MAX_HINTS, parseShareLink, SHARE_KEY_LENGTH, type ShareLinkFields
} from '../../../core/share/share-link.ts'
import { assertCode, containsBytes, DIRECT_HINT, fixedKey, RELAYED_HINT, SAMPLE_CID } from './helpers.ts'

const ORIGIN = 'https://cairn.example'

function fields (over: Partial<ShareLinkFields> = {}): ShareLinkFields {
  return { cid: SAMPLE_CID, shareKey: globalThis.crypto.getRandomValues(new Uint8Array(32)), name: 'holiday.jpg', size: 2_345_678, type: 'image/jpeg', hints: [RELAYED_HINT], ...over }
}

function payloadOf (link: string): Uint8Array {
  return base64url.baseDecode(link.slice(link.indexOf('#/s/') + 4))
}

function assertSame (actual: ShareLinkFields, expected: ShareLinkFields): void {
  assert.equal(actual.cid.toString(), expected.cid.toString())
  assert.deepEqual(actual.shareKey, expected.shareKey)
  assert.equal(actual.name, expected.name)
  assert.equal(actual.size, expected.size)
  assert.equal(actual.type, expected.type)
  assert.deepEqual(actual.hints, expected.hints)
}

describe('share link round trip', () => {
  const cases: Array<[string, Partial<ShareLinkFields>]> = [
    ['one relayed hint', {}],
    ['no hints', { hints: [] }],
    ['several hints', { hints: [RELAYED_HINT, DIRECT_HINT, '/dns4/peer.example/tcp/443/wss/p2p/12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo'] }],
    ['the most hints', { hints: Array.from({ length: MAX_HINTS }, (_, i) => `/ip4/10.0.0.${i}/tcp/4101/ws`) }],
    ['a non-ASCII name', { name: 'Zürich ☃ 写真 📷.jpg', type: 'image/jpeg' }],
    ['an empty file with no name or type', { name: '', size: 0, type: '' }],
    ['the largest size', { size: Number.MAX_SAFE_INTEGER }],
    ['a raw-codec CID', { cid: CID.parse('bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy') }]
  ]
  for (const [what, over] of cases) {
    it(`carries every field: ${what}`, () => {
      const f = fields(over)
      const link = createShareLink({ origin: ORIGIN, ...f })
      assert.ok(link.startsWith(`${ORIGIN}/#/s/`), link)
      assertSame(parseShareLink(link), f)
    })
  }

  it('reads a whole URL, the fragment with or without #, the bare payload, and ignores surrounding spaces', () => {
    const f = fields()
    const link = createShareLink({ origin: 'http://localhost:5173/app', ...f })
    assert.ok(link.startsWith('http://localhost:5173/app/#/s/'))
    const fragment = link.slice(link.indexOf('#'))
    for (const form of [link, fragment, fragment.slice(1), fragment.slice(4), `  ${link}\n`]) assertSame(parseShareLink(form), f)
  })

  it('two links of the same share differ (random nonce) and both read back', () => {
    const f = fields()
    const a = createShareLink({ origin: ORIGIN, ...f })
    const b = createShareLink({ origin: ORIGIN, ...f })
    assert.notEqual(a, b)
    assertSame(parseShareLink(a), f)
    assertSame(parseShareLink(b), f)
  })

  it('never shows the name or the hints in clear, in the text or the bytes', () => {
    const name = 'Secret plans for Zürich.pdf'
    const link = createShareLink({ origin: ORIGIN, ...fields({ name, hints: [DIRECT_HINT] }) })
    const fragment = link.slice(link.indexOf('#'))
    for (const needle of [name, encodeURIComponent(name), 'Secret', 'plans', 'pdf', '192.168', '4102', 'p2p']) {
      assert.ok(!fragment.includes(needle), `fragment shows ${needle}`)
    }
    const payload = payloadOf(link)
    assert.ok(!containsBytes(payload, new TextEncoder().encode('Secret plans')))
    assert.ok(!containsBytes(payload, multiaddr(DIRECT_HINT).bytes))
    // Nor at any base64 alignment of the text.
    for (let shift = 0; shift < 3; shift++) {
      const encoded = base64url.baseEncode(new TextEncoder().encode('x'.repeat(shift) + name)).slice(4, 20)
      assert.ok(!fragment.includes(encoded))
    }
  })

  it('stays short: under 300 characters with one direct hint, about 345 with a relayed one', () => {
    const direct = createShareLink({ origin: ORIGIN, ...fields({ hints: [DIRECT_HINT] }) })
    const relayed = createShareLink({ origin: ORIGIN, ...fields({ hints: [RELAYED_HINT] }) })
    const none = createShareLink({ origin: ORIGIN, ...fields({ hints: [] }) })
    assert.ok(direct.length < 300, `direct: ${direct.length}`)
    assert.ok(relayed.length < 360, `relayed: ${relayed.length}`)
    assert.ok(none.length < 220, `none: ${none.length}`)
  })

  it('refuses to make a link from bad inputs', () => {
    assertCode(() => createShareLink({ origin: ORIGIN, ...fields({ hints: ['not an address'] }) }), 'ADDRESS_INVALID')
    assertCode(() => createShareLink({ origin: ORIGIN, ...fields({ hints: Array(MAX_HINTS + 1).fill(DIRECT_HINT) }) }), 'INVALID_ARGUMENT')
    assertCode(() => createShareLink({ origin: ORIGIN, ...fields({ shareKey: new Uint8Array(16) }) }), 'INVALID_ARGUMENT')
    assertCode(() => createShareLink({ origin: ORIGIN, ...fields({ name: 'x'.repeat(1025) }) }), 'PATH_INVALID')
    assertCode(() => createShareLink({ origin: ORIGIN, ...fields({ size: -1 }) }), 'INVALID_ARGUMENT')
    assertCode(() => createShareLink({ origin: ORIGIN, ...fields({ size: 1.5 }) }), 'INVALID_ARGUMENT')
    assertCode(() => createShareLink({ origin: 'https://cairn.example/#x', ...fields() }), 'INVALID_ARGUMENT')
    assertCode(() => createShareLink({ origin: 'nope', ...fields() }), 'INVALID_ARGUMENT')
  })
})

describe('a damaged share link fails as SHARE_LINK_DAMAGED, never as other fields', () => {
  const f = fields({ hints: [DIRECT_HINT] })
  const link = createShareLink({ origin: ORIGIN, ...f })
  const text = link.slice(link.indexOf('#/s/') + 4)
  const payload = payloadOf(link)

  it('empty, garbage, another kind of link', () => {
    for (const bad of ['', ' ', '#', '#/s/', '/s/', 'https://cairn.example/', 'https://cairn.example/#/s/', 'hello world', '#/x/AAAA', 'AQ==', 'A', '%41%42', '🙂', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']) {
      assertCode(() => parseShareLink(bad), 'SHARE_LINK_DAMAGED', JSON.stringify(bad))
    }
    assertCode(() => parseShareLink(undefined as unknown as string), 'SHARE_LINK_DAMAGED')
    assertCode(() => parseShareLink('#/s/' + 'A'.repeat(100_000)), 'SHARE_LINK_DAMAGED')
    for (let i = 0; i < 200; i++) {
      const junk = globalThis.crypto.getRandomValues(new Uint8Array(1 + (i % 120)))
      junk[0] = 1
      assertCode(() => decodeSharePayload(junk), 'SHARE_LINK_DAMAGED', 'random bytes')
    }
  })

  it('cut off at every length, as a whole URL and as a payload', () => {
    for (let n = 0; n < link.length; n++) assertCode(() => parseShareLink(link.slice(0, n)), 'SHARE_LINK_DAMAGED', `first ${n} characters`)
    for (let n = 0; n < payload.length; n++) assertCode(() => decodeSharePayload(payload.slice(0, n)), 'SHARE_LINK_DAMAGED', `first ${n} bytes`)
  })

  it('one byte changed anywhere (each bit, and whole bytes)', () => {
    for (let i = 0; i < payload.length; i++) {
      for (const mask of [0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xff]) {
        const bad = payload.slice()
        bad[i] = (bad[i] as number) ^ mask
        assertCode(() => parseShareLink(base64url.baseEncode(bad)), 'SHARE_LINK_DAMAGED', `byte ${i} ^ ${mask}`)
      }
    }
  })

  it('one character changed anywhere in the text', () => {
    for (let i = 0; i < text.length; i++) {
      for (const c of ['A', 'z', '_', '-', '=', '+', '/', '.']) {
        if (text[i] === c) continue
        assertCode(() => parseShareLink(text.slice(0, i) + c + text.slice(i + 1)), 'SHARE_LINK_DAMAGED', `character ${i} → ${c}`)
      }
    }
  })

  it('extra bytes or characters at the end', () => {
    assertCode(() => parseShareLink(base64url.baseEncode(Uint8Array.of(...payload, 0))), 'SHARE_LINK_DAMAGED')
    assertCode(() => parseShareLink(text + 'A'), 'SHARE_LINK_DAMAGED')
    assertCode(() => parseShareLink(text + 'AA'), 'SHARE_LINK_DAMAGED')
  })

  it('a wrong version', () => {
    for (const v of [0, 2, 0x81, 0xff]) {
      const bad = payload.slice()
      bad[0] = v
      assertCode(() => decodeSharePayload(bad), 'SHARE_LINK_DAMAGED', `version ${v}`)
    }
  })

  it('a wrong key, or the metadata of another link spliced on', () => {
    const cidLength = SAMPLE_CID.bytes.length
    const keyAt = 1 + cidLength
    const wrongKey = payload.slice()
    wrongKey.set(fixedKey(9), keyAt)
    assertCode(() => decodeSharePayload(wrongKey), 'SHARE_LINK_DAMAGED', 'wrong key')
    // Same key and metadata, another file address.
    const other = encodeSharePayload({ ...f, cid: CID.parse('bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku') })
    const spliced = Uint8Array.of(...other.subarray(0, keyAt), ...payload.subarray(keyAt))
    assertCode(() => decodeSharePayload(spliced), 'SHARE_LINK_DAMAGED', 'spliced')
    assert.equal(payload.length - keyAt - SHARE_KEY_LENGTH > 40, true)
  })
})

describe('share payload codec', () => {
  it('varints round trip and overlong or oversized ones are refused', () => {
    for (const n of [0, 1, 127, 128, 300, 2 ** 32, Number.MAX_SAFE_INTEGER]) {
      const r = new ByteReader(new ByteWriter().varint(n).finish())
      assert.equal(r.varint(), n)
      r.end()
    }
    assertCode(() => new ByteReader(Uint8Array.of(0x80, 0x00)).varint(), 'SHARE_LINK_DAMAGED')
    assertCode(() => new ByteReader(Uint8Array.of(0x80)).varint(), 'SHARE_LINK_DAMAGED')
    assertCode(() => new ByteReader(new Uint8Array(10).fill(0xff)).varint(), 'SHARE_LINK_DAMAGED')
    assertCode(() => new ByteReader(Uint8Array.of(0x05, 1, 2)).lengthPrefixed(10), 'SHARE_LINK_DAMAGED')
    assertCode(() => new ByteReader(Uint8Array.of(0x05, 1, 2, 3, 4, 5)).lengthPrefixed(4), 'SHARE_LINK_DAMAGED')
  })
})

describe('shareHints: what a new link tells a recipient to dial', () => {
  const RELAY = '/ip4/203.0.113.5/tcp/443/wss/p2p/12D3KooWHFrmLWTTDD4NodngtRMEVYgxrsDbcxqn4DzaFhjUXH3E'
  const PEER = '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo'
  it('the paired backup peer first, then the same peer through each relay, then this device\'s relayed addresses; no duplicates', () => {
    const own = `${RELAY}/p2p-circuit/p2p/12D3KooWSelf`
    const hints = shareHints({
      backupPeers: [{ peerId: PEER, address: `/ip4/192.168.1.20/tcp/4102/ws/p2p/${PEER}` }],
      relays: [RELAY, RELAY],
      ownAddresses: ['/ip4/127.0.0.1/tcp/1/ws/p2p/12D3KooWSelf', own]
    })
    assert.deepEqual(hints, [`/ip4/192.168.1.20/tcp/4102/ws/p2p/${PEER}`, `${RELAY}/p2p-circuit/p2p/${PEER}`, own])
  })
  it('a relay address without a peer id cannot carry a circuit, and no backup peer means only this device', () => {
    assert.deepEqual(shareHints({ backupPeers: [{ peerId: PEER, address: `/dns4/peer.example/tcp/443/wss/p2p/${PEER}` }], relays: ['/ip4/203.0.113.5/tcp/443/wss'], ownAddresses: [] }), [`/dns4/peer.example/tcp/443/wss/p2p/${PEER}`])
    assert.deepEqual(shareHints({ backupPeers: [], relays: [RELAY], ownAddresses: [] }), [])
  })
})
