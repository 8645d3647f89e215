import { createNode, type NodeComponents } from '../../../core/node/create-node.ts'
import { loadWasmNoiseCrypto } from '../../../core/node/wasm-noise-cipher.ts'
import { withAdjacentSends } from '../../../core/node/adjacent-sends.ts'
import type { ICryptoInterface } from '@chainsafe/libp2p-noise'
import type { CID } from 'multiformats/cid'
import type { HashPieces } from '../../../core/protocols/blocks/fetched-block.ts'
import { createWasmSha256Pieces } from '../../../core/protocols/blocks/wasm-sha256-pieces.ts'
import { DEFAULT_BLOCK_CONCURRENCY } from '../../../core/protocols/backup/constants.ts'
import { mbPerSecond, type BenchContext } from './bench-context.ts'
import { openMemoryStore, openPackStore, type BenchStore } from './bench-stores.ts'
import { measureNoiseCipher, measureNoiseCipherLibsodium, measureNoiseCipherWasm } from './measure-noise.ts'
import { clearScratch } from './opfs-scratch.ts'
import type { BenchOptions } from './protocol.ts'
import { connectDevice, startBenchDevice, storeFileWithKey, timeReplication, timeRestore, type ReplicationPath, type ReplicationTargets } from './replicate-device.ts'
import { withStore } from './suite-env.ts'
import { countingWebSockets, type CoalescingCounts } from './proto-coalescing-websockets.ts'
import { measureShare } from './measure-share.ts'
import { measureShareSave } from './measure-share-save.ts'

/**
 * Blocks of one DAG the peer asks for at once (core/protocols/backup
 * DEFAULT_BLOCK_CONCURRENCY); the restore uses the same walk. (Until
 * issue 12 this was 3, the peer's count of roots fetched at once.)
 */
const PEER_FETCH_CONCURRENCY = DEFAULT_BLOCK_CONCURRENCY
/** A wider restore walk, to show how much of the restore figure is round trips. */
const WIDE_FETCH_CONCURRENCY = 32

/**
 * The replication figures (`npm run bench -- --only replication`): per
 * repetition and path, a browser device in this worker replicates the file
 * to the bench's backup peer, then run.ts's Node device does the same
 * (`replicate-node`), so each pair is measured seconds apart. Then fresh
 * browser devices restore the last file from the peer. Every browser device
 * stores in the app's OPFS pack blockstore (`createOpfsBlockstore`).
 */
