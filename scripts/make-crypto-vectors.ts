/**
 * Writes the fixed crypto test vectors, tests/vectors/crypto-*.json, from
 * fixed inputs (keys, nonce prefixes, salts, nonces). Run by hand:
 *
 *   npx tsx scripts/make-crypto-vectors.ts
 *
 * tests/unit/crypto/vectors.test.ts checks that the stored outputs still
 * decrypt AND are reproduced exactly from the stored inputs, so a change that
 * would strand existing vaults fails. Regenerate only for a new format
 * version, never to make that test pass.
 */
import { writeFileSync } from 'node:fs'
import { bytesToHex } from '@noble/hashes/utils.js'
import { dedupTag } from '../core/crypto/dedup-tag.ts'
import { derivePassphraseKey } from '../core/crypto/passphrase-kdf.ts'
import { vaultKeyToPhrase } from '../core/crypto/recovery-phrase.ts'
import { sealSecret } from '../core/crypto/secretbox.ts'
import { deriveFileSubkeys } from '../core/crypto/stream-header.ts'
import { encryptBytes } from '../core/crypto/stream-format.ts'
import { deriveSubkey, type SubkeyPurpose } from '../core/crypto/subkeys.ts'
import { keyCheckValue, wrapVaultKey } from '../core/crypto/vault-key.ts'
import { bytesToBase64 } from '../core/crypto/base64.ts'

const OUT = new URL('../tests/vectors/', import.meta.url)

/** Bytes 0, 1, 2, … (mod 251): a pattern anyone can regenerate, as BLAKE3's vectors use. */
function counting (length: number, offset = 0): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i + offset) % 251)
}

function fill (length: number, value: number): Uint8Array {
  return new Uint8Array(length).fill(value)
}

const hex = bytesToHex
const text = (s: string): Uint8Array => new TextEncoder().encode(s)

function write (name: string, value: unknown): void {
  writeFileSync(new URL(name, OUT), `${JSON.stringify(value, null, 2)}\n`)
  console.log(`wrote tests/vectors/${name}`)
}

async function streamVectors (): Promise<void> {
  const key = counting(32, 1)
  const noncePrefix = counting(7, 200)
  const subkeys = deriveFileSubkeys(key)
  const cases = [
    { name: 'empty file, 4 KiB chunks', chunkSize: 4096, plaintext: new Uint8Array(0) },
    { name: 'one byte, 4 KiB chunks', chunkSize: 4096, plaintext: text('x') },
    { name: 'exactly one full chunk (full final chunk), 4 KiB chunks', chunkSize: 4096, plaintext: counting(4096) },
    { name: 'two full chunks and 5 bytes, 4 KiB chunks', chunkSize: 4096, plaintext: counting(2 * 4096 + 5, 7) },
    { name: 'short text, default 1 MiB chunks', chunkSize: 1 << 20, plaintext: text('Cairn keeps your files on your own devices.\n') }
  ]
  write('crypto-stream.json', {
    description: 'Cairn encrypted-file STREAM format v1: header (80 bytes) then AES-256-GCM chunks. See core/crypto/stream-constants.ts.',
    key: hex(key),
    noncePrefix: hex(noncePrefix),
    subkeys: { content: hex(subkeys.contentKey), commitment: hex(subkeys.commitment), headerMac: hex(subkeys.headerMacKey) },
    cases: await Promise.all(cases.map(async c => ({
      name: c.name,
      chunkSize: c.chunkSize,
      plaintext: bytesToBase64(c.plaintext),
      ciphertext: bytesToBase64(await encryptBytes(c.plaintext, { key, chunkSize: c.chunkSize, noncePrefix }))
    })))
  })
}

