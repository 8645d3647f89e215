import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { createNode, type CairnHelia } from '../../../core/node/create-node.ts'
import type { PackBlockstore } from '../../../core/storage/pack-blockstore.ts'
import { nodeWebSockets } from '../../../relay-server/shared/node-websockets.ts'
import { DurableBlockstore } from '../../../relay-server/storage/durable-blockstore.ts'
import { createFsBlockstore } from '../../../relay-server/storage/fs-blockstore.ts'
import { SqliteDatastore } from '../../../relay-server/storage/sqlite-datastore.ts'
import type { Connection } from '@libp2p/interface'

/**
 * The receiving end of `--only transport-ceiling`, in the bench's own
 * process: a Cairn node stored as the backup peer stores (a pack store on
 * disk behind `DurableBlockstore`, a SQLite datastore, so libp2p's peer
 * store writes cost what they cost the peer), dialling with
 * `nodeWebSockets()`. A fresh one, with fresh stores, per measurement.
 */
export class ReceiverNode {
  private constructor (
    readonly helia: CairnHelia,
    readonly store: DurableBlockstore,
    readonly connection: Connection,
    private readonly datastore: SqliteDatastore,
    private readonly dir: string
  ) {}

  static async start (dir: string, senderAddress: string): Promise<ReceiverNode> {
    const packs: PackBlockstore = await createFsBlockstore(join(dir, 'blocks'))
    const store = new DurableBlockstore(packs)
    const datastore = new SqliteDatastore({ path: join(dir, 'datastore', 'datastore.sqlite') })
    await datastore.open()
    const helia = createNode({ allowPrivateAddresses: true, agentName: 'cairn-bench-receiver' }, {
      blockstore: store,
      datastore,
      transports: [nodeWebSockets()]
    })
    try {
      await helia.start()
      const connection = await helia.libp2p.dial(multiaddr(senderAddress))
      return new ReceiverNode(helia, store, connection, datastore, dir)
    } catch (err) {
      await helia.stop()
      await store.stop()
      await datastore.close()
      throw err
    }
  }

  async stop (): Promise<void> {
    await this.helia.stop()
    await this.store.stop()
    await this.datastore.close()
    await rm(this.dir, { recursive: true, force: true })
  }
}
