import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { MemoryBlockstore } from 'blockstore-core'
import { toBase64Url } from '../../../core/crypto/base64.ts'
import { vaultSigner } from '../../../core/crypto/vault-signing.ts'
import { IndexLog } from '../../../core/index/index-log.ts'
import { BackupClient } from '../../../core/protocols/backup/backup-client.ts'
import { REKEY_NEW_DOMAIN, signRekeyRequest } from '../../../core/protocols/backup/rekey-signing.ts'
import { requestDomain, requestPayload } from '../../../core/protocols/backup/request-signing.ts'
import { signRevocationList } from '../../../core/protocols/backup/revocation.ts'
import { deriveSubkey } from '../../../core/crypto/subkeys.ts'
import { DeviceBook } from '../../../core/vault/device-book.ts'
import { ensureBoxKey, loadBoxKey } from '../../../core/vault/device-box-store.ts'
import { DeviceRemoval } from '../../../core/vault/device-removal.ts'
import { openHandOver } from '../../../core/vault/key-handover.ts'
import type { KeyRotation } from '../../../core/vault/key-rotation.ts'
import type { RekeyRequest } from '../../../core/protocols/backup/messages.ts'
import { addressOf, sendRaw, startDevice, startPeer, stopPeer, storeRandomFile, waitFor, type TestDevice, type TestNode, type TestPeer } from './helpers.ts'

let peer: TestPeer
let a: TestDevice
let b: TestDevice
let removed: TestDevice
const nodes: TestNode[] = []
const code = async (work: Promise<unknown>): Promise<string | undefined> => await work.then(() => undefined, (err: { code?: string }) => err.code)
const id = (device: TestNode): string => device.helia.libp2p.peerId.toString()

before(async () => {
  peer = await startPeer()
  a = await startDevice()
  b = await startDevice(a.vaultKey, new MemoryBlockstore())
  removed = await startDevice(a.vaultKey, new MemoryBlockstore())
  nodes.push(a, b, removed)
  const file = await storeRandomFile(a.blockstore, 200_000)
  await a.client.pair(addressOf(peer), await peer.service.createPairingCode())
  await a.client.sendManifest(addressOf(peer), { device: id(a), seq: 1, pin: [file.root.toString()], unpin: [] })
  await waitFor(async () => (await a.client.status(addressOf(peer))).pinned === 1, 15_000, 'the file pinned')
})

after(async () => {
  for (const node of nodes) await node.helia.stop()
  await stopPeer(peer)
})

test('a rekey signed by the old key alone is refused', async () => {
  const intruder = vaultSigner(globalThis.crypto.getRandomValues(new Uint8Array(32)))
  const valid = signRekeyRequest(a.signer, intruder, id(peer), { revocation: signRevocationList(intruder, [], 1) })
  // The new key's signature replaced by one the old key made: the old key alone cannot move the vault.
  const { sig, newSig, ...rest } = valid
  void sig; void newSig
  const forgedNew = toBase64Url(a.signer.sign(REKEY_NEW_DOMAIN, requestPayload(rest as RekeyRequest)))
  const forged = { ...rest, newSig: forgedNew }
  const answer = await sendRaw(a, peer, { ...forged, sig: toBase64Url(a.signer.sign(requestDomain('rekey'), requestPayload(forged as RekeyRequest))) }) as { ok: boolean, error?: { code: string } }
  assert.equal(answer.error?.code, 'BAD_SIGNATURE')
  assert.equal((await a.client.status(addressOf(peer))).pinned, 1, 'the vault did not move')
})

