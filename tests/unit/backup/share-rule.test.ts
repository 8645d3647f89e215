import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isCairnError } from '../../../core/errors.ts'
import { dueAt, isShareCopy, type ItemRecord } from '../../../core/protocols/backup/peer-store.ts'
import { VaultLedger, type ManifestPolicy } from '../../../core/protocols/backup/vault-ledger.ts'
import type { ManifestBody } from '../../../core/protocols/backup/messages.ts'

const DAY = 86_400_000
const policy: ManifestPolicy = { quotaBytes: 1e12, retentionMs: 30 * DAY, appendOnly: false, maxRoots: 1000 }
const T0 = 1_800_000_000_000

/** A ledger with one paired vault; `send` applies the next manifest of one device. */
function ledgerWithVault (): { ledger: VaultLedger, send: (body: Omit<ManifestBody, 'device' | 'seq'>) => ReturnType<VaultLedger['applyManifest']> } {
  const ledger = new VaultLedger()
  ledger.pair('v', T0)
  let seq = 0
  return { ledger, send: (body) => ledger.applyManifest('v', { device: 'd', seq: ++seq, ...body }, policy, T0) }
}

test('a vault root pinned again with `shares` stays vault data: a later drop keeps it for the retention period', () => {
  const { ledger, send } = ledgerWithVault()
  send({ pin: ['root'], unpin: [] })
  // What a stolen device sends: the vault's root named a share copy, then dropped.
  send({ pin: ['root'], unpin: [], shares: ['root'] })
  const item = ledger.get('v')?.items.get('root')
  assert.ok(item !== undefined)
  assert.equal(isShareCopy(item), false, 'still vault data')
  const change = send({ pin: [], unpin: [], drop: ['root'] })
  assert.deepEqual(change.dropped, [], 'nothing is freed at once')
  assert.equal(item.unpinAt, T0 + 30 * DAY)
})

test('a share copy first pinned with `shares` stays one when pinned again with it, and goes at once when dropped', () => {
  const { ledger, send } = ledgerWithVault()
  send({ pin: ['s'], unpin: [], shares: ['s'] })
  send({ pin: ['s'], unpin: [], shares: ['s'] })
  const item = ledger.get('v')?.items.get('s')
  assert.ok(item !== undefined && isShareCopy(item))
  assert.deepEqual(send({ pin: [], unpin: [], drop: ['s'] }).dropped.map(i => i.cid), ['s'])
})

/** The replicator finished fetching these roots of vault 'v' from its devices (Replicator.settle). */
function fetched (ledger: VaultLedger, ...roots: string[]): void {
  for (const root of roots) {
    const item = ledger.get('v')?.items.get(root)
    assert.ok(item !== undefined)
    item.state = 'pinned'
    item.held = true
  }
}

test('on an append-only peer "Stop sharing" is accepted: the share copy is kept but no longer served to anyone; a vault root cannot be dropped', () => {
  const ledger = new VaultLedger()
  ledger.pair('v', T0)
  const appendOnly = { ...policy, appendOnly: true }
  let seq = 0
  const send = (body: Omit<ManifestBody, 'device' | 'seq'>): ReturnType<VaultLedger['applyManifest']> => ledger.applyManifest('v', { device: 'd', seq: ++seq, ...body }, appendOnly, T0)
  send({ pin: ['s', 'root'], unpin: [], shares: ['s'], expires: { s: T0 + DAY } })
  fetched(ledger, 's', 'root')
  const share = ledger.get('v')?.items.get('s')
  assert.ok(share !== undefined)
  assert.equal(ledger.holders('s', T0).share, true)
  assert.throws(() => send({ pin: [], unpin: [], drop: ['root'] }), (err: unknown) => isCairnError(err, 'DELETION_REFUSED'))
  send({ pin: [], unpin: [], drop: ['s'] })
  assert.equal(ledger.holders('s', T0).share, false, 'the link stops working')
  assert.equal(dueAt(share, true), T0 + DAY, 'the copy is kept until the expiry it was made with')
})

test('a share copy is served to anyone only while pinned and before its expiry', () => {
  const { ledger, send } = ledgerWithVault()
  send({ pin: ['s', 't'], unpin: [], shares: ['s', 't'], expires: { t: T0 + DAY } })
  assert.equal(ledger.holders('s', T0).share, false, 'not before its fetch from the vault\'s devices finished')
  fetched(ledger, 's', 't')
  assert.equal(ledger.holders('s', T0).share, true)
  assert.equal(ledger.holders('t', T0 + DAY).share, false, 'expired')
  send({ pin: [], unpin: ['s'], drop: [] })
  assert.equal(ledger.holders('s', T0 + 1).share, false, 'unpinned: kept for the retention period, not served')
  assert.deepEqual(ledger.holders('s', T0 + 1).vaults, ['v'], 'its own devices may still fetch it')
})

test('a root pinned before share copies were marked, named a share copy by a later pin, is served to anyone again but deleted like vault data', () => {
  const ledger = new VaultLedger()
  const legacy = (cid: string): ItemRecord => ({ vault: 'v', cid, state: 'pinned', bytes: 10, declared: 0, attempts: 0, nextAt: T0, addedAt: T0 })
  ledger.load({ vaults: [{ vault: 'v', pairedAt: T0, lastSeq: {}, heads: {} }], items: [legacy('old-share'), legacy('old-data')], codes: new Map() })
  assert.equal(ledger.holders('old-share', T0).share, false, 'unmarked: its link found nothing on the peer')
  let seq = 0
  const send = (body: Omit<ManifestBody, 'device' | 'seq'>, p = policy): ReturnType<VaultLedger['applyManifest']> => ledger.applyManifest('v', { device: 'd', seq: ++seq, ...body }, p, T0)
  send({ pin: ['old-share', 'old-data'], unpin: [], shares: ['old-share'] })
  assert.equal(ledger.holders('old-share', T0).share, true, 'the link works again')
  assert.equal(ledger.holders('old-data', T0).share, false)
  // Pinned as vault data once, it is decided: a later share mark changes nothing.
  send({ pin: ['old-data'], unpin: [], shares: ['old-data'] })
  assert.equal(ledger.holders('old-data', T0).share, false)
  // The peer cannot tell a marked old root from vault data: a drop keeps it for the retention period.
  assert.throws(() => send({ pin: [], unpin: [], drop: ['old-data'] }, { ...policy, appendOnly: true }), (err: unknown) => isCairnError(err, 'DELETION_REFUSED'))
  const change = send({ pin: [], unpin: [], drop: ['old-share'] })
  assert.deepEqual(change.dropped, [])
  assert.equal(ledger.get('v')?.items.get('old-share')?.unpinAt, T0 + 30 * DAY)
  assert.equal(ledger.holders('old-share', T0).share, false, 'and serves it to nobody')
})
