import { FormatInvalidError, InvalidArgumentError } from '../errors.ts'
import { MAX_CHUNKS, NONCE_LENGTH, NONCE_PREFIX_LENGTH, TAG_LENGTH } from './stream-constants.ts'
import type { FileHeader, FileSubkeys } from './stream-header.ts'

/** WebCrypto wants ArrayBuffer-backed views; copy only the rare shared-memory case. */
export function toBufferSource (bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? bytes as Uint8Array<ArrayBuffer> : new Uint8Array(bytes)
}

/**
 * AES-256-GCM over the chunks of one file, with the content key imported into
 * WebCrypto once. Each call is one `crypto.subtle` operation, which runs off
 * the JavaScript thread, so callers keep several in flight.
 */
export class ChunkCipher {
  readonly header: FileHeader
  private readonly key: CryptoKey

  private constructor (header: FileHeader, key: CryptoKey) {
    this.header = header
    this.key = key
  }

  /** Imports the content key of `subkeys` for the file whose header is `header`. */
  static async create (subkeys: FileSubkeys, header: FileHeader): Promise<ChunkCipher> {
    const key = await globalThis.crypto.subtle.importKey('raw', toBufferSource(subkeys.contentKey), { name: 'AES-GCM' }, false, ['encrypt', 'decrypt'])
    return new ChunkCipher(header, key)
  }

  /** nonce = prefix(7) ‖ index (u32 big-endian) ‖ last flag (1 on the final chunk). */
  nonce (index: number, last: boolean): Uint8Array<ArrayBuffer> {
    if (!Number.isInteger(index) || index < 0 || index >= MAX_CHUNKS) throw new FormatInvalidError(`chunk index ${index} is out of range`)
    const nonce = new Uint8Array(NONCE_LENGTH)
    nonce.set(this.header.noncePrefix, 0)
    new DataView(nonce.buffer).setUint32(NONCE_PREFIX_LENGTH, index, false)
    nonce[NONCE_LENGTH - 1] = last ? 1 : 0
    return nonce
  }

  /** Encrypts one plaintext chunk; the result is its ciphertext followed by the 16-byte tag. */
  async encrypt (index: number, plaintext: Uint8Array, last: boolean): Promise<Uint8Array<ArrayBuffer>> {
    if (plaintext.length > this.header.chunkSize) throw new InvalidArgumentError('plaintext chunk is larger than the chunk size')
    const out = await globalThis.crypto.subtle.encrypt(
      { name: 'AES-GCM', iv: this.nonce(index, last), additionalData: this.header.bytes, tagLength: TAG_LENGTH * 8 },
      this.key, toBufferSource(plaintext))
    return new Uint8Array(out)
  }

  /**
   * Decrypts one ciphertext chunk as chunk `index` (final or not). Returns
   * undefined when it does not authenticate under that position: the caller
   * decides what the failure means and never sees unauthenticated bytes.
   */
  async decrypt (index: number, ciphertext: Uint8Array, last: boolean): Promise<Uint8Array<ArrayBuffer> | undefined> {
    if (ciphertext.length < TAG_LENGTH || ciphertext.length > this.header.chunkSize + TAG_LENGTH) return undefined
    if (index >= MAX_CHUNKS) return undefined
    try {
      const out = await globalThis.crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: this.nonce(index, last), additionalData: this.header.bytes, tagLength: TAG_LENGTH * 8 },
        this.key, toBufferSource(ciphertext))
      return new Uint8Array(out)
    } catch (err) {
      // WebCrypto reports a failed tag as OperationError; anything else is a real fault.
      if ((err as { name?: unknown } | null)?.name === 'OperationError') return undefined
      throw err
    }
  }
}
