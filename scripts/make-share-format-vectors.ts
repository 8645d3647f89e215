/**
 * Writes the test vectors of two stored share formats (a new script, beside
 * scripts/make-share-vectors.ts which writes the share links' vectors):
 *
 * - tests/vectors/folder-listing-v1.json: folder listings (core/share/folder-listing.ts)
 *   encoded from fixed entries, byte for byte, plus damaged listings that
 *   must be refused, each with the error code decodeFolderListing gives.
 * - tests/vectors/share-records-v1.json: "My shares" records (core/share/share-store.ts)
 *   sealed under deriveSubkey(VK, 'shares') with a fixed vault key, plus
 *   tampered records that must be refused with SHARE_RECORD_TAMPERED.
 *
 * ShareStore seals with a random nonce and has no way to fix it, so the
 * sealed records here are made the way ShareStore.put makes them
 * (sealSecret(key, JSON.stringify(record), datastore key as AAD)) with a
 * fixed nonce; this script checks that ShareStore opens each of them to
 * the record, and that what ShareStore.add writes opens to the same
 * plaintext. The tests hold later versions to reading these bytes.
 *
 * Run: `npx tsx scripts/make-share-format-vectors.ts`. The output must not
 * change unless a format does (and then FOLDER_LISTING_VERSION, or the
 * records' format, moves too).
 */
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { isDeepStrictEqual } from 'node:util'
import { MemoryDatastore } from 'datastore-core/memory'
import { Key } from 'interface-datastore'
import { base64url } from 'multiformats/bases/base64'
import { CID } from 'multiformats/cid'
import { openSecret, sealSecret } from '../core/crypto/secretbox.ts'
import { deriveSubkey } from '../core/crypto/subkeys.ts'
import { isCairnError, type ErrorCode } from '../core/errors.ts'
import { decodeFolderListing, encodeFolderListing, FOLDER_LISTING_VERSION, FOLDER_SHARE_TYPE, MAX_LISTING_BYTES, type FolderEntry } from '../core/share/folder-listing.ts'
import { createShareLink } from '../core/share/share-link.ts'
import { ShareStore, type ShareRecord } from '../core/share/share-store.ts'

const hex = (bytes: Uint8Array): string => Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('')
const encoder = new TextEncoder()
const decoder = new TextDecoder()
const write = (name: string, value: unknown): void => {
  const out = fileURLToPath(new URL(`../tests/vectors/${name}`, import.meta.url))
  writeFileSync(out, JSON.stringify(value, null, 2) + '\n')
  console.log(`wrote ${out}`)
}

/** Throws unless `fn` fails with a CairnError of `code`. */
async function expectCode (fn: () => unknown, code: ErrorCode, why: string): Promise<void> {
  try {
    await fn()
  } catch (err) {
    if (isCairnError(err, code)) return
    throw new Error(`${why}: failed with ${String(err)}, not ${code}`)
  }
  throw new Error(`${why}: was not refused`)
}

// ---------------------------------------------------------------- folder listing

const PHOTO_CID = CID.parse('bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi')
const NOTES_CID = CID.parse('bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku')
const RAW_CID = CID.parse('bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy')
const TAR_CID = CID.parse('bafkreiac3npiiao5m2dfg72wbk7dwz4u34hkpxyeslj6tzpsemeh4sowpm')
const keyOf = (fill: number): Uint8Array => Uint8Array.from({ length: 32 }, (_, i) => (fill + i * 7) & 0xff)

const listingCases: Array<{ title: string, entries: FolderEntry[] }> = [
  {
    title: 'a small folder with nested paths, a non-ASCII name and an empty-type file',
    entries: [
      { path: 'notes.txt', size: 11, type: 'text/plain', cid: NOTES_CID, key: keyOf(0x10) },
      { path: 'trip/day 1/Zürich ☃ 写真.jpg', size: 2_345_678, type: 'image/jpeg', cid: PHOTO_CID, key: keyOf(0x20) },
      { path: 'trip/day 2/empty', size: 0, type: '', cid: RAW_CID, key: keyOf(0x30) },
      { path: 'trip/backup.tar', size: 2 ** 40 + 7, type: 'application/x-tar', cid: TAR_CID, key: keyOf(0x40) }
    ]
  },
  { title: 'an empty listing', entries: [] }
]

