import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { bytesToBase64, base64ToBytes } from '../../../core/crypto/base64.ts'
import { ARGON2ID_BOUNDS, DEFAULT_ARGON2ID_COST, checkArgon2idParams, derivePassphraseKey, type Argon2idParams } from '../../../core/crypto/passphrase-kdf.ts'
import {
  createVaultKeyRecord, generateVaultKey, keyCheckValue, parseVaultKeyRecord, rewrapVaultKey, unwrapVaultKey, type VaultKeyRecord
} from '../../../core/crypto/vault-key.ts'
import { assertCode } from './stream-helpers.ts'

/** The cheapest parameters inside the bounds, so the suite stays fast. */
const FAST = { memoryKiB: ARGON2ID_BOUNDS.memoryKiB.min, iterations: 1, parallelism: 1 }
const PASS = 'river stone copper window'

async function rejectsWith (promise: Promise<unknown>, code: Parameters<typeof assertCode>[1]): Promise<void> {
  await assert.rejects(promise, (err: unknown) => { assertCode(err, code); return true })
}

describe('Argon2id parameter bounds', () => {
  const salt = new Uint8Array(16)
  const ok: Argon2idParams = { ...FAST, salt }
  const outside: Array<[string, Argon2idParams]> = [
    ['memory too small', { ...ok, memoryKiB: ARGON2ID_BOUNDS.memoryKiB.min - 1 }],
    ['memory too large', { ...ok, memoryKiB: ARGON2ID_BOUNDS.memoryKiB.max + 1 }],
    ['memory not an integer', { ...ok, memoryKiB: 20000.5 }],
    ['zero iterations', { ...ok, iterations: 0 }],
    ['too many iterations', { ...ok, iterations: 11 }],
    ['zero lanes', { ...ok, parallelism: 0 }],
    ['too many lanes', { ...ok, parallelism: 5 }],
    ['salt too short', { ...ok, salt: new Uint8Array(15) }],
    ['salt too long', { ...ok, salt: new Uint8Array(65) }],
    ['NaN', { ...ok, iterations: Number.NaN }]
  ]

  it('accepts the defaults and the edges of the bounds', () => {
    checkArgon2idParams({ ...DEFAULT_ARGON2ID_COST, salt })
    checkArgon2idParams({ memoryKiB: ARGON2ID_BOUNDS.memoryKiB.max, iterations: 10, parallelism: 4, salt: new Uint8Array(64) })
    assert.deepEqual({ ...DEFAULT_ARGON2ID_COST }, { memoryKiB: 65536, iterations: 3, parallelism: 1 })
  })

  for (const [name, params] of outside) {
    it(`refuses ${name} before doing any work`, async () => {
      const started = performance.now()
      await rejectsWith(derivePassphraseKey(PASS, params), 'KDF_PARAMS_OUT_OF_BOUNDS')
      assert.ok(performance.now() - started < 20, 'the bounds check comes before Argon2id runs')
    })
  }
})

