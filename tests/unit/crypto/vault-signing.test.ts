import assert from 'node:assert/strict'
import { createPublicKey, verify as nodeVerify } from 'node:crypto'
import { test } from 'node:test'
import { fromBase64Url, toBase64Url } from '../../../core/crypto/base64.ts'
import { signedMessage, vaultPublicKey, vaultSigner, verifyVaultSignature } from '../../../core/crypto/vault-signing.ts'
import { deriveSubkey } from '../../../core/crypto/subkeys.ts'
import { isCairnError } from '../../../core/errors.ts'

const vk = Uint8Array.from({ length: 32 }, (_, i) => i)
const DOMAIN = 'cairn/v1/backup/manifest'
const payload = new TextEncoder().encode('{"seq":1}')

test('the vault id is the unpadded base64url of an Ed25519 key derived from the sign subkey, the same on every device', () => {
  const a = vaultSigner(vk)
  const b = vaultSigner(vk.slice())
  assert.equal(a.vaultId, b.vaultId)
  assert.equal(a.vaultId.length, 43)
  assert.match(a.vaultId, /^[A-Za-z0-9_-]+$/)
  assert.deepEqual(vaultPublicKey(a.vaultId), a.publicKey)
  assert.notEqual(vaultSigner(new Uint8Array(32)).vaultId, a.vaultId)
  // The seed is the sign subkey and nothing else: the vault key itself gives another key.
  assert.notDeepEqual(deriveSubkey(vk, 'sign'), vk)
})

test('signatures verify with an independent implementation (node:crypto, the id as a JWK)', () => {
  const signer = vaultSigner(vk)
  const sig = signer.sign(DOMAIN, payload)
  assert.equal(sig.length, 64)
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: signer.vaultId }, format: 'jwk' })
  assert.equal(nodeVerify(null, signedMessage(DOMAIN, payload), key, sig), true)
  // ... and the payload alone (no domain) is not what was signed.
  assert.equal(nodeVerify(null, payload, key, sig), false)
})

test('a signature is bound to its vault, its domain and its payload', () => {
  const signer = vaultSigner(vk)
  const other = vaultSigner(new Uint8Array(32).fill(7))
  const sig = signer.sign(DOMAIN, payload)
  assert.equal(verifyVaultSignature(signer.vaultId, DOMAIN, payload, sig), true)
  assert.equal(verifyVaultSignature(other.vaultId, DOMAIN, payload, sig), false)
  assert.equal(verifyVaultSignature(signer.vaultId, 'cairn/v1/backup/status', payload, sig), false)
  const tampered = payload.slice()
  tampered[0] = (tampered[0] as number) ^ 1
  assert.equal(verifyVaultSignature(signer.vaultId, DOMAIN, tampered, sig), false)
  const badSig = sig.slice()
  badSig[10] = (badSig[10] as number) ^ 1
  assert.equal(verifyVaultSignature(signer.vaultId, DOMAIN, payload, badSig), false)
  assert.equal(verifyVaultSignature(signer.vaultId, DOMAIN, payload, sig.subarray(0, 63)), false)
})

test('malformed vault ids and domains are refused, never thrown from verify', () => {
  const signer = vaultSigner(vk)
  const sig = signer.sign(DOMAIN, payload)
  for (const id of ['', 'abc', signer.vaultId + 'A', signer.vaultId.replace(/.$/, '+'), 42 as unknown as string]) {
    assert.equal(vaultPublicKey(id), undefined)
    assert.equal(verifyVaultSignature(id, DOMAIN, payload, sig), false)
  }
  assert.throws(() => signer.sign('backup/manifest', payload))
  assert.throws(() => signer.sign('cairn/v1/x\0y', payload))
})

test('base64url round trips and refuses non-canonical text', () => {
  for (let n = 0; n < 40; n++) {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff)
    assert.deepEqual(fromBase64Url(toBase64Url(bytes)), bytes)
  }
  assert.equal(fromBase64Url('AB'), undefined) // 'AB' leaves stray bits: canonical is 'AA'
  assert.equal(fromBase64Url('A'), undefined)
  assert.equal(fromBase64Url('AA=='), undefined)
})

test('a wiped signer refuses to sign', () => {
  const signer = vaultSigner(vk)
  signer.wipe()
  assert.throws(() => signer.sign(DOMAIN, payload), (err: unknown) => isCairnError(err, 'VAULT_LOCKED'))
})
