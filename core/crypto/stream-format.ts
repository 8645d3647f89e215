/**
 * The encrypted-file (STREAM) format, version 1 (DESIGN §4): the public
 * surface. See stream-constants.ts for the byte layout.
 */
export {
  DEFAULT_CHUNK_SIZE, FILE_KEY_LENGTH, HEADER_LENGTH, MAX_CHUNK_LOG2, MIN_CHUNK_LOG2, NONCE_PREFIX_LENGTH, TAG_LENGTH
} from './stream-constants.ts'
export { generateFileKey, type FileHeader } from './stream-header.ts'
export { createEncryptStream, type EncryptStreamInit } from './stream-encrypt.ts'
export { createDecryptStream, type DecryptStreamInit } from './stream-decrypt.ts'
export { decryptBytes, encryptBytes, openEncryptedFile, type EncryptedFileReader } from './stream-bytes.ts'
export {
  chunkCount, chunkLocation, encryptedSize, plaintextRangeToChunks, plaintextSize, type ChunkLocation, type ChunkRange
} from './stream-layout.ts'
