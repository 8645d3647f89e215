import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { CID } from 'multiformats/cid'
import { CairnError, FileNotFoundError, PathExistsError } from '../../../core/errors.ts'
import { collect, dagBlocks, randomBytes, readAll, startVault, type Cleanups } from './share-test-support.ts'

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

const input = (path: string, size: number): { file: Blob, path: string, mtime: number, type: string } => ({ file: new Blob([randomBytes(size)]), path, mtime: 1, type: '' })

describe('errors about a vault file name it (fileId)', () => {
  it('FILE_NOT_FOUND from the vault carries the id asked for', async () => {
    const { vault } = await startVault(cleanups)
    assert.throws(() => vault.files().open('no-such-file'), (err: unknown) =>
      err instanceof FileNotFoundError && err.code === 'FILE_NOT_FOUND' && err.fileId === 'no-such-file')
    await assert.rejects(vault.files().rename('gone-file', 'x.txt'), (err: unknown) =>
      err instanceof FileNotFoundError && err.fileId === 'gone-file')
  })

  it('PATH_EXISTS carries the id of the file already at that path', async () => {
    const { vault } = await startVault(cleanups)
    const a = await vault.files().add(input('a.txt', 10))
    const b = await vault.files().add(input('b.txt', 20))
    await assert.rejects(vault.files().rename(b.file.fileId, 'a.txt'), (err: unknown) =>
      err instanceof PathExistsError && err.fileId === a.file.fileId)
  })

  it('a read that fails on damaged stored data names the file being read', async () => {
    const { vault, blockstore } = await startVault(cleanups)
    const added = await vault.files().add(input('big.bin', 3 * 1024 * 1024))
    const blocks = await dagBlocks(blockstore, added.file.cid)
    const leaf = blocks[blocks.length - 1] as CID
    const damaged = await collect(blockstore.get(leaf))
    damaged[damaged.length - 1] = (damaged[damaged.length - 1] as number) ^ 1
    await blockstore.put(leaf, damaged)
    await assert.rejects(readAll(vault.files().open(added.file.fileId).stream), (err: unknown) =>
      err instanceof CairnError && err.code === 'CHUNK_TAMPERED' && err.fileId === added.file.fileId)
  })
})
