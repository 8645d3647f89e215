import assert from 'node:assert/strict'
import { it } from 'node:test'
import { copyFolder } from '../../../core/vault/share-copies.ts'
import { decodeFolderListing } from '../../../core/share/folder-listing.ts'
import { readDecrypted } from '../../../core/storage/encrypted-content.ts'
import { readAll } from './share-test-support.ts'
import { concurrentEdits } from './concurrent-edits-support.ts'

it('a folder share holding a conflict copy shares the copy\'s own content under its conflict name', async () => {
  const { log, files, blockstore } = await concurrentEdits()
  // The Files page shows two files in notes/: plan.txt (phone edit) and its conflict copy (laptop edit).
  const shown = files.list()
  assert.equal(shown.length, 2)

  const copy = await copyFolder(files, blockstore, 'notes')
  const listing = decodeFolderListing(await readAll(readDecrypted(blockstore, copy.cid, copy.shareKey.slice(), { plaintextLength: copy.size })))
  const received = new Map<string, string>()
  for (const entry of listing) received.set(entry.path, new TextDecoder().decode(await readAll(readDecrypted(blockstore, entry.cid, entry.key, { plaintextLength: entry.size }))))
  const expected = new Map<string, string>()
  for (const f of shown) expected.set(f.path.slice('notes/'.length), new TextDecoder().decode(await readAll(files.open(f.fileId, f.versionId).stream)))
  assert.deepEqual(received, expected, 'each file of the snapshot has the content the sender sees under that name')
  await log.stop()
})
