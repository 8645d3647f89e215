import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { runFolderSourceContract } from '../../contract/folder-source-contract.ts'
import { NodeFolderSource } from '../../../desktop/folders/node-folder-source.ts'

const roots = new Map<unknown, string>()

runFolderSourceContract('node:fs + @parcel/watcher on a temp folder', {
  watches: true,
  open: async () => {
    const root = await mkdtemp(join(tmpdir(), 'cairn-folder-'))
    const source = new NodeFolderSource(root)
    roots.set(source, root)
    return source
  },
  dispose: async (source) => {
    const root = roots.get(source)
    if (root !== undefined) await rm(root, { recursive: true, force: true })
  }
}, { describe, it })
