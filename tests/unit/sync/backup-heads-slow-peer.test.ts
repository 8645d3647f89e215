import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MemoryBlockstore } from 'blockstore-core'
import { BackupHeadsPull } from '../../../core/node/backup-heads-pull.ts'
import { MemoryLog } from '../backup/helpers.ts'
import type { SyncIndex } from '../../../core/protocols/sync/index.ts'

test('a backup peer that never answers its heads request does not keep the device from asking the others', { timeout: 30_000 }, async () => {
  const asked: string[] = []
  let answerSlow: (heads: Record<string, unknown>) => void = () => {}
  const pull = new BackupHeadsPull({
    source: {
      // The slow one is first in the list.
      peers: () => ['slow', 'healthy'],
      heads: async (peerId) => {
        asked.push(peerId)
        if (peerId === 'slow') return await new Promise((resolve) => { answerSlow = resolve })
        return {}
      }
    },
    networkBlockstore: new MemoryBlockstore(),
    log: new MemoryLog(),
    // No chain is ahead here: only the asking is looked at.
    index: () => ({ heads: () => new Map() }) as unknown as SyncIndex,
    isRevoked: async () => false,
    onMerged: () => {}
  }, { timeoutMs: 1_000 })
  const pulling = pull.pullAll()
  // Let every request that does not wait on the slow peer go out.
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve))
  assert.deepEqual([...asked].sort(), ['healthy', 'slow'], 'the healthy peer was asked while the slow one had not answered')
  answerSlow({})
  await pulling
})
