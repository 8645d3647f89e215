import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { toBase64Url } from '../../../core/crypto/base64.ts'
import { newBoxKeyPair } from '../../../core/crypto/device-box.ts'
import { vaultSigner } from '../../../core/crypto/vault-signing.ts'
import { BackupClient } from '../../../core/protocols/backup/backup-client.ts'
import { MAX_ROTATIONS_KEPT } from '../../../core/protocols/backup/constants.ts'
import { signRekeyRequest } from '../../../core/protocols/backup/rekey-signing.ts'
import { signRevocationList } from '../../../core/protocols/backup/revocation.ts'
import { openHandOver, sealHandOver } from '../../../core/vault/key-handover.ts'
import { addressOf, randomBytes, sendRaw, startDevice, startPeer, stopPeer, type TestDevice, type TestNode, type TestPeer } from './helpers.ts'

/**
 * Every rekey leaves the vault's old id on the peer with the new key sealed
 * to each remaining device (up to 1000 hand-overs of 512 characters). A
 * paired vault needs no code to rekey, so the peer keeps the newest
 * MAX_ROTATIONS_KEPT records of a vault's chain of ids and forgets older
 * ones: the records stay bounded, and a device offline across that many
 * rotations still walks hand-over by hand-over to the newest key.
 */

const ROTATIONS = MAX_ROTATIONS_KEPT + 2
/** The largest record a rekey can leave: 1000 hand-overs keyed by 128-character ids, 512 characters each, JSON around them. */
const LARGEST_RECORD_BYTES = 1000 * (128 + 512 + 6) + 1024

let peer: TestPeer
let rotating: TestDevice
let offline: TestDevice
const box = newBoxKeyPair()
/** The vault's keys, oldest first; the last one is in force. */
const keys: Uint8Array[] = []
const id = (device: TestNode): string => device.helia.libp2p.peerId.toString()
const vaultIdOf = (key: Uint8Array): string => vaultSigner(key).vaultId
const code = async (work: Promise<unknown>): Promise<string | undefined> => await work.then(() => undefined, (err: { code?: string }) => err.code)
/** A client of `device` signing with `key`, as a device still on that key does. */
const clientOn = (device: TestDevice, key: Uint8Array): BackupClient => new BackupClient({ libp2p: device.helia.libp2p }, { signer: vaultSigner(key), timeoutMs: 10_000 })

async function rotatedRecords (): Promise<{ count: number, bytes: number }> {
  let count = 0
  let bytes = 0
  for await (const { value } of peer.datastore.query({ prefix: '/cairn/backup/peer/rotated/' })) { count++; bytes += value.byteLength }
  return { count, bytes }
}

before(async () => {
  peer = await startPeer({ quotaBytes: 1024 * 1024 })
  rotating = await startDevice()
  offline = await startDevice(rotating.vaultKey)
  keys.push(rotating.vaultKey)
  await rotating.client.pair(addressOf(peer), await peer.service.createPairingCode())
})

after(async () => {
  await rotating.helia.stop()
  await offline.helia.stop()
  await stopPeer(peer)
})