const listings = listingCases.map(({ title, entries }) => {
  const bytes = encodeFolderListing(entries)
  const back = decodeFolderListing(bytes)
  if (back.length !== entries.length || back.some((e, i) => e.path !== entries[i]?.path || !e.cid.equals(entries[i]?.cid))) throw new Error(`${title}: does not read back`)
  return {
    title,
    entries: entries.map(e => ({ path: e.path, size: e.size, type: e.type, cid: e.cid.toString(), key: hex(e.key) })),
    listing: decoder.decode(bytes),
    hex: hex(bytes)
  }
})

const good = listings[0]?.listing ?? ''
const goodJson = (): { v: unknown, files: Array<Record<string, unknown>> } => JSON.parse(good)
const spoilFirst = (field: string, value: unknown): string => {
  const json = goodJson()
  ;(json.files[0] as Record<string, unknown>)[field] = value
  return JSON.stringify(json)
}

/** Each refused listing is `text` (UTF-8), `hex` (raw bytes) or `text` padded with spaces to `padTo` bytes. */
type Refused = { why: string, code: ErrorCode } & ({ text: string } | { hex: string } | { text: string, padTo: number })
const refused: Refused[] = [
  { why: 'version 2', text: good.replace('{"v":1,', '{"v":2,'), code: 'UNSUPPORTED_VERSION' },
  { why: 'version 0', text: good.replace('{"v":1,', '{"v":0,'), code: 'UNSUPPORTED_VERSION' },
  { why: 'the version as text', text: good.replace('{"v":1,', '{"v":"1",'), code: 'UNSUPPORTED_VERSION' },
  { why: 'no version', text: good.replace('{"v":1,', '{'), code: 'UNSUPPORTED_VERSION' },
  { why: 'a ".." path', text: spoilFirst('path', '../escape.txt'), code: 'FORMAT_INVALID' },
  { why: 'a ".." segment inside a path', text: spoilFirst('path', 'trip/../../escape.txt'), code: 'FORMAT_INVALID' },
  { why: 'a "." segment', text: spoilFirst('path', './notes.txt'), code: 'FORMAT_INVALID' },
  { why: 'an absolute path', text: spoilFirst('path', '/etc/passwd'), code: 'FORMAT_INVALID' },
  { why: 'an empty segment', text: spoilFirst('path', 'trip//notes.txt'), code: 'FORMAT_INVALID' },
  { why: 'an empty path', text: spoilFirst('path', ''), code: 'FORMAT_INVALID' },
  { why: 'a path over 1024 bytes', text: spoilFirst('path', 'é'.repeat(513)), code: 'FORMAT_INVALID' },
  { why: 'two entries for one path', text: JSON.stringify({ ...goodJson(), files: [goodJson().files[0], goodJson().files[0]] }), code: 'FORMAT_INVALID' },
  { why: 'truncated JSON', text: good.slice(0, -2), code: 'FORMAT_INVALID' },
  { why: 'cut off in the middle', text: good.slice(0, Math.floor(good.length / 2)), code: 'FORMAT_INVALID' },
  { why: 'empty', text: '', code: 'FORMAT_INVALID' },
  { why: 'not UTF-8', hex: hex(Uint8Array.of(...encoder.encode('{"v":1,"files":[{"path":"'), 0xff, 0xfe, ...encoder.encode('"}]}'))), code: 'FORMAT_INVALID' },
  { why: 'JSON null', text: 'null', code: 'FORMAT_INVALID' },
  { why: 'files not a list', text: '{"v":1,"files":{}}', code: 'FORMAT_INVALID' },
  { why: 'an entry not an object', text: '{"v":1,"files":[7]}', code: 'FORMAT_INVALID' },
  { why: 'a negative size', text: spoilFirst('size', -1), code: 'FORMAT_INVALID' },
  { why: 'a fractional size', text: spoilFirst('size', 1.5), code: 'FORMAT_INVALID' },
  { why: 'a size as text', text: spoilFirst('size', '11'), code: 'FORMAT_INVALID' },
  { why: 'a type over 255 bytes', text: spoilFirst('type', 'x'.repeat(256)), code: 'FORMAT_INVALID' },
  { why: 'a CIDv0 address', text: spoilFirst('cid', 'QmY7Yh4UquoXHLPFo2XbhXkhBvFoPwmQUSa92pxnxjQuPU'), code: 'FORMAT_INVALID' },
  { why: 'a damaged address', text: spoilFirst('cid', 'bafy-not-a-cid'), code: 'FORMAT_INVALID' },
  { why: 'a 31-byte key', text: spoilFirst('key', base64url.baseEncode(new Uint8Array(31))), code: 'FORMAT_INVALID' },
  { why: 'a key in standard base64', text: spoilFirst('key', Buffer.from(keyOf(0x10)).toString('base64')), code: 'FORMAT_INVALID' },
  { why: 'one byte over the 4 MiB limit (a valid listing padded with spaces)', text: good, padTo: MAX_LISTING_BYTES + 1, code: 'FORMAT_INVALID' }
]

