/**
 * Why a settings file that is there could not be read, and what the user can
 * do about it, for the words of desktop.json's and the backup peer's
 * settings' errors (neither is "damaged": its bytes may be fine).
 */
export function fileReadFailure (err: unknown): { why: string, fix: string } {
  const code = (err as NodeJS.ErrnoException).code
  if (code === 'EACCES' || code === 'EPERM') return { why: 'permission denied: the user running Cairn may not read it', fix: 'give that user read access to it' }
  const why = code === 'EISDIR' ? 'it is a folder, not a file' : err instanceof Error ? err.message : String(err)
  return { why, fix: 'repair it, or move it away to start with new settings' }
}
