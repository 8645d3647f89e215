import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { VaultNode } from '../../../core/node/vault-node.ts'
import { trayStateOf } from '../../../desktop/daemon/tray-status.ts'

interface FakeNode {
  state: 'none' | 'locked' | 'unlocked'
  connections?: number
  peers?: Array<{ online: boolean, lastError?: string }>
  files?: string[]
  held?: string[]
}

/** The few parts of a VaultNode that trayStateOf reads. */
function node (fake: FakeNode): VaultNode {
  const stub = {
    vault: {
      status: () => ({ state: fake.state, autoLockMinutes: 15 }),
      files: () => ({ list: () => (fake.files ?? []).map(cid => ({ cid })) })
    },
    helia: { libp2p: { getConnections: () => new Array(fake.connections ?? 1).fill({}) } },
    backups: { list: () => fake.peers ?? [], holds: (cid: string) => (fake.held ?? []).includes(cid) }
  }
  return stub as unknown as VaultNode // only the parts above are read
}

test('a node still starting reads "Starting…"', () => {
  assert.deepEqual(trayStateOf(undefined, false), { icon: 'busy', line: 'Starting…' })
})

test('a fresh install with no vault reads "No vault yet", not "Locked"', () => {
  assert.equal(trayStateOf(node({ state: 'none' }), false).line, 'No vault yet')
  assert.equal(trayStateOf(node({ state: 'none' }), true).line, 'No vault yet')
})

test('a locked vault reads "Locked"; paused reads "Syncing paused" whether locked or not', () => {
  assert.equal(trayStateOf(node({ state: 'locked' }), false).line, 'Locked')
  assert.equal(trayStateOf(node({ state: 'locked' }), true).line, 'Syncing paused')
  assert.equal(trayStateOf(node({ state: 'unlocked' }), true).line, 'Syncing paused')
})

test('an unlocked vault: no backup peer, offline, backing up, all backed up', () => {
  // A new vault on one computer with no relay: nothing to connect to, and nothing wrong.
  assert.deepEqual(trayStateOf(node({ state: 'unlocked', connections: 0 }), false), { icon: 'normal', line: 'No backup peer yet' })
  assert.equal(trayStateOf(node({ state: 'unlocked' }), false).line, 'No backup peer yet')
  const peers = [{ online: true }]
  assert.deepEqual(trayStateOf(node({ state: 'unlocked', connections: 0, peers }), false), { icon: 'error', line: 'Offline' })
  assert.deepEqual(trayStateOf(node({ state: 'unlocked', peers, files: ['a', 'b'], held: ['a'] }), false), { icon: 'busy', line: 'Backing up 1 file' })
  assert.equal(trayStateOf(node({ state: 'unlocked', peers, files: ['a', 'b', 'c'] }), false).line, 'Backing up 3 files')
  assert.deepEqual(trayStateOf(node({ state: 'unlocked', peers, files: ['a'], held: ['a'] }), false), { icon: 'normal', line: 'All backed up' })
  assert.deepEqual(trayStateOf(node({ state: 'unlocked', peers: [{ online: false, lastError: 'x' }] }), false), { icon: 'error', line: 'Backup peer unreachable' })
})
