import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { BackupPeerInfo } from '../../../core/rpc/api.ts'
import { messageForCode } from '../../../web/error-messages.ts'
import { createBackupModel, replicationSummary, verifySummary } from '../../../web/models/backup-model.ts'
import { createTestClient, deferred, fail, manualTimers, settle } from './fake-rpc.ts'

const ADDRESS = '/ip4/127.0.0.1/tcp/4201/ws/p2p/PeerP'
const peer = (peerId: string, extra: Partial<BackupPeerInfo> = {}): BackupPeerInfo => ({
  peerId, address: `/ip4/127.0.0.1/tcp/4201/ws/p2p/${peerId}`, online: true, lastSeen: 1000, filesReplicated: 0, bytesReplicated: 0, pending: 0, failed: [], ...extra
})

function setup () {
  let peers: BackupPeerInfo[] = [peer('PeerQ', { filesReplicated: 3, pending: 1 })]
  const client = createTestClient({
    'backup.list': async () => peers,
    'backup.add': async ({ address, code }) => {
      if (code !== 'K7QM-2XFD') fail('PAIRING_REFUSED')
      if (address.includes('/tcp/9/')) fail('PEER_UNREACHABLE')
      const added = peer('PeerP', { address, pending: 3 })
      peers = [...peers, added]
      return { ...added, reconnected: false }
    },
    'backup.remove': async ({ peerId }) => { peers = peers.filter(p => p.peerId !== peerId) },
    'backup.verify': async ({ peerId }) => peerId === 'PeerQ' ? { checked: 32, ok: 31, bad: ['bafybad'] } : { checked: 32, ok: 32, bad: [] }
  })
  const timers = manualTimers()
  const backup = createBackupModel({ client, timers, now: () => 9000 })
  return { client, backup, timers, setPeers: (next: BackupPeerInfo[]) => { peers = next } }
}

test('the summary line says "All files replicated" only when nothing is pending or failed and something was copied', () => {
  assert.equal(replicationSummary(peer('A', { filesReplicated: 3 })), 'All files replicated')
  assert.equal(replicationSummary(peer('A', { filesReplicated: 3, pending: 2 })), 'Replicating: 2 pending')
  assert.equal(replicationSummary(peer('A', { filesReplicated: 0 })), 'Replicating: 0 pending', 'nothing copied yet is not "all replicated"')
  assert.equal(replicationSummary(peer('A', { filesReplicated: 3, failed: [{ cid: 'c', reason: 'r' }] })), 'Replicating: 0 pending · 1 failed')
})

test('verify results read as a sentence', () => {
  assert.equal(verifySummary({ checked: 32, ok: 32, bad: [] }), 'Checked 32 blocks: all good')
  assert.equal(verifySummary({ checked: 1, ok: 1, bad: [] }), 'Checked 1 block: all good')
  assert.equal(verifySummary({ checked: 32, ok: 30, bad: ['a', 'b'] }), 'Checked 32 blocks: 2 bad')
  assert.match(verifySummary({ checked: 0, ok: 0, bad: [] }), /Nothing to check yet/)
})

test('open() lists the peers now, on backup.changed and every tick; stop ends both', async () => {
  const { client, backup, timers, setPeers } = setup()
  assert.equal(backup.loaded.value, false)
  const stop = backup.open()
  await settle()
  assert.equal(backup.loaded.value, true)
  assert.deepEqual(backup.peers.value.map(p => p.peerId), ['PeerQ'])
  setPeers([peer('PeerQ', { filesReplicated: 4 })])
  client.emit('backup.changed', undefined)
  await settle()
  assert.equal(replicationSummary(backup.peers.value[0] as BackupPeerInfo), 'All files replicated')
  timers.tick()
  await settle()
  const listed = client.calls.filter(c => c.method === 'backup.list').length
  assert.equal(listed, 3)
  stop()
  client.emit('backup.changed', undefined)
  timers.tick()
  assert.equal(client.calls.filter(c => c.method === 'backup.list').length, listed)
})

