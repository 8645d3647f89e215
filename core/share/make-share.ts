import { CID } from 'multiformats/cid'
import { generateFileKey } from '../crypto/stream-format.ts'
import { readDecrypted, RecordingBlockstore, storeEncrypted } from '../storage/encrypted-content.ts'
import type { Blockstore } from 'interface-blockstore'

export interface MakeShareComponents {
  /** Where the share's new encrypted copy is written. */
  blockstore: Blockstore
  /** Where the vault's copy is read from; defaults to `blockstore`. */
  readBlockstore?: Blockstore
}

export interface MakeShareInit {
  /** Root CID of the vault's copy. */
  sourceCid: CID | string
  /** The vault copy's file key (from the index entry). */
  sourceKey: Uint8Array
  /** Plaintext size (the index entry's size); a copy of another length is refused. */
  size: number
  /** Called with the ciphertext bytes of the share copy stored so far. */
  onStored?: (ciphertextBytes: number) => void
  signal?: AbortSignal
}

export interface MadeShare {
  /** Root of the share's encrypted copy. */
  cid: CID
  /** Its fresh file key: the one key the link carries. */
  shareKey: Uint8Array
  /** The blocks this copy added (for pinning on the backup peer, or deleting on "Stop sharing"). */
  blocks: CID[]
}

/**
 * Re-encrypts a vault file under a fresh share key (see share-link.ts for
 * why a share is a copy). Streams: the vault copy is decrypted chunk by chunk
 * straight into the encryptor, so memory stays bounded whatever the size. If
 * anything fails — tampered source, abort — the blocks already written are
 * taken back, so a failed share leaves nothing behind.
 */
export async function makeShare (components: MakeShareComponents, init: MakeShareInit): Promise<MadeShare> {
  const source = typeof init.sourceCid === 'string' ? CID.parse(init.sourceCid) : init.sourceCid
  const shareKey = generateFileKey()
  const recorder = new RecordingBlockstore(components.blockstore)
  const signal = init.signal !== undefined ? { signal: init.signal } : {}
  // A copy: readDecrypted wipes the key it is given, and the caller still owns its own.
  const plaintext = readDecrypted(components.readBlockstore ?? components.blockstore, source, init.sourceKey.slice(), { plaintextLength: init.size, ...signal })
  try {
    const cid = await storeEncrypted(recorder, plaintext, {
      fileKey: shareKey,
      ...signal,
      ...(init.onStored !== undefined ? { onStored: init.onStored } : {})
    })
    return { cid, shareKey, blocks: [...recorder.written] }
  } catch (err) {
    await recorder.rollback()
    throw err
  }
}