/** The bytes of a refused listing. */
function refusedBytes (r: Refused): Uint8Array {
  if ('hex' in r) return Uint8Array.from(r.hex.match(/../g) ?? [], h => Number.parseInt(h, 16))
  const text = encoder.encode(r.text)
  if (!('padTo' in r)) return text
  const out = new Uint8Array(r.padTo).fill(0x20)
  out.set(text)
  return out
}

// ----------------------------------------------------------------- share records

const PREFIX = '/cairn/shares/'
const vaultKey = Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i)
const sealingKey = deriveSubkey(vaultKey, 'shares')
const origin = 'https://cairn.example'
const relay = '12D3KooWHFrmLWTTDD4NodngtRMEVYgxrsDbcxqn4DzaFhjUXH3E'
const peer = '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo'
const day = Date.UTC(2024, 0, 15, 9, 30)
const folderListing = listingCases[0]?.entries ?? []
const LISTING_CID = 'bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354'

// Key order as core/vault/vault-shares.ts builds a record (and `update` appends `freed`).
const records: Array<{ title: string, record: ShareRecord, nonce: Uint8Array }> = [
  {
    title: 'a file share with an expiry',
    record: {
      id: '0123456789abcdef0123456789abcdef',
      fileId: '00112233445566778899aabbccddeeff',
      cid: PHOTO_CID.toString(),
      name: 'holiday.jpg',
      size: 2_345_678,
      type: 'image/jpeg',
      createdAt: day,
      expiresAt: day + 7 * 86_400_000,
      link: createShareLink({ origin, cid: PHOTO_CID, shareKey: keyOf(0x50), name: 'holiday.jpg', size: 2_345_678, type: 'image/jpeg', hints: [`/ip4/127.0.0.1/tcp/4101/ws/p2p/${relay}/p2p-circuit/p2p/${peer}`] }, { nonce: new Uint8Array(24).fill(0xd1) }),
      blocks: [PHOTO_CID.toString(), RAW_CID.toString(), NOTES_CID.toString()]
    },
    nonce: new Uint8Array(24).fill(0xe1)
  },
  {
    title: 'a folder share (folder, fileCount, roots, blocks)',
    record: {
      id: 'fedcba9876543210fedcba9876543210',
      fileId: '',
      folder: 'Fotos/Trip 2024',
      fileCount: folderListing.length,
      cid: LISTING_CID,
      name: 'Trip 2024',
      size: folderListing.reduce((sum, e) => sum + e.size, 0),
      type: FOLDER_SHARE_TYPE,
      createdAt: day + 60_000,
      link: createShareLink({ origin, cid: CID.parse(LISTING_CID), shareKey: keyOf(0x60), name: 'Trip 2024', size: encodeFolderListing(folderListing).length, type: FOLDER_SHARE_TYPE, hints: [] }, { nonce: new Uint8Array(24).fill(0xd2) }),
      roots: [LISTING_CID, ...folderListing.map(e => e.cid.toString())],
      blocks: [LISTING_CID, ...folderListing.map(e => e.cid.toString())]
    },
    nonce: new Uint8Array(24).fill(0xe2)
  },
  {
    title: 'an expired file share already freed, with a non-ASCII name, an empty type and no blocks',
    record: {
      id: '00000000000000000000000000000001',
      fileId: 'ffeeddccbbaa99887766554433221100',
      cid: RAW_CID.toString(),
      name: 'Zürich ☃ 写真.txt',
      size: 0,
      type: '',
      createdAt: day - 86_400_000,
      expiresAt: day,
      link: createShareLink({ origin, cid: RAW_CID, shareKey: keyOf(0x70), name: 'Zürich ☃ 写真.txt', size: 0, type: '', hints: [] }, { nonce: new Uint8Array(24).fill(0xd3) }),
      freed: true
    },
    nonce: new Uint8Array(24).fill(0xe3)
  }
]