test('pairing: a wrong code or an unreachable peer says so and keeps what was typed', async () => {
  const { backup } = setup()
  assert.equal(backup.canAdd.value, false)
  backup.setAddress(ADDRESS)
  backup.setCode('WRONG')
  assert.equal(backup.canAdd.value, true)
  await backup.add()
  assert.equal(backup.addError.value, messageForCode('PAIRING_REFUSED'))
  assert.match(backup.addError.value ?? '', /pairing code/)
  assert.equal(backup.code.value, 'WRONG')
  backup.setCode(' K7QM-2XFD ')
  assert.equal(backup.addError.value, undefined)
  backup.setAddress('/ip4/127.0.0.1/tcp/9/ws/p2p/PeerP')
  await backup.add()
  assert.equal(backup.addError.value, messageForCode('PEER_UNREACHABLE'))
  assert.equal(backup.address.value, '/ip4/127.0.0.1/tcp/9/ws/p2p/PeerP')
})

test('pairing: success trims the fields, clears them, and lists the new peer', async () => {
  const { client, backup } = setup()
  backup.setAddress(`  ${ADDRESS} `)
  backup.setCode(' K7QM-2XFD ')
  await backup.add()
  assert.deepEqual(client.calls.find(c => c.method === 'backup.add')?.args, { address: ADDRESS, code: 'K7QM-2XFD' })
  assert.equal(backup.addError.value, undefined)
  assert.equal(backup.added.value?.peerId, 'PeerP')
  assert.equal(backup.address.value, '')
  assert.equal(backup.code.value, '')
  assert.deepEqual(backup.peers.value.map(p => p.peerId), ['PeerQ', 'PeerP'])
  assert.equal(replicationSummary(backup.peers.value[1] as BackupPeerInfo), 'Replicating: 3 pending')
})

test('verify now: busy while asking, then the result or the error, per peer', async () => {
  const { client, backup } = setup()
  const gate = deferred<void>()
  const original = client.handlers['backup.verify']
  client.handlers['backup.verify'] = async (args) => { await gate.promise; return await (original as NonNullable<typeof original>)(args) }
  const running = backup.verify('PeerQ')
  assert.equal(backup.verifying.value.PeerQ, true)
  await backup.verify('PeerQ')
  assert.equal(client.calls.filter(c => c.method === 'backup.verify').length, 1, 'one verify at a time per peer')
  gate.resolve()
  await running
  assert.equal(backup.verifying.value.PeerQ, undefined)
  assert.deepEqual(backup.verifyResults.value.PeerQ?.bad, ['bafybad'])
  await backup.verify('PeerP')
  assert.equal(verifySummary(backup.verifyResults.value.PeerP ?? { checked: 0, ok: 0, bad: [] }), 'Checked 32 blocks: all good')
  client.handlers['backup.verify'] = async () => fail('PEER_UNREACHABLE')
  await backup.verify('PeerP')
  assert.equal(backup.verifyResults.value.PeerP, undefined, 'an old result is not shown beside a new failure')
  assert.equal(backup.verifyErrors.value.PeerP, messageForCode('PEER_UNREACHABLE'))
})

test('remove asks first: nothing is removed until confirmed; cancel leaves the peer', async () => {
  const { client, backup } = setup()
  await backup.refresh()
  const q = backup.peers.value[0] as BackupPeerInfo
  backup.startRemove(q)
  assert.equal(backup.removing.value?.peerId, 'PeerQ')
  assert.equal(client.calls.some(c => c.method === 'backup.remove'), false)
  backup.cancelRemove()
  assert.equal(backup.removing.value, undefined)
  assert.equal(backup.peers.value.length, 1)
  backup.startRemove(q)
  await backup.confirmRemove()
  assert.deepEqual(client.calls.find(c => c.method === 'backup.remove')?.args, { peerId: 'PeerQ' })
  assert.equal(backup.removing.value, undefined)
  assert.deepEqual(backup.peers.value, [])
})

test('a failed remove keeps the dialog open with the reason', async () => {
  const { client, backup } = setup()
  await backup.refresh()
  client.handlers['backup.remove'] = async () => fail('NODE_UNAVAILABLE')
  backup.startRemove(backup.peers.value[0] as BackupPeerInfo)
  await backup.confirmRemove()
  assert.equal(backup.removing.value?.peerId, 'PeerQ')
  assert.equal(backup.removeError.value, messageForCode('NODE_UNAVAILABLE'))
  assert.equal(backup.peers.value.length, 1)
})
