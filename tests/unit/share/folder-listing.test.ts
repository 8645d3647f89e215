import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { base64url } from 'multiformats/bases/base64'
import { CID } from 'multiformats/cid'
import { decodeFolderListing, encodeFolderListing, FOLDER_LISTING_VERSION, MAX_FOLDER_FILES, MAX_LISTING_BYTES, type FolderEntry } from '../../../core/share/folder-listing.ts'
import { assertCode, fixedKey, SAMPLE_CID } from './helpers.ts'

const OTHER_CID = CID.parse('bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku')

const entries = (): FolderEntry[] => [
  { path: 'a.txt', size: 300, type: 'text/plain', cid: SAMPLE_CID, key: fixedKey(1) },
  { path: 'sub/b.bin', size: 0, type: '', cid: OTHER_CID, key: fixedKey(2) },
  { path: 'día 1/ñandú.jpg', size: 2 ** 40, type: 'image/jpeg', cid: SAMPLE_CID, key: fixedKey(3) }
]

/** A valid listing as JSON values, for a test to spoil one field of. */
function listingJson (): { v: unknown, files: Array<Record<string, unknown>> } {
  return JSON.parse(new TextDecoder().decode(encodeFolderListing(entries())))
}

const bytesOf = (value: unknown): Uint8Array => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value))

/** The listing with the first entry's `field` set to `value`. */
function withFirst (field: string, value: unknown): Uint8Array {
  const json = listingJson()
  const first = json.files[0] as Record<string, unknown>
  first[field] = value
  return bytesOf(json)
}

