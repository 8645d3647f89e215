import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { MemoryDatastore } from 'datastore-core/memory'
import { deriveSubkey } from '../../../core/crypto/subkeys.ts'
import { IndexLog } from '../../../core/index/index-log.ts'
import { DeviceSync } from '../../../core/node/device-sync.ts'
import { jsonStream, readJson, writeJson } from '../../../core/protocols/backup/wire.ts'
import { deriveSyncKey, SYNC_PROTOCOL } from '../../../core/protocols/sync/index.ts'
import { newNonce } from '../../../core/protocols/sync/hello.ts'
import { addressOf, MemoryLog, startNode, waitFor } from '../backup/helpers.ts'

describe('DeviceSync answering one device', () => {
  it('a device that opens many sync streams at once gets one answered, one waiting its turn, the rest refused; the waiting one runs once the first ends', async () => {
    const victimNode = await startNode()
    const other = await startNode()
    const vaultKey = globalThis.crypto.getRandomValues(new Uint8Array(32))
    const indexKey = deriveSubkey(vaultKey, 'index')
    const log = new IndexLog({ blockstore: victimNode.blockstore, datastore: new MemoryDatastore() }, { indexKey, deviceId: victimNode.helia.libp2p.peerId.toString() })
    await log.start()
    const sync = new DeviceSync({ libp2p: victimNode.helia.libp2p, networkBlockstore: victimNode.helia.blockstore, log: new MemoryLog(), relays: () => [], onChanged: () => {} }, { dialIntervalMs: 60_000, backupPullMs: 60_000, timeoutMs: 20_000 })
    await sync.attach({ index: log, syncKey: deriveSyncKey(indexKey) })
    try {
      const connection = await other.helia.libp2p.dial(addressOf(victimNode))
      const outcomes: Array<'pending' | 'answered' | 'refused'> = []
      const streams = await Promise.all([0, 1, 2, 3].map(async (i) => {
        const stream = await connection.newStream(SYNC_PROTOCOL)
        const lp = jsonStream(stream, 8 * 1024 * 1024)
        outcomes[i] = 'pending'
        // A refused stream may be reset before the hello goes out.
        const sent = await writeJson(lp, { t: 'hello', v: 1, nonce: newNonce() }, AbortSignal.timeout(20_000)).then(() => true, () => false)
        const reply = sent ? readJson(lp, AbortSignal.timeout(30_000)) : Promise.reject(new Error('reset'))
        reply.then(() => { outcomes[i] = 'answered' }, () => { outcomes[i] = 'refused' })
        return { stream, reply }
      }))
      await waitFor(() => outcomes.filter(o => o === 'answered').length >= 1 && outcomes.filter(o => o !== 'pending').length >= 3, 10_000, 'the first answered and the rest refused')
      assert.deepEqual([...outcomes].sort(), ['answered', 'pending', 'refused', 'refused'], 'one answered, one waiting, two refused')
      const first = outcomes.indexOf('answered')
      const waiting = outcomes.indexOf('pending')
      // The other device gives up the first session: the waiting one is answered.
      streams[first]?.stream.abort(new Error('test: done with the first session'))
      await waitFor(() => outcomes[waiting] === 'answered', 15_000, 'the waiting session answered')
      for (const s of streams) s.stream.abort(new Error('test over'))
    } finally {
      sync.stop()
      await other.helia.stop()
      await victimNode.helia.stop()
    }
  })
})
