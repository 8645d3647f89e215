import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { base64url } from 'multiformats/bases/base64'
import { CID } from 'multiformats/cid'
import { createShareLink, encodeSharePayload, parseShareLink, shareMetaKey } from '../../../core/share/share-link.ts'
import { assertCode, fromHex, hex } from './helpers.ts'

interface LinkVector {
  title: string
  cid: string
  shareKey: string
  name: string
  size: number
  type: string
  hints: string[]
  nonce: string
  metaKey: string
  aad: string
  metaPlaintext: string
  payload: string
  link: string
}

const vectors = JSON.parse(readFileSync(new URL('../../vectors/share-link-v1.json', import.meta.url), 'utf8')) as {
  version: number
  origin: string
  links: LinkVector[]
  damaged: Array<{ why: string, link: string }>
}

describe('share link vectors (v1)', () => {
  assert.equal(vectors.version, 1)
  for (const v of vectors.links) {
    const fields = { cid: CID.parse(v.cid), shareKey: fromHex(v.shareKey), name: v.name, size: v.size, type: v.type, hints: v.hints }

    it(`${v.title}: made byte for byte from the fixed inputs`, () => {
      assert.equal(hex(shareMetaKey(fields.shareKey)), v.metaKey)
      assert.equal(hex(encodeSharePayload(fields, { nonce: fromHex(v.nonce) })), v.payload)
      assert.equal(createShareLink({ origin: vectors.origin, ...fields }, { nonce: fromHex(v.nonce) }), v.link)
    })

    it(`${v.title}: read back to the same fields`, () => {
      const parsed = parseShareLink(v.link)
      assert.equal(parsed.cid.toString(), v.cid)
      assert.equal(hex(parsed.shareKey), v.shareKey)
      assert.deepEqual({ name: parsed.name, size: parsed.size, type: parsed.type, hints: parsed.hints }, { name: v.name, size: v.size, type: v.type, hints: v.hints })
    })

    it(`${v.title}: the layout, checked with the primitives directly`, () => {
      const payload = fromHex(v.payload)
      assert.equal(v.link, `${vectors.origin}/#/s/${base64url.baseEncode(payload)}`)
      const cidBytes = CID.parse(v.cid).bytes
      assert.equal(payload[0], 1)
      assert.deepEqual(payload.subarray(1, 1 + cidBytes.length), cidBytes)
      const keyEnd = 1 + cidBytes.length + 32
      assert.equal(hex(payload.subarray(1 + cidBytes.length, keyEnd)), v.shareKey)
      const metaKey = hkdf(sha256, fromHex(v.shareKey), undefined, new TextEncoder().encode('cairn/v1/share-meta'), 32)
      assert.equal(hex(metaKey), v.metaKey)
      assert.equal(hex(fromHex(v.aad).subarray(0, 19)), hex(new TextEncoder().encode('cairn/v1/share-link')))
      assert.equal(payload[keyEnd], 1) // secretbox version
      assert.equal(hex(payload.subarray(keyEnd + 1, keyEnd + 25)), v.nonce)
      const plain = xchacha20poly1305(metaKey, fromHex(v.nonce), fromHex(v.aad)).decrypt(payload.subarray(keyEnd + 25))
      assert.equal(hex(plain), v.metaPlaintext)
    })
  }

  it('the damaged links are all refused as damaged', () => {
    assert.ok(vectors.damaged.length >= 5)
    for (const d of vectors.damaged) assertCode(() => parseShareLink(d.link), 'SHARE_LINK_DAMAGED', d.why)
  })
})
