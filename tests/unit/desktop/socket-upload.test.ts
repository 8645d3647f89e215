import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { CairnError } from '../../../core/errors.ts'
import type { AddFileResult } from '../../../core/rpc/api.ts'
import { createRpcClient } from '../../../core/rpc/rpc-client.ts'
import { decodeDaemonFrame, decodePageFrame } from '../../../core/rpc/socket-codec.ts'
import { BLOB_CHUNK_BYTES } from '../../../core/rpc/socket-messages.ts'
import type { VaultService } from '../../../core/vault/vault-service.ts'
import type { SocketLike } from '../../../web/connection/socket-carrier.ts'
import { randomBytes, readAll, startVault, type Cleanups } from '../vault/share-test-support.ts'
import { waitFor } from '../support/polling.ts'
import { launchCookie, pageCarrier, pageSocket, startTestServer } from './app-server-support.ts'

const MiB = 1024 * 1024

/** A File-like object whose stream hands out `piece`-sized chunks (bigger than a socket chunk, to be split). */
function fileOf (bytes: Uint8Array<ArrayBuffer>, name: string, piece = 3 * MiB): File {
  const file = {
    name,
    size: bytes.byteLength,
    type: 'application/octet-stream',
    lastModified: 1_700_000_000_000,
    stream: () => {
      let at = 0
      return new ReadableStream<Uint8Array<ArrayBuffer>>({
        pull: (controller) => {
          if (at >= bytes.byteLength) { controller.close(); return }
          controller.enqueue(bytes.slice(at, at += piece))
        }
      })
    }
  }
  // The page's carrier reads only these members of a File (web/connection/page-blobs.ts).
  return file as unknown as File
}

/** What the page's socket sent and heard of file reads: every reply must answer a pull. */
interface Traffic { pulls: number, replies: number, overSent: boolean, biggestChunk: number, socket: SocketLike | undefined }

/** The page's socket, watched: counts pulls heard and chunk/end/error replies sent. */
function watchedSocket (inner: SocketLike, traffic: Traffic): SocketLike {
  traffic.socket = inner
  return {
    get binaryType () { return inner.binaryType },
    set binaryType (value) { inner.binaryType = value },
    get readyState () { return inner.readyState },
    close: () => { inner.close() },
    send: (data) => {
      const message = decodePageFrame(data)
      if (message.kind === 'blob-chunk' || message.kind === 'blob-end' || message.kind === 'blob-error') {
        traffic.replies++
        if (traffic.replies > traffic.pulls) traffic.overSent = true
        if (message.kind === 'blob-chunk') traffic.biggestChunk = Math.max(traffic.biggestChunk, message.bytes.byteLength)
      }
      inner.send(data)
    },
    addEventListener: (type, listener) => {
      inner.addEventListener(type, (ev) => {
        const data = typeof ev === 'object' && ev !== null && 'data' in ev ? ev.data : undefined
        if (type === 'message' && data instanceof ArrayBuffer && decodeDaemonFrame(new Uint8Array(data)).kind === 'blob-pull') traffic.pulls++
        listener(ev)
      })
    }
  }
}

describe('files.add over the desktop socket', () => {
  const cleanups: Cleanups = []
  afterEach(async () => { for (const cleanup of cleanups.reverse()) await cleanup(); cleanups.length = 0 })

  /** A real vault behind a real app server, and a page's client whose socket is watched. */
  async function setUp (onAdd?: (done: Promise<AddFileResult>) => void): Promise<{ vault: VaultService, traffic: Traffic, client: ReturnType<typeof createRpcClient> }> {
    const { vault } = await startVault(cleanups)
    const test = await startTestServer({
      'files.add': async ({ file, path }) => {
        const done = vault.files().add({ file, path: path ?? file.name, mtime: file.lastModified, type: file.type })
        onAdd?.(done)
        return await done
      }
    }, vault)
    cleanups.push(test.close)
    const traffic: Traffic = { pulls: 0, replies: 0, overSent: false, biggestChunk: 0, socket: undefined }
    const cookie = await launchCookie(test.server)
    const carrier = pageCarrier(test.server, cookie, {
      open: (challenge) => watchedSocket(pageSocket(test.server, { origin: test.server.origin, cookie }, challenge), traffic),
      wait: async () => await new Promise<void>(() => {})
    })
    return { vault, traffic, client: createRpcClient(carrier, 'page') }
  }

  for (const size of [5 * MiB + 123, 9 * MiB + 7]) {
    it(`a ${(size / MiB).toFixed(1)} MiB file arrives byte-identical, never sent ahead of the daemon's pulls`, async () => {
      const { vault, traffic, client } = await setUp()
      const bytes = randomBytes(size)
      const added = await client.call('files.add', { uploadId: 'u1', file: fileOf(bytes, 'big.bin') })
      assert.equal(added.file.size, size)
      assert.equal(added.file.path, 'big.bin')
      const stored = await readAll(vault.files().open(added.file.fileId).stream)
      assert.ok(Buffer.from(stored).equals(Buffer.from(bytes)), 'the stored plaintext is the page\'s bytes')
      assert.equal(traffic.overSent, false)
      assert.ok(traffic.replies > 0 && traffic.replies <= traffic.pulls)
      assert.ok(traffic.biggestChunk <= BLOB_CHUNK_BYTES, `a chunk of ${traffic.biggestChunk} bytes`)
    })
  }

  it('a page that goes away mid-upload fails the upload and the vault keeps nothing', async () => {
    let daemonSide: Promise<AddFileResult> | undefined
    const { vault, traffic, client } = await setUp((done) => { daemonSide = done })
    const call = client.call('files.add', { uploadId: 'u2', file: fileOf(randomBytes(6 * MiB), 'cut.bin', 256 * 1024) })
    await waitFor(() => traffic.replies >= 3, 10_000, 'the daemon to pull a few chunks')
    ;(traffic.socket as unknown as { terminate: () => void }).terminate()
    await assert.rejects(call, (err: unknown) => err instanceof CairnError && err.code === 'NODE_UNAVAILABLE')
    await waitFor(() => daemonSide !== undefined, 5000, 'the daemon to start the add')
    await assert.rejects(daemonSide as Promise<AddFileResult>)
    assert.deepEqual(vault.files().list(), [])
  })
})
