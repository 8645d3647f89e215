import assert from 'node:assert/strict'
import { test } from 'node:test'
import { keepsDeletedText } from '../../../web/pages/backup/keeps-deleted.ts'

test('the Backup page says in words what a peer does with deleted files', () => {
  assert.equal(keepsDeletedText({ appendOnly: false, retentionMs: 30 * 86_400_000 }), 'Kept on this peer for 30 days, then freed')
  assert.equal(keepsDeletedText({ appendOnly: false, retentionMs: 86_400_000 }), 'Kept on this peer for 1 day, then freed')
  assert.equal(keepsDeletedText({ appendOnly: false, retentionMs: 6 * 3_600_000 }), 'Kept on this peer for 6 hours, then freed')
  assert.match(keepsDeletedText({ appendOnly: true, retentionMs: 30 * 86_400_000 }), /append-only and never deletes/)
})
