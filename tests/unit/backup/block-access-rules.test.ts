import assert from 'node:assert/strict'
import { test } from 'node:test'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import * as raw from 'multiformats/codecs/raw'
import { BlockAccess } from '../../../core/protocols/backup/block-access.ts'
import { VaultLedger, type ManifestPolicy } from '../../../core/protocols/backup/vault-ledger.ts'

const policy: ManifestPolicy = { quotaBytes: 1e12, retentionMs: 1000, appendOnly: false, maxRoots: 1000 }
const T0 = 1_800_000_000_000

async function cidOf (text: string): Promise<CID> {
  return CID.create(1, raw.code, await sha256.digest(new TextEncoder().encode(text)))
}

test('another vault that pins a vault\'s root (or a root over its blocks) as a share copy does not open those blocks to anyone', async () => {
  const [rootA, rootB, block] = await Promise.all(['a', 'b', 'leaf'].map(cidOf)) as [CID, CID, CID]
  const ledger = new VaultLedger()
  for (const vault of ['A', 'B']) ledger.pair(vault, T0)
  ledger.applyManifest('A', { device: 'a', seq: 1, pin: [rootA.toString()], unpin: [] }, policy, T0)
  // B learned A's CIDs: it pins A's root itself as a "share", and a root of its own linking to A's block.
  ledger.applyManifest('B', { device: 'b', seq: 1, pin: [rootA.toString(), rootB.toString()], unpin: [], shares: [rootA.toString(), rootB.toString()] }, policy, T0)
  // Every fetch finished (B's device had the blocks too): held roots, not mere claims.
  for (const [vault, root] of [['A', rootA], ['B', rootA], ['B', rootB]] as const) {
    const item = ledger.get(vault)?.items.get(root.toString())
    if (item !== undefined) item.state = 'pinned'
  }
  const pins = new Map([[rootA.toString(), [rootA]], [block.toString(), [rootA, rootB]], [rootB.toString(), [rootB]]])
  const access = new BlockAccess({ pinnedBy: async (cid) => pins.get(cid.toString()) ?? [], holders: root => ledger.holders(root, T0) })
  access.prove('device-of-A', 'A')
  for (const cid of [rootA, block]) {
    assert.equal(await access.mayServe('stranger', cid), false, `${cid.toString()} is not opened to anyone`)
    assert.equal(await access.mayServe('device-of-A', cid), true)
  }
  assert.equal(await access.mayServe('stranger', rootB), true, 'B\'s own share copy is still served to anyone')
})

test('a vault that only names another vault\'s root in a manifest (its fetch not finished) is not served its blocks', async () => {
  const [rootA, block] = await Promise.all(['a', 'leaf'].map(cidOf)) as [CID, CID]
  const ledger = new VaultLedger()
  for (const vault of ['A', 'B']) ledger.pair(vault, T0)
  ledger.applyManifest('A', { device: 'a', seq: 1, pin: [rootA.toString()], unpin: [] }, policy, T0)
  const itemA = ledger.get('A')?.items.get(rootA.toString())
  assert.ok(itemA !== undefined)
  itemA.state = 'pinned'
  ledger.applyManifest('B', { device: 'b', seq: 1, pin: [rootA.toString()], unpin: [] }, policy, T0)
  const pins = new Map([[rootA.toString(), [rootA]], [block.toString(), [rootA]]])
  const access = new BlockAccess({ pinnedBy: async (cid) => pins.get(cid.toString()) ?? [], holders: root => ledger.holders(root, T0) })
  access.prove('device-of-A', 'A')
  access.prove('device-of-B', 'B')
  for (const cid of [rootA, block]) {
    assert.equal(await access.mayServe('device-of-B', cid), false, 'a pending claim opens nothing')
    assert.equal(await access.mayServe('device-of-A', cid), true)
  }
  // Failed (B's devices never sent it) is no claim either.
  const itemB = ledger.get('B')?.items.get(rootA.toString())
  assert.ok(itemB !== undefined)
  itemB.state = 'failed'
  assert.equal(await access.mayServe('device-of-B', block), false)
})
