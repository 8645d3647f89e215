import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { blake3 } from '@noble/hashes/blake3.js'
import { createDedupHasher, dedupTag } from '../../../core/crypto/dedup-tag.ts'
import { deriveSubkey } from '../../../core/crypto/subkeys.ts'
import { generateVaultKey } from '../../../core/crypto/vault-key.ts'
import { patternBytes, pieces } from './stream-helpers.ts'

describe('dedup tag (keyed BLAKE3)', () => {
  const dedupKey = deriveSubkey(generateVaultKey(), 'dedup')

  it('is the same for the same content and 32 bytes long', async () => {
    const data = patternBytes(10000)
    const a = await dedupTag(dedupKey, data)
    assert.equal(a.length, 32)
    assert.deepEqual(await dedupTag(dedupKey, data.slice()), a)
  })

  it('differs per key (per vault) and per content', async () => {
    const data = patternBytes(10000)
    const other = deriveSubkey(generateVaultKey(), 'dedup')
    assert.notDeepEqual(await dedupTag(other, data), await dedupTag(dedupKey, data))
    const changed = data.slice()
    changed[9999] = (changed[9999] ?? 0) ^ 1
    assert.notDeepEqual(await dedupTag(dedupKey, changed), await dedupTag(dedupKey, data))
  })

  it('agrees with an independent keyed BLAKE3 (@noble/hashes) at every size', async () => {
    for (const size of [0, 1, 63, 64, 65, 1023, 1024, 1025, 2048, 4097, 100000]) {
      const data = patternBytes(size, size + 3)
      assert.deepEqual(await dedupTag(dedupKey, data), blake3(data, { key: dedupKey }), `size ${size}`)
    }
  })

  it('gives the same tag however the content is fed', async () => {
    const data = patternBytes(70000, 5)
    const whole = await dedupTag(dedupKey, data)
    for (const size of [1, 7, 1024, 65536]) {
      const hasher = await createDedupHasher(dedupKey)
      for (const piece of pieces(data, size)) hasher.update(piece)
      assert.deepEqual(hasher.digest(), whole, `${size}-byte pieces`)
    }
  })

  it('refuses a key of the wrong length and use after digest', async () => {
    await assert.rejects(createDedupHasher(new Uint8Array(16)))
    const hasher = await createDedupHasher(dedupKey)
    hasher.digest()
    assert.throws(() => hasher.update(new Uint8Array(1)))
    assert.throws(() => hasher.digest())
  })

  it('two hashers at once do not disturb each other', async () => {
    const [a, b] = await Promise.all([createDedupHasher(dedupKey), createDedupHasher(dedupKey)])
    const x = patternBytes(5000, 1)
    const y = patternBytes(5000, 2)
    for (let i = 0; i < 5; i++) { a.update(x.subarray(i * 1000, (i + 1) * 1000)); b.update(y.subarray(i * 1000, (i + 1) * 1000)) }
    assert.deepEqual(a.digest(), await dedupTag(dedupKey, x))
    assert.deepEqual(b.digest(), await dedupTag(dedupKey, y))
  })
})
