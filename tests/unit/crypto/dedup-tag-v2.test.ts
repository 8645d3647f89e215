import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { hkdf } from '@noble/hashes/hkdf.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, concatBytes } from '@noble/hashes/utils.js'
import { dedupTag } from '../../../core/crypto/dedup-tag.ts'
import { createDedupHasherV2, dedupTagV2, dedupTagV2FromDigests, dedupTagVersion, DEDUP_TAG_V2_MARKER, pieceDigest } from '../../../core/crypto/dedup-tag-v2.ts'
import { deriveSubkey } from '../../../core/crypto/subkeys.ts'
import { generateVaultKey } from '../../../core/crypto/vault-key.ts'
import { patternBytes, pieces } from './stream-helpers.ts'

const MiB = 1024 * 1024
const counting = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => i % 251)

/** The construction as written in dedup-tag-v2.ts, from @noble/hashes alone: an independent check. */
function reference (key: Uint8Array, data: Uint8Array): Uint8Array {
  const digests: Uint8Array[] = []
  for (let off = 0; off < data.length || digests.length === 0; off += MiB) digests.push(sha256(data.subarray(off, off + MiB)))
  const size = new Uint8Array(8)
  new DataView(size.buffer).setBigUint64(0, BigInt(data.length), false)
  const tagKey = hkdf(sha256, key, undefined, new TextEncoder().encode('cairn/v2/dedup-tag'), 32)
  return concatBytes(DEDUP_TAG_V2_MARKER, hmac(sha256, tagKey, concatBytes(size, ...digests)).subarray(0, 28))
}

describe('dedup tag, version 2 (keyed hash over per-MiB SHA-256)', () => {
  const dedupKey = deriveSubkey(generateVaultKey(), 'dedup')

  it('matches fixed vectors (key 00..1f, bytes i mod 251), across piece boundaries', async () => {
    const key = Uint8Array.from({ length: 32 }, (_, i) => i)
    const vectors: Array<[number, string]> = [
      [0, '6374320041fc6bfdae94f42cb58b83b3fffaa2b50ebeac246610d476adbcc315'],
      [1, '637432005c0639aac434b3d7cc08fb473a5386fa4c497a068c13544bdbb2ba42'],
      [MiB - 1, '6374320010c31ac392a56bf95d86a3a75df811f5d7bd3536ee6cb0d129bba7c2'],
      [MiB, '63743200043e6330f1b50c6d884b776a6f0b93af26f43150523d7e5fe6194ba5'],
      [MiB + 1, '63743200431e1762a9e13d76929905c77b346d025f8f93fb53adb36a8a81b7dd'],
      [3 * MiB - 7, '6374320063c4f84c55561fd5bdc678dc942d3b329e0ba75b9aeac990d5b9e077']
    ]
    for (const [length, hex] of vectors) {
      const data = counting(length)
      assert.equal(bytesToHex(await dedupTagV2(key, data)), hex, `length ${length}`)
      assert.equal(bytesToHex(reference(key, data)), hex, `reference, length ${length}`)
    }
  })

  it('is the same however the input is cut, and the same from per-piece digests (what the seal workers send)', async () => {
    const data = patternBytes(2 * MiB + 12345)
    const whole = await dedupTagV2(dedupKey, data)
    for (const cut of [1000, 65536, MiB, 3 * MiB]) {
      const hasher = createDedupHasherV2(dedupKey)
      for (const piece of pieces(data, cut)) hasher.update(piece)
      assert.deepEqual(await hasher.digest(), whole, `cut ${cut}`)
    }
    const digests = await Promise.all([0, 1, 2].map(async i => await pieceDigest(data.subarray(i * MiB, (i + 1) * MiB))))
    assert.deepEqual(dedupTagV2FromDigests(dedupKey, data.length, digests), whole)
  })

  it('depends on the key, every byte, the length and the order of the pieces', async () => {
    const data = patternBytes(2 * MiB)
    const tag = await dedupTagV2(dedupKey, data)
    assert.notDeepEqual(await dedupTagV2(deriveSubkey(generateVaultKey(), 'dedup'), data), tag)
    const changed = data.slice()
    changed[MiB + 7] = (changed[MiB + 7] ?? 0) ^ 1
    assert.notDeepEqual(await dedupTagV2(dedupKey, changed), tag)
    assert.notDeepEqual(await dedupTagV2(dedupKey, data.subarray(0, data.length - 1)), tag)
    const swapped = concatBytes(data.subarray(MiB), data.subarray(0, MiB))
    assert.notDeepEqual(await dedupTagV2(dedupKey, swapped), tag)
    // A wrong number of digests for the size is refused, not tagged.
    const d = await pieceDigest(data.subarray(0, MiB))
    assert.throws(() => dedupTagV2FromDigests(dedupKey, data.length, [d]))
    assert.throws(() => dedupTagV2FromDigests(dedupKey, data.length, [d, d, d]))
    assert.throws(() => dedupTagV2FromDigests(new Uint8Array(16), MiB, [d]))
  })

  it('carries its version: version-2 tags have the marker, keyed BLAKE3 tags (version 1) do not', async () => {
    const data = patternBytes(5000)
    const v2 = await dedupTagV2(dedupKey, data)
    const v1 = await dedupTag(dedupKey, data)
    assert.equal(v2.length, 32)
    assert.equal(dedupTagVersion(v2), 2)
    assert.equal(dedupTagVersion(v1), 1)
    assert.notDeepEqual(v1, v2)
  })
})
