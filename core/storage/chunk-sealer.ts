import { pieceDigest } from '../crypto/dedup-tag-v2.ts'
import { ChunkCipher } from '../crypto/stream-chunk.ts'
import { deriveFileSubkeys, parseHeader, wipeFileSubkeys } from '../crypto/stream-header.ts'
import { CairnError } from '../errors.ts'

/** One encrypted chunk with the hashes the add needs, all computed where it was encrypted. */
export interface SealedChunk {
  /** Ciphertext and GCM tag: one UnixFS raw leaf. */
  ciphertext: Uint8Array
  /** SHA-256 of `ciphertext`: the leaf's CID digest. */
  leafDigest: Uint8Array
  /** SHA-256 of the plaintext: one piece of the version-2 dedup tag. */
  plainDigest: Uint8Array
  /** The plaintext's buffer, handed back by a sealer done with it: a later chunk may be read into it. */
  spare?: Uint8Array
}

/** The chunks of one file, sealed (and opened) by whichever thread the sealer picks. */
export interface SealSession {
  seal: (index: number, plaintext: Uint8Array, last: boolean) => Promise<SealedChunk>
  /**
   * Decrypts one chunk at its position (`plaintext` absent when it does not
   * authenticate there). Unlike `seal`, it takes the bytes it is handed only
   * when a store marked them as read for this caller alone (fresh-bytes.ts;
   * any others may be a cache's). A refused chunk's bytes always come back
   * whole (to name the failure); after a success, `ciphertext` may be empty.
   */
  unseal: (index: number, ciphertext: Uint8Array, last: boolean) => Promise<{ plaintext?: Uint8Array, ciphertext: Uint8Array }>
  /** Forgets the file's key wherever it went. */
  close: () => void
}

/**
 * Where the per-chunk work of an add or a read runs. WebCrypto works on the
 * calling thread (DESIGN §2), so a host with spare cores hands chunks to a
 * pool of workers; `width` is how many chunks a pipeline keeps in flight.
 * The plaintext handed to `seal` may be taken (transferred) by the sealer.
 */
export interface ChunkSealer {
  readonly width: number
  /** `header` is the file's STREAM header; the sealer checks it under `fileKey`. The key is copied, not kept. */
  open: (fileKey: Uint8Array, header: Uint8Array) => SealSession
}

/** The cipher of one file on this thread, from its key and header (the header is verified). */
export async function openChunkCipher (fileKey: Uint8Array, header: Uint8Array): Promise<ChunkCipher> {
  const subkeys = deriveFileSubkeys(fileKey)
  try {
    return await ChunkCipher.create(subkeys, parseHeader(subkeys, header))
  } finally {
    wipeFileSubkeys(subkeys)
  }
}

/** Seals one chunk: encrypt, then hash the leaf and the plaintext. */
export async function sealChunk (cipher: ChunkCipher, index: number, plaintext: Uint8Array, last: boolean): Promise<SealedChunk> {
  const plainDigest = await pieceDigest(plaintext)
  const ciphertext = await cipher.encrypt(index, plaintext, last)
  return { ciphertext, leafDigest: await pieceDigest(ciphertext), plainDigest }
}

/** A sealer that does the work on the calling thread (Node without a pool, tests). */
export function createInThreadSealer (width = 2): ChunkSealer {
  return {
    width,
    open (fileKey, header) {
      let cipher: Promise<ChunkCipher> | undefined = openChunkCipher(fileKey.slice(), header)
      cipher.catch(() => {})
      const get = async (): Promise<ChunkCipher> => {
        if (cipher === undefined) throw new CairnError('INTERNAL', 'sealing after the file was closed')
        return await cipher
      }
      return {
        seal: async (index, plaintext, last) => await sealChunk(await get(), index, plaintext, last),
        unseal: async (index, ciphertext, last) => {
          const plaintext = await (await get()).decrypt(index, ciphertext, last)
          return plaintext === undefined ? { ciphertext } : { plaintext, ciphertext }
        },
        close: () => { cipher = undefined }
      }
    }
  }
}
