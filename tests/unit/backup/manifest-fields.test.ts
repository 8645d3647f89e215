import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MemoryDatastore } from 'datastore-core'
import { vaultSigner } from '../../../core/crypto/vault-signing.ts'
import { isCairnError } from '../../../core/errors.ts'
import { ManifestLog, MAX_ROOTS_PER_MANIFEST } from '../../../core/protocols/backup/manifest-log.ts'
import { parseRequest, type ManifestRequest } from '../../../core/protocols/backup/messages.ts'
import { signRequest, verifyRequestSignature } from '../../../core/protocols/backup/request-signing.ts'

const [A, B, C] = [
  'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy',
  'bafkreiac3npiiao5m2dfg72wbk7dwz4u34hkpxyeslj6tzpsemeh4sowpm',
  'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku'
] as [string, string, string]
const DEVICE = '12D3KooWSmiSnZZqxyWKxpsPkGSqmBhm1Jaq11PzWjEWpZcZLW1n'
const signer = vaultSigner(new Uint8Array(32).fill(7))

function manifest (fields: Partial<ManifestRequest> & Record<string, unknown>): ManifestRequest {
  return signRequest<ManifestRequest>(signer, 'peer', 'manifest', { device: DEVICE, seq: 1, pin: [A], unpin: [], ...fields } as ManifestRequest)
}

const malformed = (err: unknown): boolean => isCairnError(err) && err.code === 'FORMAT_INVALID'

test('parseRequest accepts drop and expires, and old manifests without them', () => {
  assert.doesNotThrow(() => parseRequest(manifest({})))
  assert.doesNotThrow(() => parseRequest(manifest({ drop: [B, C], expires: { [A]: Date.now() + 1000 } })))
  assert.doesNotThrow(() => parseRequest(manifest({ drop: [], expires: {} })))
})

test('parseRequest refuses malformed drop and expires', () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['drop not a list', { drop: B }],
    ['drop with a non-CID', { drop: ['not-a-cid'] }],
    ['drop with a non-canonical CID', { drop: [B.toUpperCase()] }],
    ['a root both pinned and dropped', { drop: [A] }],
    ['expires not an object', { expires: [1] }],
    ['expires keyed by a non-CID', { pin: [A], expires: { 'not-a-cid': 5 } }],
    ['a negative expiry', { expires: { [A]: -5 } }],
    ['a zero expiry', { expires: { [A]: 0 } }],
    ['a fractional expiry', { expires: { [A]: 1.5 } }],
    ['an expiry as a string', { expires: { [A]: '5' } }],
    ['an unsafe integer expiry', { expires: { [A]: 2 ** 60 } }],
    ['an expiry for a root the manifest does not pin', { expires: { [B]: Date.now() } }]
  ]
  for (const [what, fields] of cases) assert.throws(() => parseRequest({ ...manifest({}), ...fields }), malformed, what)
})

test('the signature covers drop and expires', () => {
  const signed = manifest({ drop: [B], expires: { [A]: 1_000_000 } })
  assert.equal(verifyRequestSignature(signed), true)
  assert.equal(verifyRequestSignature({ ...signed, drop: [C] }), false, 'another drop list')
  assert.equal(verifyRequestSignature({ ...signed, drop: undefined }), false, 'the drop removed')
  assert.equal(verifyRequestSignature({ ...signed, expires: { [A]: 1_000_001 } }), false, 'another expiry')
  assert.equal(verifyRequestSignature({ ...signed, expires: undefined }), false, 'the expiry removed')
})

test('ManifestLog: split keeps each expiry with its root and the drops; a snapshot carries expiries and pending drops', async () => {
  const log = new ManifestLog({ datastore: new MemoryDatastore() }, {
    peer: 'peerA',
    device: 'deviceA',
    snapshot: async () => ({ pin: [A, B], expires: { [B]: 99, [C]: 5 } })
  })
  await log.start()
  // MAX + 1 pins: A lands in the first part, B in the second.
  const many = [A, ...Array.from({ length: MAX_ROOTS_PER_MANIFEST - 1 }, () => C), B]
  const made = await log.append({ pin: many, unpin: [], drop: [C, A], expires: { [A]: 10, [B]: 20, 'not-pinned': 30 } })
  assert.equal(made.length, 2)
  assert.deepEqual(made[0]?.expires, { [A]: 10 })
  assert.equal(made[0]?.drop, undefined)
  assert.deepEqual(made[1]?.expires, { [B]: 20 })
  // C and A are pinned in the same change: pinning wins, nothing is dropped.
  assert.equal(made[1]?.drop, undefined)

  const [dropped] = await log.append({ pin: [], unpin: [], drop: [C] })
  assert.deepEqual(dropped, { device: 'deviceA', seq: 3, pin: [], unpin: [], drop: [C] })
  const [plain] = await log.append({ pin: [A], unpin: [] })
  assert.deepEqual(plain, { device: 'deviceA', seq: 4, pin: [A], unpin: [] }, 'no empty fields on an old-style change')

  await log.acknowledge(4)
  await log.append({ pin: [], unpin: [], drop: [C] })
  await log.rewind(1) // the peer lost track: a snapshot replaces the outbox, the unsent drop rides along
  assert.deepEqual(log.pending(), [{ device: 'deviceA', seq: 1, pin: [A, B], unpin: [], expires: { [B]: 99 }, drop: [C] }])
})
