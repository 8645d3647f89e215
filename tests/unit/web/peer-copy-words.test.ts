import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { BackupPeerInfo } from '../../../core/rpc/api.ts'
import { peerCopyWords } from '../../../web/models/peer-copy-words.ts'

const peer = (keepsDeleted?: BackupPeerInfo['keepsDeleted']): BackupPeerInfo => ({ peerId: 'p', address: '/ip4/127.0.0.1/tcp/1/ws', ...(keepsDeleted !== undefined ? { keepsDeleted } : {}) }) as BackupPeerInfo

test('the delete and Empty trash dialogs say what the paired peer really does with the copy', () => {
  assert.equal(peerCopyWords([], 'delete'), '')
  assert.equal(peerCopyWords([], 'empty'), '')
  const retains = peer({ appendOnly: false, retentionMs: 30 * 86_400_000 })
  assert.equal(peerCopyWords([retains], 'delete'), 'Your backup peer keeps its copy while the file is in the Trash, and for 30 days after, then frees it.')
  assert.equal(peerCopyWords([retains], 'empty'), 'Your backup peer keeps its copy for 30 days after that, then frees it.')
  const appendOnly = peer({ appendOnly: true, retentionMs: 30 * 86_400_000 })
  assert.equal(peerCopyWords([appendOnly], 'delete'), 'Your backup peer keeps its copy for good: it is append-only and never deletes.')
  assert.equal(peerCopyWords([appendOnly], 'empty'), 'Your backup peer keeps its copy for good: it is append-only and never deletes.')
  assert.equal(peerCopyWords([peer({ appendOnly: false, retentionMs: 6 * 3_600_000 })], 'empty'), 'Your backup peer keeps its copy for 6 hours after that, then frees it.')
  assert.match(peerCopyWords([retains, appendOnly], 'delete'), /^Your backup peers keep their copies while the file is in the Trash, and for as long as each keeps deleted files/)
  assert.match(peerCopyWords([peer()], 'empty'), /^Your backup peer keeps its copy for as long as it keeps deleted files/)
})