describe('vault key record', async () => {
  const vk = generateVaultKey()
  const record = await createVaultKeyRecord(vk, PASS, FAST)

  it('has the documented JSON shape and survives JSON', () => {
    const json = JSON.parse(JSON.stringify(record)) as VaultKeyRecord
    assert.equal(json.v, 1)
    assert.deepEqual(Object.keys(json).sort(), ['kdf', 'keyCheck', 'v', 'wrappedKey'])
    assert.deepEqual({ ...json.kdf, salt: undefined }, { alg: 'argon2id', ...FAST, salt: undefined })
    assert.equal(base64ToBytes(json.kdf.salt).length, 16)
    assert.deepEqual(base64ToBytes(json.keyCheck), keyCheckValue(vk))
    assert.equal(base64ToBytes(json.wrappedKey).length, 1 + 24 + 32 + 16)
  })

  it('unwraps with the right passphrase', async () => {
    assert.deepEqual(await unwrapVaultKey(JSON.parse(JSON.stringify(record)) as VaultKeyRecord, PASS), vk)
  })

  it('refuses a wrong passphrase with WRONG_PASSPHRASE', async () => {
    await rejectsWith(unwrapVaultKey(record, 'river stone copper windoe'), 'WRONG_PASSPHRASE')
    await rejectsWith(unwrapVaultKey(record, ''), 'WRONG_PASSPHRASE')
  })

  it('never wraps under an empty passphrase', async () => {
    await rejectsWith(createVaultKeyRecord(vk, '', FAST), 'WEAK_PASSPHRASE')
  })

  it('treats composed and decomposed accents as the same passphrase (NFC)', async () => {
    const composed = 'caf\u00e9 au lait tous les jours'
    const rec = await createVaultKeyRecord(vk, composed, FAST)
    assert.deepEqual(await unwrapVaultKey(rec, composed.normalize('NFD')), vk)
  })

  it('refuses every tampered field, including in-bounds KDF parameters', async () => {
    const salt = base64ToBytes(record.kdf.salt)
    salt[0] = (salt[0] ?? 0) ^ 1
    const wrapped = base64ToBytes(record.wrappedKey)
    wrapped[30] = (wrapped[30] ?? 0) ^ 1
    const check = base64ToBytes(record.keyCheck)
    check[0] = (check[0] ?? 0) ^ 1
    const tampered: VaultKeyRecord[] = [
      { ...record, kdf: { ...record.kdf, iterations: 2 } },
      { ...record, kdf: { ...record.kdf, memoryKiB: record.kdf.memoryKiB + 1024 } },
      { ...record, kdf: { ...record.kdf, parallelism: 2 } },
      { ...record, kdf: { ...record.kdf, salt: bytesToBase64(salt) } },
      { ...record, wrappedKey: bytesToBase64(wrapped) },
      // The key check does not change the KEK: only the associated data catches this one.
      { ...record, keyCheck: bytesToBase64(check) }
    ]
    for (const bad of tampered) await rejectsWith(unwrapVaultKey(bad, PASS), 'WRONG_PASSPHRASE')
  })

  it('refuses stored parameters outside the bounds before deriving', async () => {
    const started = performance.now()
    await rejectsWith(unwrapVaultKey({ ...record, kdf: { ...record.kdf, memoryKiB: 4 * 1024 * 1024 } }, PASS), 'KDF_PARAMS_OUT_OF_BOUNDS')
    await rejectsWith(unwrapVaultKey({ ...record, kdf: { ...record.kdf, iterations: 1000 } }, PASS), 'KDF_PARAMS_OUT_OF_BOUNDS')
    await rejectsWith(unwrapVaultKey({ ...record, kdf: { ...record.kdf, memoryKiB: 8 } }, PASS), 'KDF_PARAMS_OUT_OF_BOUNDS')
    await rejectsWith(unwrapVaultKey({ ...record, kdf: { ...record.kdf, salt: bytesToBase64(new Uint8Array(8)) } }, PASS), 'KDF_PARAMS_OUT_OF_BOUNDS')
    assert.ok(performance.now() - started < 50)
  })

  it('refuses unknown versions, algorithms and malformed records', async () => {
    await rejectsWith(unwrapVaultKey({ ...record, v: 2 } as unknown as VaultKeyRecord, PASS), 'UNSUPPORTED_VERSION')
    await rejectsWith(unwrapVaultKey({ ...record, kdf: { ...record.kdf, alg: 'scrypt' } } as unknown as VaultKeyRecord, PASS), 'UNSUPPORTED_ALGORITHM')
    await rejectsWith(unwrapVaultKey({ ...record, wrappedKey: 'not base64!' }, PASS), 'FORMAT_INVALID')
    await rejectsWith(unwrapVaultKey({ ...record, kdf: { ...record.kdf, iterations: '1' } } as unknown as VaultKeyRecord, PASS), 'FORMAT_INVALID')
    assert.throws(() => parseVaultKeyRecord(null), (err: unknown) => { assertCode(err, 'FORMAT_INVALID'); return true })
  })

  it('rewrapping changes the passphrase and salt, never the vault key', async () => {
    const next = await rewrapVaultKey(vk, 'a whole new passphrase here', FAST)
    assert.notEqual(next.kdf.salt, record.kdf.salt)
    assert.equal(next.keyCheck, record.keyCheck)
    assert.deepEqual(await unwrapVaultKey(next, 'a whole new passphrase here'), vk)
    await rejectsWith(unwrapVaultKey(next, PASS), 'WRONG_PASSPHRASE')
  })

  it('uses 64 MiB, 3 passes, 1 lane and a 16-byte salt by default', async () => {
    const rec = await createVaultKeyRecord(vk, PASS)
    assert.deepEqual({ m: rec.kdf.memoryKiB, t: rec.kdf.iterations, p: rec.kdf.parallelism }, { m: 65536, t: 3, p: 1 })
    assert.equal(base64ToBytes(rec.kdf.salt).length, 16)
    assert.deepEqual(await unwrapVaultKey(rec, PASS), vk)
  })

  it('key-check values differ per vault key and are 16 bytes', () => {
    assert.equal(keyCheckValue(vk).length, 16)
    assert.notDeepEqual(keyCheckValue(vk), keyCheckValue(generateVaultKey()))
  })
})

describe('base64 for stored records', () => {
  it('round-trips and accepts only canonical padded base64', () => {
    for (const n of [0, 1, 2, 3, 4, 31, 32, 33, 100000]) {
      const bytes = new Uint8Array(n).map((_, i) => (i * 37) & 0xff)
      assert.deepEqual(base64ToBytes(bytesToBase64(bytes)), bytes)
    }
    for (const bad of ['AQ', 'AQ=', 'A===', 'AR==', '@@@@', 'AQID\n', ' AQID']) {
      assert.throws(() => base64ToBytes(bad), (err: unknown) => { assertCode(err, 'FORMAT_INVALID'); return true }, bad)
    }
  })
})
