import { CairnError } from '../errors.ts'
import type { BackupMethods } from './node-handlers.ts'
import type { HandlerMap } from '../rpc/handlers.ts'

/** Backup peers: being wired to core/protocols/backup (issue 3). */
export function createBackupHandlers (): Pick<HandlerMap, BackupMethods> {
  const notYet = async (): Promise<never> => { throw new CairnError('NODE_UNAVAILABLE', 'Backup peers are not available in this version yet') }
  return {
    'backup.add': notYet,
    'backup.remove': notYet,
    'backup.list': async () => [],
    'backup.verify': notYet,
    'vault.restore': notYet
  }
}
