/** Types and helpers shared by the blockstore contract files. */

import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'
import { bytesEqual, equal, errorName, ok, rejects } from './assert.ts'
import { collectBytes, type Block } from './block-fixtures.ts'

/** What the test runner provides: node:test's `describe`/`it`, or the browser harness's. */
export interface ContractHarness {
  describe: (name: string, fn: () => void) => void
  it: (name: string, fn: () => Promise<void>) => void
}

/** Options a factory may honour when it opens a store. */
export interface OpenOptions {
  /** Roll packs over at this size (ignored by stores without packs). */
  maxPackSize?: number
}

/** How the suite gets stores of one implementation. */
export interface BlockstoreFactory {
  /** A started store on fresh, empty backing storage. */
  open: (options?: OpenOptions) => Promise<Blockstore>
  /** Stops `store` and opens a new one on the same backing storage. Omit for stores that do not persist. */
  reopen?: (store: Blockstore) => Promise<Blockstore>
  /**
   * Stops `store`, cuts `bytes` off the end of its newest pack or journal file
   * (as a crash in the middle of a write would), and reopens it. Omit for
   * stores without such files. A crash leaves no saved index that covers the
   * torn record (the index is saved only after the journal is flushed), so
   * the factory removes the one `stop()` saved.
   */
  tearTail?: (store: Blockstore, file: 'pack' | 'journal', bytes: number) => Promise<Blockstore>
  /** Stops `store` and frees its backing storage. */
  dispose?: (store: Blockstore) => Promise<void>
}

export const ONE_MIB = 1024 * 1024

/** Opens a store, runs `fn`, and disposes of whichever store `fn` ended with. */
export async function withStore (factory: BlockstoreFactory, options: OpenOptions | undefined, fn: (store: Blockstore) => Promise<Blockstore | void>): Promise<void> {
  let store = await factory.open(options)
  try {
    store = (await fn(store)) ?? store
  } finally {
    await factory.dispose?.(store)
  }
}

export async function expectBlock (store: Blockstore, block: Block, label: string): Promise<void> {
  ok(await store.has(block.cid), `${label}: has() should be true`)
  bytesEqual(await collectBytes(store.get(block.cid)), block.bytes, `${label}: bytes read back`)
}

export async function expectMissing (store: Blockstore, cid: CID, label: string): Promise<void> {
  equal(await store.has(cid), false, `${label}: has()`)
  const err = await rejects(async () => collectBytes(store.get(cid)), `${label}: get()`)
  equal(errorName(err), 'NotFoundError', `${label}: error name`)
}
