import assert from 'node:assert/strict'
import { afterEach, it } from 'node:test'
import * as dagPb from '@ipld/dag-pb'
import { CID } from 'multiformats/cid'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { createStorageHandlers } from '../../../core/node/storage-handlers.ts'
import type { FileDamage } from '../../../core/rpc/api.ts'
import { readWholeBlock } from '../../../core/storage/read-block.ts'
import { BlockRepair } from '../../../core/vault/block-repair.ts'
import { damageWords } from '../../../web/models/storage-health-model.ts'
import { startVault, type Cleanups } from './share-test-support.ts'

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

const text = (s: string): Blob => new Blob([new TextEncoder().encode(s)])

it('Check stored data names damage in an earlier version and in the Trash, not only in live files', async () => {
  const { vault, blockstore } = await startVault(cleanups)
  const add = async (path: string, content: string) => await vault.files().add({ file: text(content), path, mtime: 1, type: 'text/plain' })
  const first = await add('notes.txt', 'first draft')
  await add('notes.txt', 'second draft, longer')
  const gone = await add('old.txt', 'deleted soon')
  await vault.files().remove(gone.file.fileId)
  // The blocks only an earlier version and a Trash item hold are the damaged ones.
  const bad = [CID.parse(first.file.cid), CID.parse(gone.file.cid)]
  const logs = new LogBuffer()
  const told: FileDamage[] = []
  const handlers = createStorageHandlers({
    store: {
      checkAll: async function * () { for (const cid of bad) yield { cid, length: 1, sound: false } },
      stats: () => ({ blocks: bad.length, bytes: bad.length })
    },
    repair: new BlockRepair({ store: { replace: async () => {} }, source: { fetch: async () => { throw new Error('nobody has it') } }, log: logs.for('storage') }, { timeoutMs: 100 }),
    // As the node worker wires it.
    files: () => vault.files().namedContent(),
    readLocal: async (cid) => await readWholeBlock(blockstore, cid),
    linksOf: async (cid, bytes) => cid.code === dagPb.code ? dagPb.decode(bytes).Links.map(l => l.Hash) : [],
    log: logs.for('storage'),
    onProgress: () => {},
    onFileHealth: (damage) => { told.push(damage) }
  })
  const result = await handlers['storage.check'](undefined)
  assert.deepEqual(result.damaged.map(d => d.files), [['notes.txt (an earlier version)'], ['old.txt (in the Trash)']])
  assert.deepEqual(told.map(d => [d.path, d.where]), [['notes.txt', 'version'], ['old.txt', 'trash']])
  assert.match(damageWords(told[0] as FileDamage), /^An earlier version of “notes.txt” is damaged/)
  // It cannot be opened from Files, so the way to repair it is the check.
  assert.match(damageWords(told[0] as FileDamage), /then run Settings → Check stored data again to repair it\.$/)
  assert.match(damageWords(told[1] as FileDamage), /^“old.txt” \(in the Trash\) is damaged/)
})
