import { equals } from 'multiformats/bytes'
import { identity } from 'multiformats/hashes/identity'
import { sha256, sha512 } from 'multiformats/hashes/sha2'
import { CairnError } from '../errors.ts'
import type { CID } from 'multiformats/cid'

/**
 * A stored block whose bytes no longer hash to its CID: the disk (or
 * someone) changed them. Carries the CID so a caller can fetch a good copy
 * and name the file it belongs to.
 */
export class BlockDamagedError extends CairnError {
  constructor (readonly cid: CID, message = `Block ${cid.toString()} is damaged: its bytes no longer match its hash`) {
    super('BLOCK_DAMAGED', message)
    // To code that only knows interface-store's errors a damaged block is an
    // absent one: bitswap then answers "don't have" for it and still sends the
    // other blocks of the same want list (any other error aborts the batch).
    this.name = 'NotFoundError'
  }
}

/** The CID a BLOCK_DAMAGED error names, when it is one. */
export function damagedCid (err: unknown): CID | undefined {
  return err instanceof BlockDamagedError ? err.cid : undefined
}

/**
 * True when `bytes` hash to `cid`'s multihash. Hashes Cairn never makes
 * (anything but sha2-256, sha2-512 and identity) cannot be checked here and
 * count as sound. sha2 runs natively: WebCrypto in browsers, node:crypto in
 * Node (multiformats picks by the package's browser field).
 */
export async function blockMatchesCid (cid: CID, bytes: Uint8Array): Promise<boolean> {
  const code = cid.multihash.code
  const hasher = code === sha256.code ? sha256 : code === sha512.code ? sha512 : code === identity.code ? identity : undefined
  if (hasher === undefined) return true
  const digest = await hasher.digest(bytes)
  return equals(digest.bytes, cid.multihash.bytes)
}

/** Throws {@link BlockDamagedError} unless `bytes` hash to `cid`. */
export async function assertBlockMatches (cid: CID, bytes: Uint8Array): Promise<void> {
  if (!(await blockMatchesCid(cid, bytes))) throw new BlockDamagedError(cid)
}
