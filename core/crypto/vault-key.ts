import { equalBytes } from '@noble/ciphers/utils.js'
import { CairnError, FormatInvalidError, InvalidArgumentError, WrongPassphraseError } from '../errors.ts'
import { base64ToBytes, bytesToBase64 } from './base64.ts'
import { checkArgon2idParams, derivePassphraseKey, newArgon2idParams, type Argon2idCost, type Argon2idParams } from './passphrase-kdf.ts'
import { openSecret, sealSecret } from './secretbox.ts'
import { deriveSubkey } from './subkeys.ts'

/**
 * The stored form of the vault key (DESIGN §3): VK sealed with
 * XChaCha20-Poly1305 under an Argon2id key of the passphrase. JSON-safe; byte
 * strings are padded base64. The version, the KDF parameters and the key-check
 * value are the AEAD's associated data, so changing any of them fails unlocking.
 */
export interface VaultKeyRecord {
  v: 1
  kdf: {
    alg: 'argon2id'
    memoryKiB: number
    iterations: number
    parallelism: number
    /** base64 */
    salt: string
  }
  /** base64 of the sealed VK (secretbox format: version ‖ nonce ‖ ciphertext+tag). */
  wrappedKey: string
  /** base64 of {@link keyCheckValue}(VK): lets a recovered key be verified. */
  keyCheck: string
}

export const VAULT_KEY_LENGTH = 32
export const KEY_CHECK_LENGTH = 16

/** Makes a new random 32-byte vault key. */
export function generateVaultKey (): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(VAULT_KEY_LENGTH))
}

/** A 16-byte value derived from VK (HKDF `cairn/v1/key-check`); reveals nothing about VK. */
export function keyCheckValue (vaultKey: Uint8Array): Uint8Array {
  return deriveSubkey(vaultKey, 'key-check', KEY_CHECK_LENGTH)
}

/** The associated data of the wrapped key: every other field of the record, in a fixed spelling. */
function recordAad (kdf: VaultKeyRecord['kdf'], keyCheck: string): Uint8Array {
  return new TextEncoder().encode(
    `cairn/v1/vault-key\nv=1\nalg=${kdf.alg}\nm=${kdf.memoryKiB}\nt=${kdf.iterations}\np=${kdf.parallelism}\nsalt=${kdf.salt}\ncheck=${keyCheck}`)
}

/**
 * Wraps `vaultKey` under `passphrase` with exactly these Argon2id parameters
 * (and, for test vectors only, a fixed secretbox nonce).
 */
export async function wrapVaultKey (vaultKey: Uint8Array, passphrase: string, params: Argon2idParams, nonce?: Uint8Array): Promise<VaultKeyRecord> {
  if (vaultKey.length !== VAULT_KEY_LENGTH) throw new InvalidArgumentError(`a vault key is ${VAULT_KEY_LENGTH} bytes`)
  checkArgon2idParams(params)
  const kdf = { alg: 'argon2id' as const, memoryKiB: params.memoryKiB, iterations: params.iterations, parallelism: params.parallelism, salt: bytesToBase64(params.salt) }
  const keyCheck = bytesToBase64(keyCheckValue(vaultKey))
  const kek = await derivePassphraseKey(passphrase, params)
  try {
    const sealed = nonce === undefined ? sealSecret(kek, vaultKey, recordAad(kdf, keyCheck)) : sealSecret(kek, vaultKey, recordAad(kdf, keyCheck), nonce)
    return { v: 1, kdf, wrappedKey: bytesToBase64(sealed), keyCheck }
  } finally {
    kek.fill(0)
  }
}

/** Wraps `vaultKey` under `passphrase` with a fresh salt and the given (or default) Argon2id cost. */
export async function createVaultKeyRecord (vaultKey: Uint8Array, passphrase: string, cost?: Partial<Argon2idCost>): Promise<VaultKeyRecord> {
  return await wrapVaultKey(vaultKey, passphrase, newArgon2idParams(cost))
}

/** Changing the passphrase: the same VK wrapped anew (new salt, new nonce). The old record stops mattering once replaced. */
export async function rewrapVaultKey (vaultKey: Uint8Array, newPassphrase: string, cost?: Partial<Argon2idCost>): Promise<VaultKeyRecord> {
  return await createVaultKeyRecord(vaultKey, newPassphrase, cost)
}

/**
 * Checks the shape of a stored record (e.g. after JSON.parse). Throws
 * FORMAT_INVALID, UNSUPPORTED_VERSION or UNSUPPORTED_ALGORITHM.
 */
export function parseVaultKeyRecord (value: unknown): VaultKeyRecord {
  const r = value as Partial<VaultKeyRecord> | null
  if (typeof r !== 'object' || r === null) throw new FormatInvalidError('the vault key record is not an object')
  if (r.v !== 1) throw new CairnError('UNSUPPORTED_VERSION', `vault key record version ${String(r.v)} is not supported`)
  const kdf = r.kdf as Partial<VaultKeyRecord['kdf']> | undefined
  if (typeof kdf !== 'object' || kdf === null) throw new FormatInvalidError('the vault key record has no KDF parameters')
  if (kdf.alg !== 'argon2id') throw new CairnError('UNSUPPORTED_ALGORITHM', `KDF ${String(kdf.alg)} is not supported`)
  const numbers = [kdf.memoryKiB, kdf.iterations, kdf.parallelism]
  const strings = [kdf.salt, r.wrappedKey, r.keyCheck]
  if (!numbers.every(n => typeof n === 'number') || !strings.every(s => typeof s === 'string')) {
    throw new FormatInvalidError('the vault key record is malformed')
  }
  return {
    v: 1,
    kdf: { alg: 'argon2id', memoryKiB: kdf.memoryKiB as number, iterations: kdf.iterations as number, parallelism: kdf.parallelism as number, salt: kdf.salt as string },
    wrappedKey: r.wrappedKey as string,
    keyCheck: r.keyCheck as string
  }
}

/**
 * Opens the record with `passphrase` and returns VK. KDF parameters outside
 * the bounds fail with KDF_PARAMS_OUT_OF_BOUNDS before any work; a wrong
 * passphrase, or any changed field, fails with WRONG_PASSPHRASE.
 */
export async function unwrapVaultKey (record: VaultKeyRecord, passphrase: string): Promise<Uint8Array> {
  const r = parseVaultKeyRecord(record)
  const params: Argon2idParams = { memoryKiB: r.kdf.memoryKiB, iterations: r.kdf.iterations, parallelism: r.kdf.parallelism, salt: base64ToBytes(r.kdf.salt) }
  checkArgon2idParams(params)
  const sealed = base64ToBytes(r.wrappedKey)
  // No record is wrapped under an empty passphrase (derivation refuses it).
  if (passphrase.length === 0) throw new WrongPassphraseError('That passphrase does not open this vault')
  const kek = await derivePassphraseKey(passphrase, params)
  let vaultKey: Uint8Array
  try {
    vaultKey = openSecret(kek, sealed, recordAad(r.kdf, r.keyCheck), 'WRONG_PASSPHRASE')
  } finally {
    kek.fill(0)
  }
  // Authenticated above, so a mismatch means the record was written wrong, not tampered.
  if (vaultKey.length !== VAULT_KEY_LENGTH || !equalBytes(keyCheckValue(vaultKey), base64ToBytes(r.keyCheck))) {
    vaultKey.fill(0)
    throw new CairnError('KEY_UNWRAP_FAILED', 'the vault key does not match its key-check value')
  }
  return vaultKey
}
