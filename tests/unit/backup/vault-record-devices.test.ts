import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { toBase64Url } from '../../../core/crypto/base64.ts'
import { vaultSigner } from '../../../core/crypto/vault-signing.ts'
import { isCairnError } from '../../../core/errors.ts'
import { MAX_VAULT_DEVICES } from '../../../core/protocols/backup/constants.ts'
import { parseRequest, type ManifestBody, type ManifestRequest, type WireHead } from '../../../core/protocols/backup/messages.ts'
import { vaultKey } from '../../../core/protocols/backup/peer-store.ts'
import { signRequest } from '../../../core/protocols/backup/request-signing.ts'
import { VaultLedger, type ManifestPolicy } from '../../../core/protocols/backup/vault-ledger.ts'
import { MAX_DEVICES } from '../../../core/vault/device-book.ts'
import { addressOf, randomBytes, startDevice, startPeer, stopPeer, type TestDevice, type TestPeer } from './helpers.ts'

/**
 * A vault's record on a backup peer keeps an index head per device (for a
 * restore) and the last manifest seq per device, for good. A vault has at
 * most MAX_DEVICES devices, so a manifest that would make the record name
 * more is refused (TOO_MANY_DEVICES), and `heads` naming more is refused
 * before anything is read into the record (REQUEST_TOO_LARGE): a paired
 * vault cannot grow its record without bound, outside its quota and root
 * limit. The vault's own devices, removed ones' heads included, stay within.
 */

const QUOTA = 1024 * 1024
const CID = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'
const OTHER_CID = 'bafkreiac3npiiao5m2dfg72wbk7dwz4u34hkpxyeslj6tzpsemeh4sowpm'
const tooMany = (err: unknown): boolean => isCairnError(err, 'TOO_MANY_DEVICES')
const tooLarge = (err: unknown): boolean => isCairnError(err, 'REQUEST_TOO_LARGE')
const madeUpDevice = (): string => toBase64Url(randomBytes(96))
const head = (seq = 1): WireHead => ({ cid: CID, seq, mac: toBase64Url(randomBytes(32)) })

function headsOf (devices: string[], seq = 1): Record<string, WireHead> {
  return Object.fromEntries(devices.map(device => [device, head(seq)]))
}

test('the bound on a vault\'s devices is at least what a vault\'s device book allows', () => {
  assert.ok(MAX_VAULT_DEVICES >= MAX_DEVICES, 'a vault with a full device book must never be refused')
})

test('parseRequest refuses heads naming more devices than a vault can have, and takes that many', () => {
  const signer = vaultSigner(new Uint8Array(32).fill(3))
  const manifest = (heads: Record<string, WireHead>): ManifestRequest => signRequest<ManifestRequest>(signer, 'peer', 'manifest', { device: madeUpDevice(), seq: 1, pin: [], unpin: [], heads } as unknown as ManifestRequest)
  const devices = Array.from({ length: MAX_VAULT_DEVICES + 1 }, madeUpDevice)
  assert.doesNotThrow(() => parseRequest(manifest(headsOf(devices.slice(1)))))
  assert.throws(() => parseRequest(manifest(headsOf(devices))), tooLarge)
})

test('the ledger refuses a manifest from one device more than a vault can have, and changes nothing', () => {
  const ledger = new VaultLedger()
  const policy: ManifestPolicy = { quotaBytes: QUOTA, retentionMs: 1000, appendOnly: false, maxRoots: 100 }
  ledger.pair('v', 0)
  const send = (body: Partial<ManifestBody> & { device: string, seq: number }): ReturnType<VaultLedger['applyManifest']> => ledger.applyManifest('v', { pin: [], unpin: [], ...body }, policy, 0)
  const devices = Array.from({ length: MAX_VAULT_DEVICES }, madeUpDevice)
  for (const device of devices) send({ device, seq: 1 })
  assert.throws(() => send({ device: madeUpDevice(), seq: 1, pin: [OTHER_CID] }), tooMany)
  const entry = ledger.get('v')
  assert.equal(Object.keys(entry?.record.lastSeq ?? {}).length, MAX_VAULT_DEVICES)
  assert.equal(entry?.items.has(OTHER_CID), false, 'the refused manifest pinned nothing')
  // The vault's own devices carry on.
  assert.doesNotThrow(() => send({ device: devices[0] ?? '', seq: 2, pin: [OTHER_CID] }))
})