export async function runReplicationSuite (file: File, options: BenchOptions, targets: ReplicationTargets, ctx: BenchContext): Promise<void> {
  let root: CID | undefined
  let fileKey: Uint8Array | undefined
  // As the app's browser nodes (issue 12): Noise with libsodium's cipher, fetched blocks hashed in pieces (hash-wasm).
  const appNode = withNoiseCrypto(createNode, await loadWasmNoiseCrypto())
  const hashPieces = await createWasmSha256Pieces()
  try {
    for (let rep = 1; rep <= options.reps; rep++) {
      for (const path of ['direct', 'relay'] as ReplicationPath[]) {
        ctx.log(`replication ${rep}/${options.reps}, ${path}`)
        // Issue 12, back to back: as shipped (each Noise frame and its length one WebSocket message) and with the
        // length sent as a message of its own (before), alternating which goes first; Chromium's CPU per thread
        // for each in the first repetition.
        const runs = [
          { name: `replicate.browser.${path}`, transport: shippedTransport, store: `replicate-${path}` },
          { name: `stage.replicate.browser.${path}.prefix_apart`, transport: prefixApartTransport, store: `replicate-${path}-apart` }
        ]
        if (rep % 2 === 0) runs.reverse()
        for (const run of runs) {
          await ctx.host({ op: 'gc', label: '' })
          const replicated = await replicateFromBrowser(file, targets, path, await openPackStore(run.store), run.name, ctx, run.transport, appNode, { cpu: rep === 1 })
          if (run.transport === shippedTransport) ({ root, fileKey } = replicated)
        }
        await ctx.host({ op: 'replicate-node', path, bytes: file.size })
      }
    }
    if (root === undefined || fileKey === undefined) return
    // What limits the browser path: storage (the same transfer from memory) and the Noise cipher.
    await ctx.host({ op: 'gc', label: '' })
    await replicateFromBrowser(file, targets, 'direct', openMemoryStore(), 'stage.replicate.browser.direct.memory', ctx, shippedTransport, appNode, { profile: 'replicate.browser.direct.memory' })
    // libp2p's WebSocket stops at 4 MiB buffered and resumes only once the socket is empty (polled every 10 ms).
    await ctx.host({ op: 'gc', label: '' })
    await replicateFromBrowser(file, targets, 'direct', await openPackStore('replicate-buffered'), 'proto.replicate.browser.direct.buffered_16MiB', ctx, wideBufferTransport, appNode)
    ctx.sample({ name: 'stage.prim.noise_chacha20poly1305', value: measureNoiseCipher(64 * 1024 * 1024), unit: 'MB/s' })
    ctx.sample({ name: 'stage.prim.noise_chacha20poly1305.wasm', value: measureNoiseCipherWasm(64 * 1024 * 1024), unit: 'MB/s' })
    ctx.sample({ name: 'stage.prim.noise_chacha20poly1305.libsodium', value: await measureNoiseCipherLibsodium(64 * 1024 * 1024), unit: 'MB/s' })
    for (let rep = 1; rep <= options.reps; rep++) {
      ctx.log(`restore ${rep}/${options.reps}`)
      // Over the batched exchange as the app restores, and over bitswap alone (before it), back to back.
      // `.joined`: each fetched block joined and hashed by WebCrypto, as browsers did before the seventh round.
      const runs = [
        { name: 'restore.browser', makeNode: appNode, exchange: true, hashPieces },
        { name: 'stage.restore.browser.bitswap', makeNode: appNode, exchange: false, hashPieces },
        { name: 'stage.restore.browser.joined', makeNode: appNode, exchange: true, hashPieces: undefined }
      ]
      if (rep % 2 === 0) runs.reverse()
      for (const run of runs) {
        await ctx.host({ op: 'gc', label: '' })
        // The restore as shipped is also profiled once: where the restoring worker's time goes.
        const profiled = rep === 1 && run.name === 'restore.browser'
        if (rep === 1) await ctx.host({ op: 'cpu-start', label: run.name })
        if (profiled) await ctx.host({ op: 'profile-start', label: run.name })
        await restoreToBrowser(file.size, root, targets, PEER_FETCH_CONCURRENCY, run.name, ctx, run.makeNode, shippedTransport, run.exchange, run.hashPieces)
        if (profiled) await ctx.host({ op: 'profile-stop', label: run.name })
        if (rep === 1) await ctx.host({ op: 'cpu-stop', label: run.name })
      }
    }
    // Before the share figures, which have failed on a loaded machine (SHARE_UNAVAILABLE) and end the run.
    await restoreToBrowser(file.size, root, targets, WIDE_FETCH_CONCURRENCY, `stage.restore.browser.concurrency${WIDE_FETCH_CONCURRENCY}`, ctx, appNode, shippedTransport, true, hashPieces)
    // A share link to the same file, served by the peer to a recipient with no vault (issue 4): replicated as a share copy.
    for (let rep = 1; rep <= options.reps; rep++) {
      ctx.log(`share ${rep}/${options.reps}`)
      await ctx.host({ op: 'gc', label: '' })
      const share = await measureShare(root, fileKey, file.size, targets.direct, ctx)
      ctx.sample({ name: 'share.ttfb', value: share.ttfb, unit: 's' })
      ctx.sample({ name: 'share.throughput', value: share.throughput, unit: 'MB/s' })
    }
    for (let rep = 1; rep <= options.reps; rep++) {
      ctx.log(`share save ${rep}/${options.reps}`)
      await ctx.host({ op: 'gc', label: '' })
      ctx.sample({ name: 'share.save.throughput', value: await measureShareSave(root, fileKey, file.size, targets.direct, ctx), unit: 'MB/s' })
    }
  } finally {
    await clearScratch()
  }
}