/** Seals the way ShareStore.put does, with a fixed nonce. */
const seal = (datastoreKey: string, plaintext: Uint8Array, nonce: Uint8Array, key = sealingKey): Uint8Array =>
  sealSecret(key, plaintext, encoder.encode(datastoreKey), nonce)

async function main (): Promise<void> {
  for (const r of refused) await expectCode(() => decodeFolderListing(refusedBytes(r)), r.code, r.why)
  write('folder-listing-v1.json', {
    description: 'Cairn folder listings, format v1 (core/share/folder-listing.ts): UTF-8 JSON {"v":1,"files":[{"path","size","type","cid","key"}]}, keys in that order; path relative, "/"-separated, no empty, "." or ".." segment, at most 1024 bytes; size a safe integer ≥ 0; type at most 255 bytes; cid a CIDv1 as text; key 32 bytes, base64url without padding. A listing is at most 4 MiB. In the vectors, key is hex. A refused listing is `text` (UTF-8), `hex`, or `text` padded with spaces (0x20) to `padTo` bytes.',
    generator: 'scripts/make-share-format-vectors.ts',
    version: FOLDER_LISTING_VERSION,
    listings,
    refused
  })

  const sealed = records.map(({ title, record, nonce }) => {
    const datastoreKey = new Key(PREFIX + record.id).toString()
    const plaintext = encoder.encode(JSON.stringify(record))
    return { title, datastoreKey, aad: hex(encoder.encode(datastoreKey)), nonce: hex(nonce), record, plaintext: decoder.decode(plaintext), sealed: hex(seal(datastoreKey, plaintext, nonce)) }
  })

  const first = sealed[0]
  const firstRecord = records[0]
  if (first === undefined || firstRecord === undefined) throw new Error('no records')
  const firstBytes = Uint8Array.from(first.sealed.match(/../g) ?? [], h => Number.parseInt(h, 16))
  const flip = (at: number): string => { const b = firstBytes.slice(); b[at] = (b[at] as number) ^ 0x01; return hex(b) }
  const sealedAs = (record: unknown, fill: number, key = sealingKey): string => hex(seal(first.datastoreKey, encoder.encode(typeof record === 'string' ? record : JSON.stringify(record)), new Uint8Array(24).fill(fill), key))
  const tampered = [
    { why: 'one ciphertext byte changed', datastoreKey: first.datastoreKey, sealed: flip(30) },
    { why: 'one tag byte changed', datastoreKey: first.datastoreKey, sealed: flip(firstBytes.length - 1) },
    { why: 'one nonce byte changed', datastoreKey: first.datastoreKey, sealed: flip(5) },
    { why: 'cut off by one byte', datastoreKey: first.datastoreKey, sealed: first.sealed.slice(0, -2) },
    { why: 'shorter than version, nonce and tag', datastoreKey: first.datastoreKey, sealed: first.sealed.slice(0, 40 * 2) },
    { why: 'empty', datastoreKey: first.datastoreKey, sealed: '' },
    { why: 'sealed-data version 2', datastoreKey: first.datastoreKey, sealed: '02' + first.sealed.slice(2) },
    { why: 'moved to another id', datastoreKey: `${PREFIX}${'ab'.repeat(16)}`, sealed: first.sealed },
    { why: 'sealed under another vault key', datastoreKey: first.datastoreKey, sealed: sealedAs(firstRecord.record, 0xf1, deriveSubkey(new Uint8Array(32).fill(0x99), 'shares')) },
    { why: 'sealed under the vault key itself, not its shares subkey', datastoreKey: first.datastoreKey, sealed: sealedAs(firstRecord.record, 0xf2, vaultKey) },
    { why: 'sealed properly, but not JSON', datastoreKey: first.datastoreKey, sealed: sealedAs('{"id":"0123', 0xf3) },
    { why: 'sealed properly, but the size is text', datastoreKey: first.datastoreKey, sealed: sealedAs({ ...firstRecord.record, size: '2345678' }, 0xf4) },
    { why: 'sealed properly, but without a link', datastoreKey: first.datastoreKey, sealed: sealedAs({ ...firstRecord.record, link: undefined }, 0xf5) },
    { why: 'sealed properly under its key, but naming another id inside', datastoreKey: first.datastoreKey, sealed: sealedAs({ ...firstRecord.record, id: 'ab'.repeat(16) }, 0xf6) }
  ]

  // ShareStore opens every record to itself, refuses every tampered one,
  // and what it writes itself opens to the same plaintext.
  for (const s of sealed) {
    const datastore = new MemoryDatastore()
    await datastore.put(new Key(s.datastoreKey), Uint8Array.from(s.sealed.match(/../g) ?? [], h => Number.parseInt(h, 16)))
    const store = new ShareStore(datastore, sealingKey)
    if (!isDeepStrictEqual(await store.get(s.record.id), s.record)) throw new Error(`${s.title}: ShareStore does not open it`)
    const fresh = new MemoryDatastore()
    await new ShareStore(fresh, sealingKey).add(s.record)
    const written = openSecret(sealingKey, await fresh.get(new Key(s.datastoreKey)), encoder.encode(s.datastoreKey), 'INTERNAL')
    if (decoder.decode(written) !== s.plaintext) throw new Error(`${s.title}: ShareStore writes another plaintext`)
  }
  for (const t of tampered) {
    const datastore = new MemoryDatastore()
    await datastore.put(new Key(t.datastoreKey), Uint8Array.from(t.sealed.match(/../g) ?? [], h => Number.parseInt(h, 16)))
    await expectCode(async () => await new ShareStore(datastore, sealingKey).get(t.datastoreKey.slice(PREFIX.length)), 'SHARE_RECORD_TAMPERED', t.why)
  }

  write('share-records-v1.json', {
    description: 'Cairn "My shares" records (core/share/share-store.ts): datastore key /cairn/shares/<id, 32 hex digits>; value = 0x01 ‖ nonce(24) ‖ XChaCha20-Poly1305(sealing key, nonce, AAD = UTF-8 of the datastore key)(UTF-8 JSON of the record); sealing key = HKDF-SHA256(VK, no salt, info "cairn/v1/shares", 32 bytes). Nonces are random in use, fixed here. A tampered record is refused with SHARE_RECORD_TAMPERED.',
    generator: 'scripts/make-share-format-vectors.ts',
    vaultKey: hex(vaultKey),
    sealingKey: hex(sealingKey),
    records: sealed,
    tampered: tampered.map(t => ({ ...t, code: 'SHARE_RECORD_TAMPERED' }))
  })
}

await main()
