import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { gcm } from '@noble/ciphers/aes.js'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { argon2id } from '@noble/hashes/argon2.js'
import { blake3 } from '@noble/hashes/blake3.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'
import { base64ToBytes } from '../../../core/crypto/base64.ts'
import { dedupTag } from '../../../core/crypto/dedup-tag.ts'
import { derivePassphraseKey } from '../../../core/crypto/passphrase-kdf.ts'
import { phraseToVaultKey, vaultKeyToPhrase } from '../../../core/crypto/recovery-phrase.ts'
import { openSecret, sealSecret } from '../../../core/crypto/secretbox.ts'
import { decryptBytes, encryptBytes } from '../../../core/crypto/stream-format.ts'
import { deriveFileSubkeys } from '../../../core/crypto/stream-header.ts'
import { deriveSubkey, type SubkeyPurpose } from '../../../core/crypto/subkeys.ts'
import { keyCheckValue, unwrapVaultKey, wrapVaultKey, type VaultKeyRecord } from '../../../core/crypto/vault-key.ts'

/**
 * Fixed vectors from scripts/make-crypto-vectors.ts. Each stored output must
 * still open AND be reproduced byte for byte from the stored inputs: a change
 * that fails here would strand data written by earlier versions.
 */
function load<T> (name: string): T {
  return JSON.parse(readFileSync(new URL(`../../vectors/${name}`, import.meta.url), 'utf8')) as T
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)

interface StreamVectors {
  key: string
  noncePrefix: string
  subkeys: { content: string, commitment: string, headerMac: string }
  cases: Array<{ name: string, chunkSize: number, plaintext: string, ciphertext: string }>
}

/**
 * A second, independent reading of the documented layout (stream-constants.ts)
 * with @noble/ciphers' AES-GCM instead of WebCrypto: the format is what the
 * page says, not just whatever the implementation does.
 */
function referenceDecrypt (key: Uint8Array, file: Uint8Array): Uint8Array {
  const header = file.subarray(0, 80)
  assert.equal(new TextDecoder().decode(header.subarray(0, 6)), 'CAIRNF')
  assert.deepEqual([...header.subarray(6, 8)], [1, 1])
  const chunkSize = 2 ** (header[8] ?? 0)
  const prefix = header.subarray(9, 16)
  const info = (s: string): Uint8Array => utf8(`cairn/v1/${s}`)
  assert.deepEqual(header.subarray(16, 48), hkdf(sha256, key, undefined, info('file-commit'), 32))
  assert.deepEqual(header.subarray(48, 80), hmac(sha256, hkdf(sha256, key, undefined, info('file-header-mac'), 32), header.subarray(0, 16)))
  const contentKey = hkdf(sha256, key, undefined, info('file-content'), 32)
  const out: Uint8Array[] = []
  for (let off = 80, index = 0; off < file.length; off += chunkSize + 16, index++) {
    const chunk = file.subarray(off, Math.min(off + chunkSize + 16, file.length))
    const last = off + chunk.length === file.length
    const nonce = new Uint8Array(12)
    nonce.set(prefix)
    new DataView(nonce.buffer).setUint32(7, index)
    nonce[11] = last ? 1 : 0
    out.push(gcm(contentKey, nonce, header).decrypt(chunk))
  }
  return Uint8Array.from(out.flatMap(p => [...p]))
}

