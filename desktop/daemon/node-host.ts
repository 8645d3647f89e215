import { hostname, platform } from 'node:os'
import { CairnError } from '../../core/errors.ts'
import { createInThreadTagHasher } from '../../core/node/in-thread-tag-hasher.ts'
import type { LogBuffer } from '../../core/node/log-buffer.ts'
import type { VaultNodeHost, WipeableTagHasher } from '../../core/node/vault-node.ts'
import type { EventName, NodeEvents } from '../../core/rpc/api.ts'
import type { DesktopStores } from './desktop-stores.ts'
import { diskUse } from '../notify/desktop-notices.ts'
import { nodeWebSockets } from '../../relay-server/shared/node-websockets.ts'
import { sha256Pieces } from '../../relay-server/shared/sha256-pieces.ts'
import { createPathFolderOpener } from '../folders/path-folder-opener.ts'

/**
 * Adds hash and seal in this process (core/node/in-thread-tag-hasher.ts).
 * Node's WebCrypto runs each encrypt and digest on libuv's thread pool, so no
 * worker threads (which could not take a file-backed Blob anyway), and no key
 * leaves this process. Reading large files once matters most here: a second
 * pass made the add a third slower (tests/bench/README.md, "Desktop app") and
 * pulled a page's file over the socket twice.
 */
export const desktopTagHasher: WipeableTagHasher = createInThreadTagHasher(4)

const PLATFORMS: Partial<Record<NodeJS.Platform, string>> = { linux: 'Linux', darwin: 'macOS', win32: 'Windows' }

/**
 * "Desktop app on <computer>": the name the other devices see until the user
 * renames it. The computer's short name, without its network domain
 * ("janes-macbook.local" → "janes-macbook"); the system's name when it has none.
 */
export function desktopDeviceName (host: string = hostname(), system: NodeJS.Platform = platform()): { name: string, platform: string } {
  const os = PLATFORMS[system] ?? system
  const short = host.split('.')[0]?.trim() ?? ''
  return { name: `Desktop app on ${short !== '' ? short : os}`, platform: os }
}

export interface DesktopHostInit {
  stores: DesktopStores
  logs: LogBuffer
  emit: <E extends EventName>(event: E, data: NodeEvents[E]) => void
  origin: string
  relays: string[]
  listenNetwork: boolean
  /** The data folder: "storage almost full" watches its disk; folder sync leaves it out. */
  dataDir: string
}

/**
 * What the desktop hands the one node composition (core/node/vault-node.ts):
 * disk stores, a WebSocket listener (loopback unless the user accepts
 * connections from the network) plus relay reservations, and every file kept
 * whole on this always-on device by default.
 */
export function desktopNodeHost (init: DesktopHostInit): VaultNodeHost {
  const ip = init.listenNetwork ? '0.0.0.0' : '127.0.0.1'
  return {
    stores: init.stores,
    defaultRelays: async () => init.relays,
    network: {
      agentName: 'cairn-desktop',
      listen: [`/ip4/${ip}/tcp/0/ws`, '/p2p-circuit'],
      // ws, not Node's undici WebSocket: the path most bytes take (relay-server/shared/node-websockets.ts).
      transports: [nodeWebSockets()],
      // Blocks it fetches (a restore from the backup peer) are hashed and kept as they arrived, never joined.
      hashPieces: sha256Pieces
    },
    logs: init.logs,
    emit: init.emit,
    hashTag: desktopTagHasher,
    openShared: async () => {
      throw new CairnError('NODE_UNAVAILABLE', 'Saving a shared file straight into the desktop app is not possible yet: download it, then upload it')
    },
    origin: init.origin,
    appHost: new URL(init.origin).hostname,
    device: desktopDeviceName(),
    keepByDefault: true,
    // An always-on device syncs and backs up with every window closed, so it stays open until the user locks it.
    defaultAutoLockMinutes: 0,
    storageUse: diskUse(init.dataDir),
    // Folder sync on any folder on disk but the data folder, by path, watched natively.
    folders: createPathFolderOpener({ dataDir: init.dataDir })
  }
}