test('a vault rekeyed again and again leaves at most MAX_ROTATIONS_KEPT rotation records, each rekey still applied', async () => {
  const counts: number[] = []
  for (let i = 0; i < ROTATIONS; i++) {
    const current = keys[keys.length - 1] as Uint8Array
    const next = randomBytes(32)
    // As many hand-overs as a rekey may carry, one of them for the offline device.
    const handovers: Record<string, string> = {}
    for (let h = 0; h < 999; h++) handovers[toBase64Url(randomBytes(96))] = toBase64Url(randomBytes(384))
    handovers[id(offline)] = sealHandOver(next, { peerId: id(offline), boxKey: toBase64Url(box.publicKey) }, vaultIdOf(current))
    const request = signRekeyRequest(vaultSigner(current), vaultSigner(next), id(peer), { revocation: signRevocationList(vaultSigner(next), [], 1), handovers })
    const answer = await sendRaw(rotating, peer, request) as { ok: boolean, moved?: boolean }
    assert.deepEqual(answer, { ok: true, moved: true })
    keys.push(next)
    counts.push((await rotatedRecords()).count)
  }
  assert.deepEqual(counts, counts.map((_, i) => Math.min(i + 1, MAX_ROTATIONS_KEPT)), 'rotation records after each rekey')
  const records = await rotatedRecords()
  assert.ok(records.bytes <= MAX_ROTATIONS_KEPT * LARGEST_RECORD_BYTES, `one vault left ${records.count} rotation records, ${records.bytes} bytes`)
  assert.ok(peer.log.has('info', /older id\(s\) of the vault forgotten/))
  // The vault itself is whole under its newest key.
  assert.equal((await clientOn(rotating, keys[ROTATIONS] as Uint8Array).status(addressOf(peer))).quotaBytes, 1024 * 1024)
})

test(`a device offline across ${MAX_ROTATIONS_KEPT} rotations takes each hand-over in turn, up to the key in force`, async () => {
  const at = addressOf(peer)
  let key = keys[ROTATIONS - MAX_ROTATIONS_KEPT] as Uint8Array
  for (let step = 0; step < MAX_ROTATIONS_KEPT; step++) {
    const client = clientOn(offline, key)
    assert.equal(await code(client.status(at)), 'VAULT_ROTATED')
    const { sealed, vault } = await client.handover(at)
    assert.ok(sealed !== null, `a hand-over waits under key ${step}`)
    const next = openHandOver(box, sealed, id(offline), vaultIdOf(key))
    assert.equal(vault, vaultIdOf(next))
    key = next
  }
  assert.deepEqual(key, keys[ROTATIONS])
  const live = clientOn(offline, key)
  assert.deepEqual(await live.handover(at), { sealed: null, vault: vaultIdOf(key) }, 'nothing waits under the key in force')
  assert.equal((await live.status(at)).quotaBytes, 1024 * 1024)
})

test('a device offline across more rotations than that finds its old key forgotten (it is paired again)', async () => {
  for (const key of keys.slice(0, ROTATIONS - MAX_ROTATIONS_KEPT)) {
    assert.equal(await code(clientOn(offline, key).handover(addressOf(peer))), 'NOT_PAIRED')
  }
})

test('the bound holds across a restart, and a rekey back to a key the vault had is refused', async () => {
  const stores = { blockstore: peer.blockstore, datastore: peer.datastore }
  const listen = addressOf(peer).decapsulate('/p2p').toString()
  await stopPeer(peer)
  peer = await startPeer({ quotaBytes: 1024 * 1024 }, stores, listen)
  const oldest = keys[ROTATIONS - MAX_ROTATIONS_KEPT] as Uint8Array
  assert.notEqual((await clientOn(offline, oldest).handover(addressOf(peer))).sealed, null, 'the kept records came back')

  const current = keys[ROTATIONS] as Uint8Array
  const back = keys[ROTATIONS - 1] as Uint8Array
  const loop = signRekeyRequest(vaultSigner(current), vaultSigner(back), id(peer), { revocation: signRevocationList(vaultSigner(back), [], 2) })
  assert.equal((await sendRaw(rotating, peer, loop) as { error?: { code: string } }).error?.code, 'VAULT_EXISTS')

  const next = randomBytes(32)
  const request = signRekeyRequest(vaultSigner(current), vaultSigner(next), id(peer), { revocation: signRevocationList(vaultSigner(next), [], 1) })
  assert.deepEqual(await sendRaw(rotating, peer, request), { ok: true, moved: true })
  assert.equal((await rotatedRecords()).count, MAX_ROTATIONS_KEPT)
  assert.equal(await code(clientOn(offline, oldest).handover(addressOf(peer))), 'NOT_PAIRED', 'the oldest kept record made room')
})
