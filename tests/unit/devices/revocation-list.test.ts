import assert from 'node:assert/strict'
import { test } from 'node:test'
import { vaultSigner } from '../../../core/crypto/vault-signing.ts'
import { applyRevocation, MAX_REVOKED, parseRevocationList, signRevocationList, verifyRevocationList } from '../../../core/protocols/backup/revocation.ts'

const signer = vaultSigner(new Uint8Array(32).fill(3))
const codeOf = (fn: () => unknown): string | undefined => {
  try { fn() } catch (err) { return (err as { code?: string }).code }
  return undefined
}

test('a revocation list is signed, sorted, and checked strictly', () => {
  const list = signRevocationList(signer, ['12D3KooWB', '12D3KooWA', '12D3KooWB'], 4, 1000)
  assert.deepEqual(list.revoked, ['12D3KooWA', '12D3KooWB'])
  assert.equal(verifyRevocationList(parseRevocationList(JSON.parse(JSON.stringify(list)))), true)
  assert.equal(verifyRevocationList({ ...list, seq: 5 }), false, 'the seq is signed')
  assert.equal(verifyRevocationList({ ...list, revoked: ['12D3KooWA'] }), false, 'the devices are signed')
  assert.equal(codeOf(() => parseRevocationList({ ...list, extra: 1 })), 'FORMAT_INVALID')
  assert.equal(codeOf(() => parseRevocationList({ ...list, v: 2 })), 'FORMAT_INVALID')
  assert.equal(codeOf(() => parseRevocationList({ ...list, seq: 0 })), 'FORMAT_INVALID')
  assert.equal(codeOf(() => parseRevocationList({ ...list, revoked: ['12D3KooWA', '12D3KooWA'] })), 'FORMAT_INVALID')
  assert.equal(codeOf(() => parseRevocationList({ ...list, revoked: ['not a device id!'] })), 'FORMAT_INVALID')
  const many = Array.from({ length: MAX_REVOKED + 1 }, (_, i) => `12D3KooW${String(i).padStart(5, '0')}`)
  assert.equal(codeOf(() => signRevocationList(signer, many, 1)), 'FORMAT_INVALID')
  assert.equal(codeOf(() => parseRevocationList({ ...list, revoked: many })), 'FORMAT_INVALID')
})

test('a holder keeps the union and ignores a list whose seq is not higher', () => {
  const first = applyRevocation(undefined, signRevocationList(signer, ['12D3KooWA'], 2, 10))
  assert.deepEqual(first, { seq: 2, issuedAt: 10, revoked: ['12D3KooWA'] })
  assert.equal(applyRevocation(first, signRevocationList(signer, [], 2, 20)), undefined)
  assert.equal(applyRevocation(first, signRevocationList(signer, [], 1, 30)), undefined)
  assert.deepEqual(applyRevocation(first, signRevocationList(signer, ['12D3KooWB'], 3, 40)), { seq: 3, issuedAt: 40, revoked: ['12D3KooWA', '12D3KooWB'] })
})
