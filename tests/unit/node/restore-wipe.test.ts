import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { multiaddr } from '@multiformats/multiaddr'
import { MemoryDatastore } from 'datastore-core'
import { generateVaultKey } from '../../../core/crypto/vault-key.ts'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { restoreWithKey } from '../../../core/node/backup-handlers.ts'
import type { CairnHelia } from '../../../core/node/create-node.ts'
import type { VaultService } from '../../../core/vault/vault-service.ts'

const PEER = multiaddr('/ip4/127.0.0.1/tcp/9/ws/p2p/12D3KooWGRUVh7hYMjZ6hGSoLiSkECCMfDkj4pV6JgvKPaXjVYTa')
const zeroed = (bytes: Uint8Array): boolean => bytes.every(b => b === 0)

/** A node whose network does what the test says, and a vault that must never be reached. */
function components (libp2p: Record<string, unknown>) {
  const vault = { restore: async () => { throw new Error('the vault must not open when the restore failed') } } as unknown as VaultService
  return { vault, helia: { libp2p, blockstore: {} } as unknown as CairnHelia, datastore: new MemoryDatastore(), log: new LogBuffer().for('test') }
}

describe('a failed restore wipes the vault key', () => {
  it('when the backup peer cannot be reached', async () => {
    const key = generateVaultKey()
    const c = components({ dial: async () => { throw new Error('connection refused') } })
    await assert.rejects(restoreWithKey(c, key, PEER, 'a long enough new passphrase'), { code: 'PEER_UNREACHABLE' })
    assert.ok(zeroed(key), 'the vault key from the recovery phrase is overwritten')
  })

  it('when the peer answers but the index cannot be fetched', async () => {
    const key = generateVaultKey()
    const refuse = async (): Promise<never> => { throw new Error('protocol not supported') }
    const c = components({ dial: async () => ({}), dialProtocol: refuse, newStream: refuse })
    await assert.rejects(restoreWithKey(c, key, PEER, 'a long enough new passphrase'))
    assert.ok(zeroed(key))
  })
})
