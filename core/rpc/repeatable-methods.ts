import type { MethodName } from './api.ts'

/**
 * Calls that are safe to run twice: they read, or set a state that running
 * them again leaves the same (unlock, lock). When the tab running the node
 * closes with one of these in flight, the caller sends it again to the next
 * node instead of failing it (DESIGN §2: the next tab takes over). Anything
 * else may have run already (an upload, a rename, a new vault), so it fails
 * with NODE_UNAVAILABLE and the user decides.
 */
export const REPEATABLE_METHODS: ReadonlySet<MethodName> = new Set<MethodName>([
  'vault.status',
  'vault.checkPassphrase',
  'vault.unlock',
  'vault.lock',
  'vault.revealRecoveryPhrase',
  'vault.confirmRecoveryPhrase',
  'vault.activity',
  'files.list',
  'files.versions',
  'stats.get',
  'node.info',
  'logs.recent',
  'network.status',
  'backup.list',
  'shares.list',
  'trash.list',
  'versions.retention',
  'notices.settings',
  'notices.setSettings',
  'folders.list',
  'thumbnails.get'
])
