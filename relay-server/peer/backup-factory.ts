import type { BackupHostFactory } from './backup-host.ts'

/**
 * The backup service the `cairn-peer` bin runs. Undefined until
 * core/protocols/backup ships its BackupService; the peer then stores and
 * serves blocks but prints no pairing code.
 */
export const defaultBackupFactory: BackupHostFactory | undefined = undefined
