// Run by desktop-peer-settings-unreadable.test.ts as an ordinary user would run the desktop
// (see tests/unit/support/unprivileged.ts): the desktop's backup peer over the data folder
// given, and what it said, as one JSON line on stdout.
import { toErrorPayload } from '../../../core/errors.ts'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { createDesktopBackupPeer } from '../../../desktop/daemon/backup-peer.ts'

const dataDir = process.argv[2]
if (dataDir === undefined) throw new Error('usage: peer-settings-child.ts DATA_DIR')
const logs = new LogBuffer()
const peer = createDesktopBackupPeer({ dataDir, listenNetwork: false, relays: async () => [], logs })
await peer.start()
const running = peer.running() !== undefined
const error = await peer.info().then(() => undefined, (err: unknown) => toErrorPayload(err))
await peer.stop()
process.stdout.write(JSON.stringify({ running, error, logs: logs.recent().map(line => `${line.level} ${line.message}`) }) + '\n')
process.exit(0)
