import { argon2id } from 'hash-wasm'
import { CairnError } from '../errors.ts'

/**
 * Passphrase → key-encryption key with Argon2id (hash-wasm), DESIGN §3.
 * Parameters read from stored data are checked against fixed bounds before any
 * work, so a tampered record can neither make unlocking trivially cheap nor
 * exhaust the device (KDF_PARAMS_OUT_OF_BOUNDS).
 */

/** The cost settings of Argon2id. */
export interface Argon2idCost {
  /** Memory in KiB. */
  memoryKiB: number
  /** Passes over memory (t). */
  iterations: number
  /** Lanes (p). */
  parallelism: number
}

/** Cost plus the salt: everything needed to derive the key again. */
export interface Argon2idParams extends Argon2idCost {
  salt: Uint8Array
}

/** 64 MiB, 3 passes, 1 lane (~280 ms in a browser worker). */
export const DEFAULT_ARGON2ID_COST: Readonly<Argon2idCost> = Object.freeze({ memoryKiB: 64 * 1024, iterations: 3, parallelism: 1 })

/** Accepted ranges, inclusive. 19 MiB is OWASP's floor for Argon2id; 1 GiB the most a phone should be asked for. */
export const ARGON2ID_BOUNDS = Object.freeze({
  memoryKiB: { min: 19 * 1024, max: 1024 * 1024 },
  iterations: { min: 1, max: 10 },
  parallelism: { min: 1, max: 4 },
  saltLength: { min: 16, max: 64 }
})

export const DEFAULT_SALT_LENGTH = 16
/** The derived key is always 32 bytes. */
export const KDF_OUTPUT_LENGTH = 32

function inRange (value: unknown, range: { min: number, max: number }): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= range.min && value <= range.max
}

/** Throws KDF_PARAMS_OUT_OF_BOUNDS unless every parameter is within {@link ARGON2ID_BOUNDS}. */
export function checkArgon2idParams (params: Argon2idParams): void {
  const b = ARGON2ID_BOUNDS
  const bad: string[] = []
  if (!inRange(params.memoryKiB, b.memoryKiB)) bad.push(`memory ${String(params.memoryKiB)} KiB`)
  if (!inRange(params.iterations, b.iterations)) bad.push(`iterations ${String(params.iterations)}`)
  if (!inRange(params.parallelism, b.parallelism)) bad.push(`parallelism ${String(params.parallelism)}`)
  if (!(params.salt instanceof Uint8Array) || !inRange(params.salt.length, b.saltLength)) bad.push('salt length')
  if (bad.length > 0) throw new CairnError('KDF_PARAMS_OUT_OF_BOUNDS', `Argon2id parameters out of bounds: ${bad.join(', ')}`)
}

/** Fresh parameters for a new wrapping: the given cost (default {@link DEFAULT_ARGON2ID_COST}) and a random 16-byte salt. */
export function newArgon2idParams (cost: Partial<Argon2idCost> = {}): Argon2idParams {
  const params = { ...DEFAULT_ARGON2ID_COST, ...cost, salt: globalThis.crypto.getRandomValues(new Uint8Array(DEFAULT_SALT_LENGTH)) }
  checkArgon2idParams(params)
  return params
}

/**
 * The bytes a passphrase stands for: Unicode NFC, then UTF-8, so the same
 * passphrase typed on two keyboards (composed or decomposed accents) matches.
 */
export function passphraseBytes (passphrase: string): Uint8Array {
  return new TextEncoder().encode(passphrase.normalize('NFC'))
}

/**
 * Derives the 32-byte key-encryption key of `passphrase` (bounds checked
 * first). An empty passphrase is refused (WEAK_PASSPHRASE): hash-wasm cannot
 * take one, and no vault is ever wrapped under one.
 */
export async function derivePassphraseKey (passphrase: string, params: Argon2idParams): Promise<Uint8Array> {
  checkArgon2idParams(params)
  if (passphrase.length === 0) throw new CairnError('WEAK_PASSPHRASE', 'the passphrase is empty')
  const password = passphraseBytes(passphrase)
  try {
    return await argon2id({
      password,
      salt: params.salt,
      iterations: params.iterations,
      parallelism: params.parallelism,
      memorySize: params.memoryKiB,
      hashLength: KDF_OUTPUT_LENGTH,
      outputType: 'binary'
    })
  } finally {
    password.fill(0)
  }
}