describe('folder listing v1', () => {
  it('reads paths without the bidi controls that would hide a file\'s real extension; two that read alike are one path', () => {
    const hidden = decodeFolderListing(withFirst('path', 'trip/photo\u202Egnp.exe'))
    assert.equal(hidden[0]?.path, 'trip/photognp.exe')
    // "a.txt" and "a.txt" with a mark in it would look the same on the page and in the vault.
    assertCode(() => decodeFolderListing(withFirst('path', 'sub\u200F/b.bin')), 'FORMAT_INVALID')
  })

  it('round trips paths, sizes, types, addresses and keys, in the documented JSON shape', () => {
    const bytes = encodeFolderListing(entries())
    const json = JSON.parse(new TextDecoder().decode(bytes))
    assert.equal(json.v, FOLDER_LISTING_VERSION)
    assert.deepEqual(Object.keys(json.files[0]).sort(), ['cid', 'key', 'path', 'size', 'type'])
    assert.equal(json.files[1].cid, OTHER_CID.toString())
    assert.equal(json.files[0].key, base64url.baseEncode(fixedKey(1)))
    const decoded = decodeFolderListing(bytes)
    assert.equal(decoded.length, 3)
    for (const [i, original] of entries().entries()) {
      const got = decoded[i] as FolderEntry
      assert.equal(got.path, original.path)
      assert.equal(got.size, original.size)
      assert.equal(got.type, original.type)
      assert.ok(got.cid.equals(original.cid), `cid of ${original.path}`)
      assert.deepEqual(got.key, original.key)
    }
    assert.deepEqual(decodeFolderListing(encodeFolderListing([])), [], 'an empty listing is a listing')
  })

  it('refuses what is not a listing: bytes, JSON, shape', () => {
    assertCode(() => decodeFolderListing(new Uint8Array([0x7b, 0xff, 0x7d])), 'FORMAT_INVALID', 'not UTF-8')
    assertCode(() => decodeFolderListing(bytesOf('{"v":1,"files":[')), 'FORMAT_INVALID', 'cut off')
    assertCode(() => decodeFolderListing(bytesOf('null')), 'FORMAT_INVALID', 'null')
    assertCode(() => decodeFolderListing(bytesOf('"text"')), 'FORMAT_INVALID', 'a string')
    assertCode(() => decodeFolderListing(bytesOf({ v: 1, files: {} })), 'FORMAT_INVALID', 'files not a list')
    assertCode(() => decodeFolderListing(bytesOf({ v: 1 })), 'FORMAT_INVALID', 'no files')
    assertCode(() => decodeFolderListing(bytesOf({ v: 1, files: [null] })), 'FORMAT_INVALID', 'an entry not an object')
    assertCode(() => decodeFolderListing(bytesOf({ v: 1, files: ['a.txt'] })), 'FORMAT_INVALID', 'an entry a string')
    const huge = new Uint8Array(MAX_LISTING_BYTES + 1).fill(0x20)
    assertCode(() => decodeFolderListing(huge), 'FORMAT_INVALID', 'over the size limit')
  })

  it('refuses another version as UNSUPPORTED_VERSION', () => {
    for (const v of [2, 0, '1', null, undefined]) {
      const json = listingJson()
      json.v = v
      assertCode(() => decodeFolderListing(bytesOf(json)), 'UNSUPPORTED_VERSION', `v = ${String(v)}`)
    }
  })

  it('refuses a path that could leave the folder or is not a plain relative path', () => {
    for (const path of ['..', '../x', 'a/../../b', '.', './a', 'a/./b', 'a//b', 'a/', '/a', '/', '', 'x'.repeat(1025), 42, null]) {
      assertCode(() => decodeFolderListing(withFirst('path', path)), 'FORMAT_INVALID', `path ${JSON.stringify(path)}`)
    }
    assert.equal(decodeFolderListing(withFirst('path', '..a/b..')).at(0)?.path, '..a/b..', 'dots inside a name are a name')
  })

  it('refuses a path the recipient\'s vault would refuse, before anything is saved', () => {
    // A hostile sender's listing: "Save to my vault" would store the files before it and stop there.
    for (const path of ['a\u0000.txt', 'line\nbreak.txt', 'tab\there', 'del\u007f', 'sub/\u001b[31mred', `${'x'.repeat(256)}/a.txt`]) {
      assertCode(() => decodeFolderListing(withFirst('path', path)), 'FORMAT_INVALID', `path ${JSON.stringify(path)}`)
    }
    assert.equal(decodeFolderListing(withFirst('path', `${'x'.repeat(255)}/a.txt`)).at(0)?.path.length, 261, 'a 255-byte name is a name')
  })

  it('refuses two entries for one path', () => {
    const json = listingJson()
    ;(json.files[1] as Record<string, unknown>).path = json.files[0]?.path
    assertCode(() => decodeFolderListing(bytesOf(json)), 'FORMAT_INVALID')
  })

  it('refuses a path that is both a file and the folder of another, in either order, before anything is saved', () => {
    const withPaths = (...paths: string[]): Uint8Array => {
      const json = listingJson()
      paths.forEach((path, i) => { (json.files[i] as Record<string, unknown>).path = path })
      return bytesOf(json)
    }
    assertCode(() => decodeFolderListing(withPaths('a', 'a/b')), 'FORMAT_INVALID', 'file first')
    assertCode(() => decodeFolderListing(withPaths('x/a/b.txt', 'x/a')), 'FORMAT_INVALID', 'folder first, deeper')
    // The recipient's vault stores NFC: these are one name there.
    assertCode(() => decodeFolderListing(withPaths('Résumé'.normalize('NFD'), 'Résumé/cv.pdf')), 'FORMAT_INVALID', 'the file in NFD')
    assertCode(() => decodeFolderListing(withPaths('é.txt', 'é.txt'.normalize('NFD'))), 'FORMAT_INVALID', 'one name in NFC and NFD')
    assert.equal(decodeFolderListing(withPaths('a', 'ab/c', 'a b/c')).length, 3, 'a name that only starts like a file\'s is not its folder')
  })

  it('refuses a size that is not a byte count and a type that is not a short string', () => {
    for (const size of [-1, 1.5, '300', null, 2 ** 53]) {
      assertCode(() => decodeFolderListing(withFirst('size', size)), 'FORMAT_INVALID', `size ${String(size)}`)
    }
    for (const type of [7, null, 'x'.repeat(256)]) {
      assertCode(() => decodeFolderListing(withFirst('type', type)), 'FORMAT_INVALID', `type ${String(type)}`)
    }
  })

  it('refuses a damaged address or a key that is not 32 bytes', () => {
    const v0 = 'QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG'
    for (const cid of ['not-a-cid', '', 17, v0]) {
      assertCode(() => decodeFolderListing(withFirst('cid', cid)), 'FORMAT_INVALID', `cid ${String(cid)}`)
    }
    for (const key of [base64url.baseEncode(new Uint8Array(31)), base64url.baseEncode(new Uint8Array(33)), '', '!!not base64!!', 5]) {
      assertCode(() => decodeFolderListing(withFirst('key', key)), 'FORMAT_INVALID', `key ${String(key)}`)
    }
  })

  it('refuses more than MAX_FOLDER_FILES files: encode with SHARE_FOLDER_TOO_LARGE, decode with FORMAT_INVALID', () => {
    const many = Array.from({ length: MAX_FOLDER_FILES + 1 }, (_, i): FolderEntry => ({ path: `f${i}`, size: i, type: '', cid: SAMPLE_CID, key: fixedKey(i % 256) }))
    assertCode(() => encodeFolderListing(many), 'SHARE_FOLDER_TOO_LARGE')
    const atLimit = encodeFolderListing(many.slice(0, MAX_FOLDER_FILES))
    assert.equal(decodeFolderListing(atLimit).length, MAX_FOLDER_FILES, 'exactly the limit is fine')
    const json = JSON.parse(new TextDecoder().decode(atLimit)) as { files: unknown[] }
    json.files.push({ path: 'one-more', size: 1, type: '', cid: SAMPLE_CID.toString(), key: base64url.baseEncode(fixedKey(9)) })
    const over = bytesOf(json)
    assert.ok(over.length <= MAX_LISTING_BYTES, 'refused for the count, not the size')
    assertCode(() => decodeFolderListing(over), 'FORMAT_INVALID')
  })

  it('encode refuses a path a recipient could not save', () => {
    assertCode(() => encodeFolderListing([{ ...entries()[0] as FolderEntry, path: '../escape' }]), 'FORMAT_INVALID')
  })
})