async function vaultKeyVectors (): Promise<void> {
  const cases = [
    { name: 'ASCII passphrase', vaultKey: counting(32, 50), passphrase: 'river stone copper window', salt: counting(16, 90), nonce: counting(24, 120) },
    // Stored as NFC; the NFD spelling must open it too (the test checks both).
    { name: 'non-ASCII passphrase (NFC)', vaultKey: fill(32, 0xa5), passphrase: 'Gr\u00fcne \u00c4pfel fallen leise', salt: fill(32, 7), nonce: fill(24, 9) }
  ]
  const kdf = { memoryKiB: 19 * 1024, iterations: 1, parallelism: 1 }
  write('crypto-vault-key.json', {
    description: 'Vault key record v1: Argon2id(passphrase NFC UTF-8) → KEK; VK sealed with XChaCha20-Poly1305 (secretbox), record fields as AAD. Small in-bounds Argon2id cost so the test is fast.',
    cases: await Promise.all(cases.map(async c => {
      const params = { ...kdf, salt: c.salt }
      return {
        name: c.name,
        vaultKey: hex(c.vaultKey),
        passphrase: c.passphrase,
        salt: hex(c.salt),
        nonce: hex(c.nonce),
        kek: hex(await derivePassphraseKey(c.passphrase, params)),
        keyCheck: hex(keyCheckValue(c.vaultKey)),
        record: await wrapVaultKey(c.vaultKey, c.passphrase, params, c.nonce)
      }
    }))
  })
}

function recoveryVectors (): void {
  const keys = [fill(32, 0), fill(32, 0xff), counting(32, 3), fill(32, 0x80)]
  write('crypto-recovery-phrase.json', {
    description: 'Recovery phrase: the 32-byte vault key as 24 English BIP-39 words; keyCheck = HKDF-SHA256(VK, info "cairn/v1/key-check"), 16 bytes.',
    cases: keys.map(vaultKey => ({ vaultKey: hex(vaultKey), phrase: vaultKeyToPhrase(vaultKey), keyCheck: hex(keyCheckValue(vaultKey)) }))
  })
}

async function dedupVectors (): Promise<void> {
  const key = counting(32, 11)
  const lengths = [0, 1, 64, 1023, 1024, 1025, 3000]
  write('crypto-dedup-tag.json', {
    description: 'Dedup tag: keyed BLAKE3 (32-byte output) of the plaintext under the dedup subkey. data = bytes i % 251 for i in 0..length.',
    key: hex(key),
    cases: await Promise.all(lengths.map(async length => ({ length, tag: hex(await dedupTag(key, counting(length))) })))
  })
}

function subkeyVectors (): void {
  const vaultKey = counting(32, 21)
  const purposes: SubkeyPurpose[] = ['index', 'dedup', 'sign', 'key-check', 'shares']
  write('crypto-subkeys.json', {
    description: 'Vault subkeys: HKDF-SHA256(VK, no salt, info "cairn/v1/<purpose>"), 32 bytes each.',
    vaultKey: hex(vaultKey),
    subkeys: Object.fromEntries(purposes.map(p => [p, hex(deriveSubkey(vaultKey, p))]))
  })
}

function secretboxVectors (): void {
  const cases = [
    { key: counting(32, 31), nonce: counting(24, 61), aad: text('cairn/v1/test'), plaintext: text('a small secret') },
    { key: fill(32, 1), nonce: fill(24, 2), aad: new Uint8Array(0), plaintext: new Uint8Array(0) },
    { key: fill(32, 3), nonce: fill(24, 4), aad: counting(40), plaintext: counting(300, 9) }
  ]
  write('crypto-secretbox.json', {
    description: 'Secretbox v1: version(1) ‖ nonce(24) ‖ XChaCha20-Poly1305(key, nonce, aad, plaintext).',
    cases: cases.map(c => ({ key: hex(c.key), nonce: hex(c.nonce), aad: hex(c.aad), plaintext: hex(c.plaintext), sealed: hex(sealSecret(c.key, c.plaintext, c.aad, c.nonce)) }))
  })
}

await streamVectors()
await vaultKeyVectors()
recoveryVectors()
await dedupVectors()
subkeyVectors()
secretboxVectors()
