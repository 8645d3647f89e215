import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { VaultNode } from '../../../core/node/vault-node.ts'
import type { SyncFolderInfo } from '../../../core/rpc/api-sync.ts'
import { trayStateOf } from '../../../desktop/daemon/tray-status.ts'

interface FakeNode {
  state: 'none' | 'locked' | 'unlocked'
  connections?: number
  peers?: Array<{ online: boolean, lastError?: string }>
  files?: string[]
  held?: string[]
  folders?: Array<Pick<SyncFolderInfo, 'state'> & { filesToGo?: number }>
}

/** The few parts of a VaultNode that trayStateOf reads. */
function node (fake: FakeNode): VaultNode {
  const stub = {
    vault: {
      status: () => ({ state: fake.state, autoLockMinutes: 15 }),
      files: () => ({ list: () => (fake.files ?? []).map(cid => ({ cid })) })
    },
    helia: { libp2p: { getConnections: () => new Array(fake.connections ?? 1).fill({}) } },
    backups: { list: () => fake.peers ?? [], holds: (cid: string) => (fake.held ?? []).includes(cid) },
    syncFolders: () => (fake.folders ?? []).map(f => ({ state: f.state, progress: { filesToGo: f.filesToGo ?? 0 } }))
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

test('synced folders add their own line, from the states the Sync page shows; none synced, no line', () => {
  const peers = [{ online: true }]
  const base = { state: 'unlocked' as const, peers }
  assert.equal(trayStateOf(node(base), false).folders, undefined)
  assert.deepEqual(trayStateOf(node({ ...base, folders: [{ state: 'in-step' }, { state: 'in-step' }] }), false), { icon: 'normal', line: 'All backed up', folders: 'Folders in step' })
  assert.equal(trayStateOf(node({ ...base, folders: [{ state: 'in-step' }, { state: 'syncing', filesToGo: 3 }] }), false).folders, 'Syncing 3 files…')
  assert.equal(trayStateOf(node({ ...base, folders: [{ state: 'syncing', filesToGo: 1 }] }), false).folders, 'Syncing 1 file…')
  assert.equal(trayStateOf(node({ ...base, folders: [{ state: 'syncing' }] }), false).folders, 'Syncing folders…')
  assert.equal(trayStateOf(node({ ...base, folders: [{ state: 'in-step' }, { state: 'paused' }] }), false).folders, 'Sync paused')
  assert.equal(trayStateOf(node({ ...base, folders: [{ state: 'paused' }, { state: 'needs-permission' }] }), false).folders, 'Folders not in step')
  // Beside any status line, paused and locked included.
  assert.equal(trayStateOf(node({ state: 'locked', folders: [{ state: 'in-step' }] }), true).folders, 'Folders in step')
})
