/// <reference lib="webworker" />
import { webSockets } from '@libp2p/websockets'
import { MemoryDatastore } from 'datastore-core'
import { FileNotFoundError, FormatInvalidError, toErrorPayload } from '../../core/errors.ts'
import { createNode, type CairnHelia } from '../../core/node/create-node.ts'
import { wasmNoiseCryptoOrDefault } from '../../core/node/wasm-noise-cipher.ts'
import { withAdjacentSends } from '../../core/node/adjacent-sends.ts'
import { findShare, readShare } from '../../core/share/open-share.ts'
import { isPrivateAddress, isPrivateHost } from '../../core/share/dial-policy.ts'
import type { Multiaddr } from '@multiformats/multiaddr'
import { parseShareLink, type ShareLinkFields } from '../../core/share/share-link.ts'
import { withoutBidiControls } from '../../core/share/shared-name.ts'
import { decodeFolderListing, FOLDER_SHARE_TYPE, MAX_LISTING_BYTES } from '../../core/share/folder-listing.ts'
import { CairnError } from '../../core/errors.ts'
import { LruBlockstore } from '../../core/storage/lru-blockstore.ts'
import { serveFileStream } from './file-stream-server.ts'
import { contentTag } from '../../core/rpc/http-ranges.ts'
import type { FromShareWorker, ToShareWorker } from '../../core/rpc/share-messages.ts'

declare const self: DedicatedWorkerGlobalScope

/** Blocks a recipient keeps in memory: enough for a preview and a download to share the recent ones. */
const CACHE_BYTES = 48 * 1024 * 1024

/**
 * The node of someone opening a share link (issue 4): a light node with no
 * vault, no listen address and a fresh identity in memory only, so opening a
 * link leaves nothing behind. Blocks come from the link's hints (the backup
 * peer, the sharer's relayed address), are checked against their CIDs by
 * bitswap, and are decrypted on the way to the page's download or preview.
 */
let node: Promise<CairnHelia> | undefined
let fields: ShareLinkFields | undefined
/** A shared folder's files, each with its own address and key. */
let folder: ShareLinkFields[] | undefined

const post = (message: FromShareWorker): void => { self.postMessage(message) }

/** Where the app is served: a public app dials no loopback or LAN address a link names (core/share/dial-policy.ts). */
const appHost = self.location.hostname
const privateApp = isPrivateHost(appHost)

async function startNode (): Promise<CairnHelia> {
  const helia = createNode({ agentName: 'cairn-share', allowPrivateAddresses: privateApp }, {
    blockstore: new LruBlockstore(CACHE_BYTES),
    datastore: new MemoryDatastore(),
    transports: [withAdjacentSends(webSockets())],
    noiseCrypto: await wasmNoiseCryptoOrDefault(),
    // Also what identify or a relay might offer later, not only the link's hints.
    ...(privateApp ? {} : { connectionGater: { denyDialMultiaddr: async (ma: Multiaddr) => isPrivateAddress(ma.toString()) } })
  })
  await helia.start()
  return helia
}

async function open (link: string): Promise<void> {
  try {
    if (fields === undefined) {
      const read = parseShareLink(link)
      // The sender's name, as the page, the download and a save show it (shared-name.ts).
      fields = { ...read, name: withoutBidiControls(read.name) }
    }
  } catch (err) {
    post({ kind: 'open-failed', error: toErrorPayload(err) })
    return
  }
  const meta = { name: fields.name, size: fields.size, type: fields.type }
  post({ kind: 'link-read', meta })
  try {
    node ??= startNode()
    await findShare(await node, fields, { appHost })
    if (fields.type !== FOLDER_SHARE_TYPE) {
      post({ kind: 'opened', meta })
      return
    }
    folder ??= await readFolder(await node, fields)
    post({ kind: 'opened', meta, files: folder.map(f => ({ path: f.name, size: f.size, type: f.type })) })
  } catch (err) {
    post({ kind: 'open-failed', error: toErrorPayload(err), meta })
  }
}

/** A folder share's link points at its listing: read it (it is small) and keep each file's address and key. */
async function readFolder (helia: CairnHelia, listing: ShareLinkFields): Promise<ShareLinkFields[]> {
  if (listing.size > MAX_LISTING_BYTES) throw new FormatInvalidError('the shared folder\'s listing is too large')
  const bytes = new Uint8Array(await new Response(readShare(helia, listing)).arrayBuffer())
  return decodeFolderListing(bytes).map(entry => ({ cid: entry.cid, shareKey: entry.key, name: entry.path, size: entry.size, type: entry.type, hints: listing.hints }))
}

/** What a stream request names: the shared file, or one file of a shared folder. */
function target (index: number | undefined): ShareLinkFields {
  if (fields === undefined) throw new CairnError('SHARE_LINK_DAMAGED', 'the share is not open')
  if (index === undefined) return fields
  const file = folder?.[index]
  if (file === undefined) throw new FileNotFoundError('no such file in the shared folder')
  return file
}

self.onmessage = (ev: MessageEvent<ToShareWorker>) => {
  const message = ev.data
  if (message.kind === 'open') {
    void open(message.link)
  } else if (message.kind === 'stream') {
    serveFileStream(message.port, async () => {
      const share = target(message.index)
      if (node === undefined) throw new CairnError('SHARE_UNAVAILABLE', 'the share is not open')
      const name = share.name.slice(share.name.lastIndexOf('/') + 1)
      const helia = await node
      return { name, size: share.size, type: share.type, etag: contentTag(share.cid.toString()), read: (range) => readShare(helia, share, range !== undefined ? { range } : {}) }
    }, (err) => { post({ kind: 'stream-failed', error: toErrorPayload(err) }) })
  }
}