describe('crypto test vectors', () => {
  it('STREAM: stored files decrypt, re-encrypt to the same bytes, and match the reference reading', async () => {
    const v = load<StreamVectors>('crypto-stream.json')
    const key = hexToBytes(v.key)
    const noncePrefix = hexToBytes(v.noncePrefix)
    const subkeys = deriveFileSubkeys(key)
    assert.deepEqual([subkeys.contentKey, subkeys.commitment, subkeys.headerMacKey].map(bytesToHex), [v.subkeys.content, v.subkeys.commitment, v.subkeys.headerMac])
    assert.ok(v.cases.length >= 5)
    for (const c of v.cases) {
      const plaintext = base64ToBytes(c.plaintext)
      const ciphertext = base64ToBytes(c.ciphertext)
      assert.deepEqual(await decryptBytes(ciphertext, { key }), plaintext, c.name)
      assert.deepEqual(await encryptBytes(plaintext, { key, chunkSize: c.chunkSize, noncePrefix }), ciphertext, c.name)
      assert.deepEqual(referenceDecrypt(key, ciphertext), plaintext, c.name)
    }
  })

  it('vault key record: the stored record opens, and wrapping again gives the same record (KEK checked against @noble/hashes Argon2id)', async () => {
    const v = load<{ cases: Array<{ name: string, vaultKey: string, passphrase: string, salt: string, nonce: string, kek: string, keyCheck: string, record: VaultKeyRecord }> }>('crypto-vault-key.json')
    for (const c of v.cases) {
      const { memoryKiB, iterations, parallelism } = c.record.kdf
      const params = { memoryKiB, iterations, parallelism, salt: hexToBytes(c.salt) }
      assert.equal(bytesToHex(await derivePassphraseKey(c.passphrase, params)), c.kek, c.name)
      // An independent Argon2id (pure JS) agrees on the KEK.
      assert.equal(bytesToHex(argon2id(utf8(c.passphrase.normalize('NFC')), params.salt, { t: iterations, m: memoryKiB, p: parallelism, dkLen: 32 })), c.kek, c.name)
      assert.equal(bytesToHex(await unwrapVaultKey(c.record, c.passphrase)), c.vaultKey, c.name)
      assert.equal(bytesToHex(await unwrapVaultKey(c.record, c.passphrase.normalize('NFD'))), c.vaultKey, c.name)
      assert.equal(bytesToHex(keyCheckValue(hexToBytes(c.vaultKey))), c.keyCheck)
      assert.deepEqual(await wrapVaultKey(hexToBytes(c.vaultKey), c.passphrase, params, hexToBytes(c.nonce)), c.record, c.name)
    }
  })

  it('recovery phrase: fixed keys give the stored words and back', () => {
    const v = load<{ cases: Array<{ vaultKey: string, phrase: string, keyCheck: string }> }>('crypto-recovery-phrase.json')
    for (const c of v.cases) {
      assert.equal(vaultKeyToPhrase(hexToBytes(c.vaultKey)), c.phrase)
      assert.equal(bytesToHex(phraseToVaultKey(c.phrase, hexToBytes(c.keyCheck))), c.vaultKey)
    }
  })

  it('dedup tag: fixed key and data give the stored tags (and agree with @noble/hashes BLAKE3)', async () => {
    const v = load<{ key: string, cases: Array<{ length: number, tag: string }> }>('crypto-dedup-tag.json')
    const key = hexToBytes(v.key)
    for (const c of v.cases) {
      const data = Uint8Array.from({ length: c.length }, (_, i) => i % 251)
      assert.equal(bytesToHex(await dedupTag(key, data)), c.tag, `length ${c.length}`)
      assert.equal(bytesToHex(blake3(data, { key })), c.tag, `length ${c.length}`)
    }
  })

  it('subkeys: a fixed vault key gives the stored subkeys', () => {
    const v = load<{ vaultKey: string, subkeys: Record<SubkeyPurpose, string> }>('crypto-subkeys.json')
    for (const [purpose, expected] of Object.entries(v.subkeys) as Array<[SubkeyPurpose, string]>) {
      assert.equal(bytesToHex(deriveSubkey(hexToBytes(v.vaultKey), purpose)), expected, purpose)
    }
    assert.deepEqual(Object.keys(v.subkeys).sort(), ['dedup', 'index', 'key-check', 'shares', 'sign'])
  })

  it('secretbox: fixed inputs give the stored sealed bytes, which open', () => {
    const v = load<{ cases: Array<{ key: string, nonce: string, aad: string, plaintext: string, sealed: string }> }>('crypto-secretbox.json')
    for (const c of v.cases) {
      const [key, nonce, aad, plaintext, sealed] = [c.key, c.nonce, c.aad, c.plaintext, c.sealed].map(hexToBytes) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array]
      assert.equal(bytesToHex(sealSecret(key, plaintext, aad, nonce)), c.sealed)
      assert.deepEqual(openSecret(key, sealed, aad, 'INDEX_RECORD_TAMPERED'), plaintext)
      assert.deepEqual(xchacha20poly1305(key, nonce, aad).decrypt(sealed.subarray(25)), plaintext)
      assert.equal(sealed[0], 1)
    }
  })
})
