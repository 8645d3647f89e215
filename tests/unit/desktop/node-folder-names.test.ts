import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import type { FolderEntry } from '../../../core/folder-sync/folder-source.ts'
import { NodeFolderSource } from '../../../desktop/folders/node-folder-source.ts'

describe('the node folder source lists names as they are on disk', () => {
  it('says which name is not UTF-8 instead of dropping it, and lists a name holding a real U+FFFD', async () => {
    const root = await mkdtemp(join(tmpdir(), 'cairn-names-'))
    try {
      await writeFile(Buffer.concat([Buffer.from(`${root}/caf`), Buffer.from([0xe9]), Buffer.from('.txt')]), 'latin-1')
      await writeFile(join(root, 'odd\uFFFD.txt'), 'replacement character, valid UTF-8')
      const listed: FolderEntry[] = []
      const skipped: Array<{ path: string, code: string }> = []
      for await (const entry of new NodeFolderSource(root).list({ onSkipped: (path, code) => { skipped.push({ path, code }) } })) listed.push(entry)
      assert.deepEqual(listed.map(e => e.path), ['odd\uFFFD.txt'])
      assert.deepEqual(skipped, [{ path: 'caf\uFFFD.txt', code: 'FOLDER_NAME_NOT_UTF8' }])
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  })
})
