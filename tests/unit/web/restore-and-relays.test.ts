import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { FileInfo, NetworkStatus, VaultStatus } from '../../../core/rpc/api.ts'
import { messageForCode, RECOVERY_PHRASE_CHECKSUM } from '../../../web/error-messages.ts'
import { memoryHashLocation } from '../../../web/lib/hash-location.ts'
import { createAppModels, startAppModels } from '../../../web/models/app-models.ts'
import { createRelaySettingsModel } from '../../../web/models/relay-settings-model.ts'
import { createRestoreModel, normalisePhrase } from '../../../web/models/restore-model.ts'
import { createTestClient, deferred, fail, settle } from './fake-rpc.ts'

/** 24 recovery words (the BIP-39 phrase of an all-zero key): the page checks each word before sending. */
const PHRASE = [...Array<string>(23).fill('abandon'), 'art'].join(' ')
const PEER = '/ip4/127.0.0.1/tcp/4201/ws/p2p/PeerP'
const PASS = 'a new long passphrase'
const accept = async ({ passphrase }: { passphrase: string }) => ({ score: 4 as const, acceptable: passphrase.length >= 12, reasons: [], suggestions: [] })

async function fillRestore (restore: ReturnType<typeof createRestoreModel>, phrase = PHRASE): Promise<void> {
  restore.show()
  restore.setRecoveryPhrase(phrase)
  restore.setPeerAddress(` ${PEER} `)
  restore.form.setPassphrase(PASS)
  restore.form.setConfirmation(PASS)
  await settle(10)
}

test('the phrase is normalised the way people paste it', () => {
  assert.equal(normalisePhrase('  Orbit   canal\nMAPLE\t'), 'orbit canal maple')
})

test('restore is ready only with every field filled and an accepted, confirmed passphrase', async () => {
  const client = createTestClient({ 'vault.checkPassphrase': accept })
  const restore = createRestoreModel({ client, onRestored: () => {}, checkDelayMs: 1 })
  restore.show()
  assert.equal(restore.showing.value, true)
  restore.setRecoveryPhrase(PHRASE)
  restore.setPeerAddress(PEER)
  restore.form.setPassphrase(PASS)
  await settle(10)
  assert.equal(restore.ready.value, false, 'not confirmed')
  restore.form.setConfirmation(PASS)
  assert.equal(restore.ready.value, true)
  restore.setPeerAddress('  ')
  assert.equal(restore.ready.value, false)
  await restore.restore()
  assert.equal(client.calls.some(c => c.method === 'vault.restore'), false)
  restore.cancel()
  assert.equal(restore.showing.value, false)
  assert.equal(restore.recoveryPhrase.value, '', 'leaving the form forgets the words')
})

test('restore errors: a bad phrase (its words all known: the checksum), a peer without this vault (NOT_PAIRED), an unreachable peer; fields kept', async () => {
  const answers = ['BAD_RECOVERY_PHRASE', 'NOT_PAIRED', 'PEER_UNREACHABLE'] as const
  let n = 0
  const client = createTestClient({ 'vault.checkPassphrase': accept, 'vault.restore': async () => fail(answers[n++] ?? 'INTERNAL') })
  const restore = createRestoreModel({ client, onRestored: () => { assert.fail('not restored') }, checkDelayMs: 1 })
  await fillRestore(restore)
  await restore.restore()
  assert.equal(restore.error.value, RECOVERY_PHRASE_CHECKSUM)
  assert.equal(restore.phraseRefused.value, true)
  await restore.restore()
  assert.match(restore.error.value ?? '', /holds no vault for this recovery phrase/)
  await restore.restore()
  assert.equal(restore.error.value, messageForCode('PEER_UNREACHABLE'))
  assert.equal(restore.recoveryPhrase.value, PHRASE)
  assert.equal(restore.form.passphrase.value, PASS)
  assert.equal(restore.busy.value, false)
})

