import { multiaddr } from '@multiformats/multiaddr'
import { CairnError, isCairnError } from '../errors.ts'
import { readWholeBlock } from '../storage/read-block.ts'
import { readDecrypted } from '../storage/encrypted-content.ts'
import { readLeaves } from '../storage/leaf-reader.ts'
import { HEADER_LENGTH } from '../crypto/stream-format.ts'
import { deriveFileSubkeys, parseHeader, wipeFileSubkeys } from '../crypto/stream-header.ts'
import { concatBytes } from '@noble/hashes/utils.js'
import type { ByteRange } from '../storage/range-read.ts'
import { dialableHints } from './dial-policy.ts'
import type { ShareLinkFields } from './share-link.ts'
import type { Helia } from '@helia/interface'
import type { Libp2p } from '@libp2p/interface'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/** The slice of a node that opening a share uses: a block getter, and a dialer for the link's hints. */
export interface ShareReader extends Pick<Helia, 'blockstore'> {
  libp2p: Pick<Libp2p, 'dial'>
}

export interface OpenShareOptions {
  /** How long to look for someone holding the file before saying nobody does (default 20 s). */
  findTimeoutMs?: number
  /** A download fails when no block arrives for this long (default 30 s). */
  stallTimeoutMs?: number
  signal?: AbortSignal
  /**
   * The host the app is served from (a recipient's browser): loopback and
   * private-range hints are dialed only when it is one too (dial-policy.ts).
   * Omitted where there is no app (Node peers and tools): every hint is dialed.
   */
  appHost?: string
}

const DEFAULT_FIND_TIMEOUT_MS = 20_000
const DEFAULT_STALL_TIMEOUT_MS = 30_000

const nobody = (cause?: unknown): CairnError =>
  new CairnError('SHARE_UNAVAILABLE', 'Nobody is sharing this file right now', cause !== undefined ? { cause } : undefined)

/**
 * Finds the share: dials the link's hints (all at once) and fetches the root
 * block and the file's header, all within a bounded wait. Bitswap checks every block against its CID and
 * ignores a peer's bad answer while the others may still send a good one;
 * when nobody online sends them in time the share is SHARE_UNAVAILABLE,
 * which the page turns into "Nobody is sharing this file right now". A
 * header that does not verify under the link's key is SHARE_LINK_DAMAGED.
 */
export async function findShare (helia: ShareReader, fields: ShareLinkFields, options: OpenShareOptions = {}): Promise<void> {
  const timeout = AbortSignal.timeout(options.findTimeoutMs ?? DEFAULT_FIND_TIMEOUT_MS)
  const signal = options.signal !== undefined ? AbortSignal.any([options.signal, timeout]) : timeout
  // Ask as soon as one holder answers: a hint that hangs (a sharer's browser
  // gone without a goodbye) must not hold up the others.
  const hints = options.appHost !== undefined ? dialableHints(fields.hints, options.appHost) : fields.hints
  const dials = hints.map(async (hint) => { await helia.libp2p.dial(multiaddr(hint), { signal }) })
  await Promise.any(dials).catch(() => {})
  try {
    await readWholeBlock(helia.blockstore, fields.cid, { signal })
  } catch (err) {
    if (options.signal?.aborted === true) throw err
    throw nobody(err)
  }
  let header: Uint8Array
  try {
    header = await readHeader(helia.blockstore, fields.cid, signal)
  } catch (err) {
    if (options.signal?.aborted === true) throw err
    // Its first leaf did not come in time, as for the root; anything else is no Cairn file.
    throw signal.aborted ? nobody(err) : damagedLink(err)
  }
  checkHeader(fields.shareKey, header)
}

const damagedLink = (cause: unknown): CairnError =>
  new CairnError('SHARE_LINK_DAMAGED', 'the link\'s key does not open the file its address names', { cause })

/** The first HEADER_LENGTH bytes of the file at `root` (its first leaf, fetched like any block). */
async function readHeader (blockstore: Blockstore, root: CID, signal: AbortSignal): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const part of readLeaves(blockstore, root, 1, signal, { start: 0, end: HEADER_LENGTH })) parts.push(part)
  return parts.length === 1 ? parts[0] as Uint8Array : concatBytes(...parts)
}

/**
 * The header must verify under the link's key (core/crypto/stream-header.ts):
 * a link naming something else (a vault's own blocks, any raw block) would
 * otherwise open as a file that every download and preview then fails on.
 */
function checkHeader (shareKey: Uint8Array, header: Uint8Array): void {
  const subkeys = deriveFileSubkeys(shareKey)
  try {
    parseHeader(subkeys, header)
  } catch (err) {
    throw damagedLink(err)
  } finally {
    wipeFileSubkeys(subkeys)
  }
}

/**
 * The share's plaintext as a stream: blocks come from whoever is connected,
 * are checked against their CIDs, and are decrypted and authenticated chunk by
 * chunk (core/storage/encrypted-content.ts), holding at most two windows of
 * ciphertext whatever the size. A download whose peers all went away fails
 * with SHARE_UNAVAILABLE after `stallTimeoutMs` without a block. With
 * `range`, only those bytes, from the blocks that hold them.
 */
export function readShare (helia: Pick<Helia, 'blockstore'>, fields: ShareLinkFields, options: OpenShareOptions & { range?: ByteRange } = {}): ReadableStream<Uint8Array> {
  const blocks = stallGuard(helia.blockstore, options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS, options.signal)
  // A copy: the link's key serves the next download too, and this one wipes its own.
  return readDecrypted(blocks, fields.cid, fields.shareKey.slice(), {
    plaintextLength: fields.size,
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    ...(options.range !== undefined ? { range: options.range } : {})
  })
}

/**
 * Helia's bitswap does not resend a block it sent the same peer in the last
 * 5 s (its doNotResendBlockWindow) and drops such a want, so a block asked for
 * again soon after (one evicted from the cache) is asked again after this.
 */
const ATTEMPT_MS = 7_000

/** A read-only view of a blockstore whose every `get` retries, then gives up after `stallMs`. */
function stallGuard (inner: Blockstore, stallMs: number, outer?: AbortSignal): Blockstore {
  const get = async function * (cid: CID, options: { signal?: AbortSignal } = {}): AsyncGenerator<Uint8Array> {
    const deadline = Date.now() + stallMs
    for (;;) {
      const attempt = AbortSignal.timeout(Math.min(ATTEMPT_MS, Math.max(1, deadline - Date.now())))
      const signals = [attempt, ...(options.signal !== undefined ? [options.signal] : []), ...(outer !== undefined ? [outer] : [])]
      try {
        yield await readWholeBlock(inner, cid, { signal: AbortSignal.any(signals) })
        return
      } catch (err) {
        if (outer?.aborted === true || options.signal?.aborted === true || isCairnError(err)) throw err
        if (Date.now() >= deadline) throw nobody(err)
      }
    }
  }
  // The UnixFS exporter only reads (`get`); everything else stays the inner store's.
  return new Proxy(inner, {
    get: (target, prop) => {
      if (prop === 'get') return get
      const value: unknown = Reflect.get(target, prop)
      return typeof value === 'function' ? value.bind(target) : value
    }
  })
}
