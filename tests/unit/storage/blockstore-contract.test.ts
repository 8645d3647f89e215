import { MemoryBlockstore } from 'blockstore-core/memory'
import { describe, it } from 'node:test'
import { runBlockstoreContract } from '../../contract/blockstore-contract.ts'
import { memoryPackStoreFactory } from './memory-pack-store.ts'

// The reference implementation: if the suite fails here, the suite is wrong.
runBlockstoreContract('MemoryBlockstore (blockstore-core reference)', {
  open: async () => new MemoryBlockstore()
}, { describe, it })

runBlockstoreContract('PackBlockstore on memory files (sync, like OPFS)', memoryPackStoreFactory(), { describe, it })

runBlockstoreContract('PackBlockstore on memory files (async, like Node fs)', memoryPackStoreFactory({ async: true }), { describe, it })