test('in the app: "Restore a vault" stays on its busy screen until done, then lands on the files, unlocked', async () => {
  let status: VaultStatus = { state: 'none', autoLockMinutes: 15 }
  const restored = deferred<void>()
  const files: FileInfo[] = [{ fileId: 'f1', path: 'a.txt', size: 1, mtime: 1, type: '', cid: 'c', onBackup: true }]
  const client = createTestClient({
    'vault.status': async () => status,
    'vault.checkPassphrase': accept,
    'vault.restore': async (args) => {
      assert.deepEqual(args, { recoveryPhrase: PHRASE, peerAddress: PEER, newPassphrase: PASS })
      status = { ...status, state: 'unlocked' }
      // The node may announce "unlocked" while it is still pulling the index.
      client.emit('vault.status', status)
      await restored.promise
      return status
    },
    'files.list': async () => status.state === 'unlocked' ? files : fail('VAULT_LOCKED'),
    'folders.list': async () => []
  })
  const location = memoryHashLocation('#/logs')
  const models = createAppModels({ client, storage: undefined, location, checkDelayMs: 1 })
  const stop = startAppModels(models, client)
  await settle()
  assert.equal(models.screen.value, 'onboarding')
  await fillRestore(models.restore, `  ${PHRASE.toUpperCase()}  `)
  const running = models.restore.restore()
  await settle()
  assert.equal(models.restore.busy.value, true)
  assert.equal(models.screen.value, 'onboarding', 'the busy screen stays while the restore runs')
  restored.resolve()
  await running
  assert.equal(models.screen.value, 'unlocked')
  assert.equal(location.get(), '#/files')
  assert.equal(models.restore.showing.value, false)
  assert.equal(models.restore.form.passphrase.value, '', 'the passphrase is not kept')
  await settle()
  assert.deepEqual(models.files.files.value.map(f => f.onBackup), [true])
  stop()
})

test('in the app: the backup remove dialog hides the page; locking forgets a typed pairing code', async () => {
  let status: VaultStatus = { state: 'unlocked', autoLockMinutes: 15 }
  const client = createTestClient({ 'vault.status': async () => status, 'files.list': async () => [] })
  const models = createAppModels({ client, storage: undefined, location: memoryHashLocation('#/backup'), checkDelayMs: 1 })
  const stop = startAppModels(models, client)
  await settle()
  assert.equal(models.route.page.value, 'backup')
  models.backup.startRemove({ peerId: 'P', address: PEER, online: true, lastSeen: 0, filesReplicated: 0, bytesReplicated: 0, pending: 0, failed: [] })
  assert.equal(models.dialogOpen.value, true)
  models.backup.setCode('K7QM-2XFD')
  status = { ...status, state: 'locked' }
  client.emit('vault.status', status)
  assert.equal(models.backup.code.value, '')
  assert.equal(models.dialogOpen.value, false)
  stop()
})

test('relay settings: loads the node\'s list, checks each line, saves, and maps ADDRESS_INVALID', async () => {
  let relays = ['/ip4/127.0.0.1/tcp/4101/ws/p2p/R']
  const status = (): NetworkStatus => ({ peerId: 'Me', multiaddrs: [], connections: [], kept: [], relays })
  const client = createTestClient({
    'network.status': async () => status(),
    'network.setRelays': async ({ relays: next }) => {
      if (next.some(r => r.includes('bogus'))) fail('ADDRESS_INVALID')
      relays = next
      return status()
    }
  })
  const model = createRelaySettingsModel(client)
  assert.equal(model.loaded.value, false)
  await model.load()
  assert.equal(model.text.value, relays[0])
  model.setText('/ip4/127.0.0.1/tcp/4101/ws\nrelay.example.org:4101\n')
  await model.save()
  assert.match(model.error.value ?? '', /“relay\.example\.org:4101” isn't a relay address/)
  assert.equal(client.calls.some(c => c.method === 'network.setRelays'), false)
  model.setText('/ip4/bogus')
  await model.save()
  assert.equal(model.error.value, messageForCode('ADDRESS_INVALID'))
  assert.equal(model.text.value, '/ip4/bogus', 'the text stays to be corrected')
  await model.load()
  assert.equal(model.text.value, '/ip4/bogus', 'a refresh does not overwrite unsaved typing')
  model.setText(' /ip4/10.0.0.1/tcp/4101/ws \n\n/ip4/10.0.0.2/tcp/4101/ws')
  await model.save()
  assert.equal(model.error.value, undefined)
  assert.equal(model.saved.value, true)
  assert.deepEqual(relays, ['/ip4/10.0.0.1/tcp/4101/ws', '/ip4/10.0.0.2/tcp/4101/ws'])
  assert.equal(model.text.value, '/ip4/10.0.0.1/tcp/4101/ws\n/ip4/10.0.0.2/tcp/4101/ws')
  model.setText('')
  assert.equal(model.saved.value, false)
  await model.save()
  assert.deepEqual(relays, [], 'an empty box means no relay')
})