/** One `replicate.browser.<path>` repetition from `opened`, recorded as `name`; returns the root it replicated. */
async function replicateFromBrowser (file: File, targets: ReplicationTargets, path: ReplicationPath, opened: BenchStore, name: string, ctx: BenchContext, transport: CountedTransport, makeNode: MakeNode, measure: { cpu?: boolean, profile?: string } = {}): Promise<{ root: CID, fileKey: Uint8Array }> {
  return await withStore(opened, async (store) => {
    // Stored (untimed) before the device starts: the app's add is measured elsewhere.
    const { root, fileKey } = await storeFileWithKey(store.blockstore, file.stream())
    await store.flush()
    const counts = { sends: 0, messages: 0 }
    const device = await startBenchDevice(store.blockstore, transport(counts), targets.vaultKey, makeNode)
    try {
      const address = await connectDevice(device, targets, path)
      const before = { ...counts }
      // Chromium's CPU per thread and the worker's profile over the transfer alone (not the store and pairing before it).
      if (measure.cpu === true) await ctx.host({ op: 'cpu-start', label: name })
      if (measure.profile !== undefined) await ctx.host({ op: 'profile-start', label: measure.profile })
      // Also a share copy, so the share figures below can open it as a recipient with no vault.
      const ms = await timeReplication(device, address, root, 1, true)
      if (measure.profile !== undefined) await ctx.host({ op: 'profile-stop', label: measure.profile })
      if (measure.cpu === true) await ctx.host({ op: 'cpu-stop', label: name })
      ctx.sample({ name, value: mbPerSecond(file.size, ms), unit: 'MB/s' })
      sampleCounts(name, counts, before, file.size, ctx)
      return { root, fileKey }
    } finally {
      await device.stop()
    }
  })
}

/** A fresh browser device with an empty OPFS pack store fetches the whole DAG of `root` from the peer (direct), flushed; over the exchange unless `exchange` is false. */
async function restoreToBrowser (bytes: number, root: CID, targets: ReplicationTargets, concurrency: number, name: string, ctx: BenchContext, makeNode: MakeNode, transport: CountedTransport, exchange: boolean, hashPieces: HashPieces | undefined): Promise<void> {
  await withStore(await openPackStore('restore'), async (store) => {
    const counts = { sends: 0, messages: 0 }
    const device = await startBenchDevice(store.blockstore, transport(counts), targets.vaultKey, makeNode)
    try {
      await connectDevice(device, targets, 'direct')
      const before = { ...counts }
      const start = performance.now()
      const restored = await timeRestore(device, root, concurrency, exchange, hashPieces)
      await store.flush()
      const ms = performance.now() - start
      ctx.log(`${name}: ${restored.bytes} DAG bytes in ${ms.toFixed(0)} ms, ${restored.viaExchange} blocks over the exchange`)
      ctx.sample({ name, value: mbPerSecond(bytes, ms), unit: 'MB/s' })
      ctx.sample({ name: `count.${name}.exchange_blocks`, value: restored.viaExchange, unit: 'blocks' })
      sampleCounts(name, counts, before, bytes, ctx)
    } finally {
      await device.stop()
    }
  })
}

/** A device's WebSocket transport, counting its sends and messages into `counts`. */
type CountedTransport = (counts: CoalescingCounts) => NodeComponents['transports'][number]
/** As the app's browser node dials (sw/workers/node-worker.ts: libp2p's WebSockets, a Noise frame and its length one message: adjacent-sends.ts). */
const shippedTransport: CountedTransport = (counts) => withAdjacentSends(countingWebSockets(WebSocket, counts))
/** libp2p's WebSockets as they are, one message per piece: each Noise frame's 2-byte length a message of its own (before issue 12's sixth round). */
const prefixApartTransport: CountedTransport = (counts) => countingWebSockets(WebSocket, counts)
/** The shipped transport allowed 16 MiB buffered in the socket, polled every 2 ms once over it. */
const wideBufferTransport: CountedTransport = (counts) => withAdjacentSends(countingWebSockets(WebSocket, counts, { maxBufferedAmount: 16 * 2 ** 20, bufferedAmountPollInterval: 2 }))

type MakeNode = typeof createNode
/** `make` with Noise's cipher set to `noiseCrypto`. */
function withNoiseCrypto (make: MakeNode, noiseCrypto: ICryptoInterface): MakeNode {
  return (init, components) => make(init, { ...components, noiseCrypto })
}

/** WebSocket messages the device sent per MB of plaintext, and sends per message (what coalescing joined). */
function sampleCounts (name: string, counts: CoalescingCounts, before: CoalescingCounts, bytes: number, ctx: BenchContext): void {
  const messages = counts.messages - before.messages
  const sends = counts.sends - before.sends
  ctx.sample({ name: `count.${name}.ws_messages_per_MB`, value: messages / (bytes / 1e6), unit: 'msgs/MB' })
  ctx.log(`${name}: ${sends} sends in ${messages} WebSocket messages` +
    (counts.maxBuffered !== undefined ? `; bufferedAmount at most ${(counts.maxBuffered / 2 ** 20).toFixed(1)} MiB, ${counts.fullReads ?? 0} reads at the pause threshold` : ''))
}
