import type { ShareInfo } from '../../../core/rpc/api.ts'

// A share expires at the end of a day, so the day is what matters, not 23:59.
const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' })

/** "12 Mar 2026" in the user's locale. */
export function formatExpiryDate (ms: number): string {
  return dayFormat.format(ms)
}

/** The Expires cell: "Never", the day, or "Expired". */
export function expiryText (share: ShareInfo): string {
  if (share.expired) return 'Expired'
  return share.expiresAt === undefined ? 'Never' : formatExpiryDate(share.expiresAt)
}

/** A folder share's kind and size in files: "Folder · 3 files". */
export function folderSummary (fileCount: number): string {
  return `Folder · ${fileCount} ${fileCount === 1 ? 'file' : 'files'}`
}
