import assert from 'node:assert/strict'
import { test } from 'node:test'
import { multiaddr } from '@multiformats/multiaddr'
import type { Libp2p } from '@libp2p/interface'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { PeerReports, type ReportSession } from '../../../core/protocols/backup/device/backup-peer-reports.ts'

const LAPTOP = '12D3KooWLaptopAAAAAA'
const PHONE = '12D3KooWPhoneBBBBBB'
const peer = { peerId: '12D3KooWBackupPeerCC', address: '/ip4/127.0.0.1/tcp/4001/ws', addedAt: 0 }
const head = { cid: 'bafy', seq: 3 }

/** A session whose peer answers status, holds and heads as the test says (heads may fail). */
function session (heads: () => Promise<Record<string, typeof head>>): ReportSession {
  return {
    client: {
      status: async () => ({ pinned: 0, bytes: 0, quotaBytes: 0, pending: 0, failed: [], failedCount: 0 }),
      holds: async () => new Set<string>(),
      heads
    },
    index: { listFiles: () => [], retainedCids: () => new Set<string>() },
    manifests: { sendPending: async () => {}, repinMissing: async () => {} }
  } as unknown as ReportSession // only what refresh reads
}

test('a backup peer\'s report names the devices whose chains it holds; a failed ask keeps the last answer', async () => {
  const reports = new PeerReports({ libp2p: { getConnections: () => [] } as unknown as Libp2p, log: new LogBuffer().for('backup'), onChanged: () => {}, now: () => 1 })
  reports.reset(peer)
  assert.equal(reports.get(peer.peerId)?.devices, undefined, 'unknown until the peer says')
  const address = multiaddr(peer.address)
  await reports.refresh(peer, address, session(async () => ({ [PHONE]: head, [LAPTOP]: head })))
  assert.deepEqual(reports.get(peer.peerId)?.devices, [LAPTOP, PHONE])
  await reports.refresh(peer, address, session(async () => { throw new Error('stream reset') }))
  assert.deepEqual(reports.get(peer.peerId)?.devices, [LAPTOP, PHONE])
  assert.equal(reports.get(peer.peerId)?.online, true, 'the card still shows the refresh')
})
