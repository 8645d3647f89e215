import assert from 'node:assert/strict'
import { test } from 'node:test'
import { CID } from 'multiformats/cid'
import { fromBase64, toBase64Url } from '../../../core/crypto/base64.ts'
import { deriveSubkey } from '../../../core/crypto/subkeys.ts'
import { decodeOpBlock } from '../../../core/index/op-block.ts'
import type { DeviceRecord } from '../../../core/vault/device-book.ts'
import { ensureBoxKey, loadBoxKey } from '../../../core/vault/device-box-store.ts'
import { openHandOver, readPendingHandOver, unlockWithHandOver } from '../../../core/vault/key-handover.ts'
import { rotateVaultKey } from '../../../core/vault/key-rotation.ts'
import { KeyVault } from '../../../core/vault/key-vault.ts'
import { readWholeBlock } from '../../../core/storage/read-block.ts'
import type { Stores } from './rotate-support.ts'
import { addContent, memoryStores, openLog, random, readContent, userView } from './rotate-support.ts'

const A = '12D3KooWDeviceA'
const B = '12D3KooWDeviceB'
const R = '12D3KooWRemoved'
const PASSPHRASE = 'correct horse battery staple orbit lantern'
const code = async (work: Promise<unknown>): Promise<string | undefined> => await work.then(() => undefined, (err: { code?: string }) => err.code)

test('after remove-and-rotate the old key opens none of the new op blocks or files; a remaining device opens its hand-over and reads everything', async () => {
  const vk = random(32)
  const a = memoryStores()
  let clock = 1_700_000_000_000
  const now = (): number => (clock += 1000)
  // A vault with history from two devices: moves, a new version, the Trash.
  const keys = new KeyVault(a.datastore)
  await keys.adopt(vk, PASSPHRASE)
  let log = openLog(a, vk, A, now)
  await log.start()
  const one = await log.put(await addContent(a.blockstore, random(3000)), 'docs/one.txt')
  const two = await log.put(await addContent(a.blockstore, random(2000)), 'two.txt')
  await log.put(await addContent(a.blockstore, random(2100)), 'two.txt', two.fileId)
  await log.move(one.fileId, 'docs/renamed.txt')
  const gone = await log.put(await addContent(a.blockstore, random(100)), 'gone.txt')
  await log.remove(gone.fileId)
  await log.stop()
  const fromR = openLog(a, vk, R, now)
  await fromR.start()
  await fromR.put(await addContent(a.blockstore, random(500)), 'from-r.txt')
  await fromR.stop()
  log = openLog(a, vk, A, now)
  await log.start()
  const before = userView(log)
  const oldBlocks = log.blockCids()

  // B published a box key; R is removed; A has none yet (made now).
  const b = memoryStores()
  const bBox = await ensureBoxKey(b.datastore, vk)
  const devices: DeviceRecord[] = [
    { peerId: A, name: 'A', platform: 'Linux', addedAt: 1, updatedAt: 1 },
    { peerId: B, name: 'B', platform: 'Linux', addedAt: 2, updatedAt: 2, boxKey: toBase64Url(bBox.publicKey) },
    { peerId: R, name: 'R', platform: 'Linux', addedAt: 3, updatedAt: 9, removedAt: 9 }
  ]
  const rotation = await rotateVaultKey({ ...a, index: log }, { vaultKey: vk, deviceId: A, devices, now })
  assert.deepEqual(Object.keys(rotation.handovers), [B], 'a hand-over for B only: none for the removed device')
  assert.deepEqual(rotation.unreachable, [])
  assert.ok(rotation.newBoxKey !== undefined, 'A made its box key')
  assert.equal(await code(Promise.resolve().then(() => log.listFiles())), 'VAULT_LOCKED', 'the old index is closed')

  // The old index key opens none of the new op blocks (the tamper code), nor the new heads.
  const oldIndexKey = deriveSubkey(vk, 'index')
  for (const cid of rotation.blocks) {
    const bytes = await readWhole(a, cid)
    assert.equal(await code(decodeOpBlock(oldIndexKey, CID.parse(cid), bytes, A)), 'INDEX_RECORD_TAMPERED')
  }
  assert.equal(await code(openLog(a, vk, A).start()), 'INDEX_HEAD_FORGED')

  // Under VK' the index shows exactly what it showed: files, versions, the Trash.
  const newLog = openLog(a, rotation.newVaultKey, A, now)
  await newLog.start()
  assert.deepEqual(userView(newLog), before)
  const secret = random(4000)
  const added = await newLog.put(await addContent(a.blockstore, secret), 'after-rotation.txt')
  const newBlocks = newLog.blockCids().filter(cid => !oldBlocks.includes(cid))
  await newLog.stop()

  // Everything the old key yields (every old-key block it can open, every file key in them) opens none of it.
  const oldFileKeys: Uint8Array[] = []
  for (const cid of [...oldBlocks, ...newBlocks]) {
    for (const device of [A, R, B]) {
      const opened = await decodeOpBlock(oldIndexKey, CID.parse(cid), await readWhole(a, cid), device).catch(() => undefined)
      if (opened === undefined) continue
      assert.ok(oldBlocks.includes(cid), `old key opened new block ${cid}`)
      for (const op of opened.ops) if (op.entry !== undefined) oldFileKeys.push(fromBase64(op.entry.fk))
    }
  }
  assert.ok(oldFileKeys.length >= 5)
  assert.ok(!oldFileKeys.some(fk => toBase64Url(fk) === toBase64Url(fromBase64(added.entry.fk))))
  for (const fk of [...oldFileKeys, oldIndexKey, vk, deriveSubkey(vk, 'dedup')]) {
    await assert.rejects(readContent(a.blockstore, added.entry.cid, fk), 'no old key decrypts the new file')
  }

  // B opens its hand-over with its box key and reads everything, the new file included.
  const box = await loadBoxKey(b.datastore, vk)
  assert.ok(box !== undefined)
  const handed = openHandOver(box, rotation.handovers[B] as string, B, rotation.oldVault)
  assert.deepEqual(handed, rotation.newVaultKey)
  assert.equal(await code(Promise.resolve().then(() => openHandOver(box, rotation.handovers[B] as string, R, rotation.oldVault))), 'HANDOVER_INVALID', 'bound to B')
  const onB = openLog(a, handed, B)
  await onB.start()
  assert.deepEqual(await readContent(a.blockstore, added.entry.cid, fromBase64((onB.getFile(added.fileId)?.entry.fk) as string)), secret)
  assert.equal(onB.listFiles().length, 4)
  await onB.stop()

  // A's own hand-over: the next unlock wraps VK' under the passphrase and drops the hand-over.
  assert.ok(await readPendingHandOver(a.datastore) !== undefined)
  assert.deepEqual(await unlockWithHandOver(keys, a.datastore, PASSPHRASE, A), rotation.newVaultKey)
  assert.equal(await readPendingHandOver(a.datastore), undefined)
  assert.deepEqual(await keys.unlock(PASSPHRASE), rotation.newVaultKey)
  assert.ok(await loadBoxKey(a.datastore, rotation.newVaultKey) !== undefined, 'the box key follows the new key')
})

async function readWhole (stores: Stores, cid: string): Promise<Uint8Array> {
  return await readWholeBlock(stores.blockstore, CID.parse(cid))
}