test('remove and rotate: the peer refuses the removed device and accepts requests under the new key; B collects its hand-over', async () => {
  const bBox = await ensureBoxKey(b.datastore, b.vaultKey)
  const book = new DeviceBook([
    { peerId: id(a), name: 'A', platform: 'Linux', addedAt: 1, updatedAt: 1 },
    { peerId: id(b), name: 'B', platform: 'Linux', addedAt: 2, updatedAt: 2, boxKey: toBase64Url(bBox.publicKey) },
    { peerId: id(removed), name: 'Lost phone', platform: 'Android', addedAt: 3, updatedAt: 3 }
  ])
  let index = new IndexLog(a, { indexKey: deriveSubkey(a.vaultKey, 'index'), deviceId: id(a) })
  await index.start()
  let vaultKey = a.vaultKey
  let adopted: KeyRotation | undefined
  const removal = new DeviceRemoval({
    deviceId: id(a),
    loadBook: async () => new DeviceBook(book.list()),
    saveBook: async (saved) => { book.merge(saved) },
    vaultKey: () => vaultKey,
    backupPeers: () => [addressOf(peer)],
    backupClient: (signer) => new BackupClient({ libp2p: a.helia.libp2p }, { signer, timeoutMs: 10_000 }),
    rotation: {
      blockstore: a.blockstore,
      datastore: a.datastore,
      index: () => index,
      adopt: async (rotation) => {
        adopted = rotation
        vaultKey = rotation.newVaultKey
        index = new IndexLog(a, { indexKey: deriveSubkey(vaultKey, 'index'), deviceId: id(a) })
        await index.start()
      }
    }
  })
  const report = await removal.remove(id(removed), true)
  assert.deepEqual(report.peers, [{ peer: id(peer) }])
  assert.ok(adopted !== undefined && report.rotation?.newVault === adopted.newVault)
  assert.equal(book.isRemoved(id(removed)), true)
  assert.ok(book.get(id(a))?.boxKey !== undefined, 'A published its new box key')

  const at = addressOf(peer)
  // The removed device: refused, under the old key and with a rekey of its own making.
  assert.equal(await code(removed.client.status(at)), 'DEVICE_REVOKED')
  assert.equal(await code(removed.client.handover(at)), 'DEVICE_REVOKED')
  const own = vaultSigner(globalThis.crypto.getRandomValues(new Uint8Array(32)))
  assert.equal(await code(removed.client.rekey(at, own, { revocation: signRevocationList(own, [], 1) })), 'DEVICE_REVOKED')

  // A under the new key: the vault's roots followed it.
  const newClient = new BackupClient({ libp2p: a.helia.libp2p }, { signer: vaultSigner(adopted.newVaultKey), timeoutMs: 10_000 })
  assert.equal((await newClient.status(at)).pinned, 1)
  assert.deepEqual(await newClient.heads(at), {}, 'heads made under the old key are dropped')

  // B, still on the old key, learns the vault moved and collects its hand-over.
  assert.equal(await code(b.client.status(at)), 'VAULT_ROTATED')
  const handover = await b.client.handover(at)
  assert.equal(handover.vault, adopted.newVault)
  const box = await loadBoxKey(b.datastore, b.vaultKey)
  assert.ok(box !== undefined && handover.sealed !== null)
  assert.deepEqual(openHandOver(box, handover.sealed, id(b), adopted.oldVault), adopted.newVaultKey)

  // A retried rekey is answered as done; the state survives a restart of the peer.
  assert.deepEqual(await a.client.rekey(at, vaultSigner(adopted.newVaultKey), { revocation: signRevocationList(vaultSigner(adopted.newVaultKey), [id(removed)], 1) }), { moved: false })
  const stores = { blockstore: peer.blockstore, datastore: peer.datastore }
  const listen = at.decapsulate('/p2p').toString()
  await stopPeer(peer)
  peer = await startPeer({}, stores, listen)
  assert.equal((await newClient.status(addressOf(peer))).pinned, 1)
  assert.equal(await code(removed.client.status(addressOf(peer))), 'DEVICE_REVOKED')
  assert.equal(await code(b.client.status(addressOf(peer))), 'VAULT_ROTATED')
  await index.stop()
})
