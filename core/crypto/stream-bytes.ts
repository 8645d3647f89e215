import { CairnError } from '../errors.ts'
import { ChunkCipher } from './stream-chunk.ts'
import { DEFAULT_CHUNK_SIZE, HEADER_LENGTH } from './stream-constants.ts'
import { StreamDecryptor, type DecryptStreamInit } from './stream-decrypt.ts'
import { createEncryptStream, type EncryptStreamInit } from './stream-encrypt.ts'
import { deriveFileSubkeys, parseHeader, wipeFileSubkeys, type FileHeader } from './stream-header.ts'
import { encryptedSize } from './stream-layout.ts'

/** Encrypts a whole buffer into the STREAM format (the same bytes the stream produces). */
export async function encryptBytes (plaintext: Uint8Array, init: EncryptStreamInit): Promise<Uint8Array> {
  const out = new Uint8Array(encryptedSize(plaintext.length, init.chunkSize ?? DEFAULT_CHUNK_SIZE))
  const input = new ReadableStream<Uint8Array>({
    start (controller) {
      controller.enqueue(plaintext)
      controller.close()
    }
  })
  let off = 0
  for await (const piece of input.pipeThrough(createEncryptStream(init))) {
    out.set(piece, off)
    off += piece.length
  }
  return out
}

/**
 * Decrypts a whole encrypted file. The buffer's length is not taken as a
 * length hint (pass `ciphertextLength` only when it comes from elsewhere).
 */
export async function decryptBytes (ciphertext: Uint8Array, init: DecryptStreamInit): Promise<Uint8Array> {
  const decryptor = new StreamDecryptor(init)
  const pieces: Uint8Array[] = []
  const emit = (p: Uint8Array): void => { pieces.push(p) }
  await decryptor.push(ciphertext, emit)
  await decryptor.finish(emit)
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0))
  let off = 0
  for (const p of pieces) { out.set(p, off); off += p.length }
  return out
}

/** Random access to single chunks of one encrypted file (for range reads). */
export interface EncryptedFileReader {
  header: FileHeader
  /**
   * Decrypts chunk `index` (its ciphertext, tag included). `final` must say
   * whether it is the file's final chunk (see `chunkLocation`). Throws
   * CHUNK_TAMPERED when it does not authenticate at that position.
   */
  decryptChunk: (index: number, ciphertext: Uint8Array, final: boolean) => Promise<Uint8Array>
}

/** Verifies a file's header (first HEADER_LENGTH bytes) and returns a chunk reader for it. */
export async function openEncryptedFile (key: Uint8Array, header: Uint8Array): Promise<EncryptedFileReader> {
  const subkeys = deriveFileSubkeys(key)
  let parsed: FileHeader
  try {
    parsed = parseHeader(subkeys, header.subarray(0, HEADER_LENGTH))
  } catch (err) {
    wipeFileSubkeys(subkeys)
    throw err
  }
  const cipher = await ChunkCipher.create(subkeys, parsed)
  wipeFileSubkeys(subkeys)
  return {
    header: parsed,
    async decryptChunk (index, ciphertext, final) {
      const plaintext = await cipher.decrypt(index, ciphertext, final)
      if (plaintext === undefined) throw new CairnError('CHUNK_TAMPERED', `chunk ${index} failed authentication`)
      return plaintext
    }
  }
}
