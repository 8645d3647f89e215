/**
 * Dedicated worker (where the node, and so folder sync, runs): the
 * FolderSource contract against the FS Access adapter, each case on a fresh
 * OPFS directory standing in for a folder the user picked (DESIGN §9).
 */
import { runFolderSourceContract } from '../../contract/folder-source-contract.ts'
import { FsAccessFolderSource } from '../../../sw/folders/fs-access-folder-source.ts'
import { createHarness, type SuiteReport } from './harness.ts'

const { harness, run } = createHarness()
let n = 0

runFolderSourceContract('FS Access on OPFS directory handles', {
  watches: 'FileSystemObserver' in globalThis,
  open: async () => {
    const opfs = await navigator.storage.getDirectory()
    const root = await opfs.getDirectoryHandle(`picked-${Date.now()}-${n++}`, { create: true })
    return new FsAccessFolderSource(root)
  },
  dispose: async (source) => {
    const opfs = await navigator.storage.getDirectory()
    await opfs.removeEntry(source.label, { recursive: true })
  }
}, harness)

const results = await run()
const report: SuiteReport = { suite: 'folders', results, notes: [`FileSystemObserver: ${'FileSystemObserver' in globalThis ? 'present' : 'absent'}`] }
postMessage(report)