let peer: TestPeer
let device: TestDevice

before(async () => {
  peer = await startPeer({ quotaBytes: QUOTA })
  device = await startDevice()
  await device.client.pair(addressOf(peer), await peer.service.createPairingCode())
})

after(async () => {
  await device.helia.stop()
  await stopPeer(peer)
})

test('a paired vault cannot grow its record on the peer without bound through manifest heads; its own devices\' heads keep being taken', async () => {
  const at = addressOf(peer)
  const me = device.helia.libp2p.peerId.toString()
  const code = async (work: Promise<unknown>): Promise<string | undefined> => await work.then(() => undefined, (err: { code?: string }) => err.code)
  // More heads than a vault has devices, in one manifest: refused, nothing pinned.
  const crowd = Array.from({ length: MAX_VAULT_DEVICES + 1 }, madeUpDevice)
  assert.equal(await code(device.client.sendManifest(at, { device: me, seq: 1, pin: [CID], unpin: [], heads: headsOf(crowd) })), 'REQUEST_TOO_LARGE')

  // A full vault: this device and 999 others (most of them removed, say), all with heads.
  const others = crowd.slice(0, MAX_VAULT_DEVICES - 1)
  const all = [me, ...others]
  assert.equal((await device.client.sendManifest(at, { device: me, seq: 1, pin: [], unpin: [], heads: headsOf(all) })).applied, true)
  // Every later manifest carries every head again, some of them newer: taken.
  assert.equal((await device.client.sendManifest(at, { device: me, seq: 2, pin: [], unpin: [], heads: { ...headsOf(all), [me]: head(2) } })).applied, true)

  // One device more than a vault can have: refused, and nothing of the manifest applied.
  assert.equal(await code(device.client.sendManifest(at, { device: me, seq: 3, pin: [CID], unpin: [], heads: { [madeUpDevice()]: head() } })), 'TOO_MANY_DEVICES')
  const status = await device.client.status(at)
  assert.equal(status.lastSeq[me], 2, 'the refused manifest did not count')
  assert.equal(status.pending + status.pinned, 0, 'the refused manifest pinned nothing')
  assert.ok(peer.log.has('warn', /TOO_MANY_DEVICES/), 'the peer logged the refusal')

  // Made-up devices a thousand at a time, as a client bent on growing the record would send them: all refused.
  for (let round = 0; round < 4; round++) {
    const fresh = headsOf(Array.from({ length: MAX_VAULT_DEVICES }, madeUpDevice))
    assert.equal(await code(device.client.sendManifest(at, { device: me, seq: 3, pin: [], unpin: [], heads: fresh })), 'TOO_MANY_DEVICES')
  }
  // The same seq without the stranger goes through.
  assert.equal((await device.client.sendManifest(at, { device: me, seq: 3, pin: [], unpin: [], heads: { [me]: head(3) } })).applied, true)

  const record = await peer.datastore.get(vaultKey(device.signer.vaultId))
  const kept = JSON.parse(new TextDecoder().decode(record)) as { heads: Record<string, WireHead>, lastSeq: Record<string, number> }
  assert.equal(Object.keys(kept.heads).length, MAX_VAULT_DEVICES, `the peer keeps ${Object.keys(kept.heads).length} device heads for one vault`)
  assert.equal(kept.heads[me]?.seq, 3)
  assert.ok(record.byteLength <= QUOTA, `the vault record is ${record.byteLength} bytes, above the vault's whole quota of ${QUOTA}, with nothing stored`)
})
