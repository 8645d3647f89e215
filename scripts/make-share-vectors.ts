/**
 * Writes the share-link test vectors (tests/vectors/share-link-v1.json):
 * links made from fixed inputs with fixed nonces, with every intermediate
 * value (metadata key, associated data, metadata plaintext, payload), plus
 * damaged links that must be refused. Run: `npx tsx scripts/make-share-vectors.ts`.
 * The output must not change unless the format does (and then
 * SHARE_LINK_VERSION moves too).
 */
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { multiaddr } from '@multiformats/multiaddr'
import { base64url } from 'multiformats/bases/base64'
import { CID } from 'multiformats/cid'
import { ByteWriter } from '../core/share/share-codec.ts'
import { createShareLink, encodeSharePayload, SHARE_LINK_VERSION, shareMetaKey, type ShareLinkFields } from '../core/share/share-link.ts'

const hex = (bytes: Uint8Array): string => Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('')
const encoder = new TextEncoder()

const origin = 'https://cairn.example'
const relay = '12D3KooWHFrmLWTTDD4NodngtRMEVYgxrsDbcxqn4DzaFhjUXH3E'
const peer = '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo'

interface Case { title: string, fields: ShareLinkFields, nonce: Uint8Array }

const cases: Case[] = [
  {
    title: 'a photo with one relayed hint',
    fields: {
      cid: CID.parse('bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi'),
      shareKey: Uint8Array.from({ length: 32 }, (_, i) => i),
      name: 'holiday.jpg',
      size: 2_345_678,
      type: 'image/jpeg',
      hints: [`/ip4/127.0.0.1/tcp/4101/ws/p2p/${relay}/p2p-circuit/p2p/${peer}`]
    },
    nonce: new Uint8Array(24).fill(0xa1)
  },
  {
    title: 'an empty file with a non-ASCII name and no hints',
    fields: {
      cid: CID.parse('bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku'),
      shareKey: new Uint8Array(32).fill(0x42),
      name: 'Zürich ☃ 写真.txt',
      size: 0,
      type: '',
      hints: []
    },
    nonce: new Uint8Array(24).fill(0xb2)
  },
  {
    title: 'a large file with several hints',
    fields: {
      cid: CID.parse('bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'),
      shareKey: Uint8Array.from({ length: 32 }, (_, i) => 255 - i),
      name: 'backup.tar',
      size: 2 ** 40 + 7,
      type: 'application/x-tar',
      hints: [`/ip4/192.168.1.20/tcp/4102/ws/p2p/${peer}`, `/dns4/peer.example/tcp/443/wss/p2p/${peer}`, '/ip6/::1/udp/4103/webrtc-direct']
    },
    nonce: new Uint8Array(24).fill(0xc3)
  }
]

function metaPlaintext (f: ShareLinkFields): Uint8Array {
  const w = new ByteWriter().varint(f.size).lengthPrefixed(encoder.encode(f.name)).lengthPrefixed(encoder.encode(f.type)).varint(f.hints.length)
  for (const h of f.hints) w.lengthPrefixed(multiaddr(h).bytes)
  return w.finish()
}

const vectors = {
  description: 'Cairn share links, format v1: ORIGIN/#/s/ + base64url (no padding) of version(1) ‖ CIDv1 ‖ share key(32) ‖ secretbox(0x01 ‖ nonce(24) ‖ XChaCha20-Poly1305(meta)); meta key = HKDF-SHA256(share key, info "cairn/v1/share-meta"); AAD = "cairn/v1/share-link" ‖ version ‖ CID; meta = varint size ‖ lp(name) ‖ lp(type) ‖ varint n ‖ lp(multiaddr)*.',
  generator: 'scripts/make-share-vectors.ts',
  version: SHARE_LINK_VERSION,
  origin,
  links: cases.map(({ title, fields, nonce }) => {
    const payload = encodeSharePayload(fields, { nonce })
    const link = createShareLink({ origin, ...fields }, { nonce })
    if (link !== `${origin}/#/s/${base64url.baseEncode(payload)}`) throw new Error('link and payload disagree')
    return {
      title,
      cid: fields.cid.toString(),
      shareKey: hex(fields.shareKey),
      name: fields.name,
      size: fields.size,
      type: fields.type,
      hints: fields.hints,
      nonce: hex(nonce),
      metaKey: hex(shareMetaKey(fields.shareKey)),
      aad: hex(new ByteWriter().bytes(encoder.encode('cairn/v1/share-link')).bytes(Uint8Array.of(SHARE_LINK_VERSION)).bytes(fields.cid.bytes).finish()),
      metaPlaintext: hex(metaPlaintext(fields)),
      payload: hex(payload),
      link
    }
  })
}

const first = vectors.links[0] as { link: string, payload: string }
const firstText = first.link.slice(first.link.indexOf('#/s/') + 4)
const damaged = [
  { why: 'empty', link: '' },
  { why: 'no payload', link: `${origin}/#/s/` },
  { why: 'cut off by one character', link: first.link.slice(0, -1) },
  { why: 'cut off after the key', link: `${origin}/#/s/${base64url.baseEncode(Uint8Array.from(first.payload.match(/../g) ?? [], h => Number.parseInt(h, 16)).subarray(0, 69))}` },
  { why: 'one character changed', link: `${origin}/#/s/${firstText.slice(0, 60)}${firstText[60] === 'A' ? 'B' : 'A'}${firstText.slice(61)}` },
  { why: 'version 2', link: `${origin}/#/s/${base64url.baseEncode(Uint8Array.of(2, ...Uint8Array.from(first.payload.match(/../g) ?? [], h => Number.parseInt(h, 16)).subarray(1)))}` },
  { why: 'standard base64 characters', link: `${origin}/#/s/${firstText.replaceAll('-', '+').replaceAll('_', '/')}+` },
  { why: 'garbage', link: `${origin}/#/s/hello-world` }
]

const out = fileURLToPath(new URL('../tests/vectors/share-link-v1.json', import.meta.url))
writeFileSync(out, JSON.stringify({ ...vectors, damaged }, null, 2) + '\n')
console.log(`wrote ${out}`)
