/**
 * Human-readable numbers for the UI. Sizes use decimal units (1 MB = 1,000,000
 * bytes), the same units as the MB/s upload rates beside them.
 */

const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB']

/** "0 bytes", "999 bytes", "1.2 KB", "45.6 MB", "1.02 GB". */
export function formatBytes (bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—'
  if (bytes < 1000) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`
  let value = bytes
  let unit = 0
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000
    unit++
  }
  // Three significant figures reads well: 1.23 GB, 12.3 MB, 123 KB.
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2
  return `${value.toFixed(digits)} ${UNITS[unit] ?? ''}`
}

/** Bytes per second in the same units as sizes: "12.3 MB/s", "840 KB/s". */
export function formatRate (bytesPerSecond: number): string {
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) return '— MB/s'
  return `${formatBytes(Math.round(bytesPerSecond))}/s`
}

/** 0..1 (or done/total) as "42%"; an empty total counts as complete. */
export function formatPercent (done: number, total: number): string {
  return `${Math.floor(fraction(done, total) * 100)}%`
}

/** done/total clamped to 0..1; a zero total is complete (an empty file is done at once). */
export function fraction (done: number, total: number): number {
  if (total <= 0) return 1
  return Math.min(1, Math.max(0, done / total))
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false })

/** A file's modified date: "12 Mar 2026, 14:05" in the user's locale. */
export function formatDate (ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return '—'
  return dateFormat.format(ms)
}

/** A log line's time: "14:05:09.123". */
export function formatLogTime (ms: number): string {
  const millis = String(Math.floor(ms % 1000)).padStart(3, '0')
  return `${timeFormat.format(ms)}.${millis}`
}

/** The last part of a vault path: "photos/cat.jpg" → "cat.jpg". */
export function baseName (path: string): string {
  const slash = path.lastIndexOf('/')
  return slash === -1 ? path : path.slice(slash + 1)
}

/** Everything before the last part, with its slash: "photos/cat.jpg" → "photos/". */
export function folderOf (path: string): string {
  const slash = path.lastIndexOf('/')
  return slash === -1 ? '' : path.slice(0, slash + 1)
}

/** A peer id short enough for a table cell: "12D3KooW…x9aBcD" (the full id goes in a title). */
export function shortPeerId (peerId: string): string {
  return peerId.length <= 18 ? peerId : `${peerId.slice(0, 8)}…${peerId.slice(-6)}`
}

/** How long ago `ms` was, from `now`: "just now", "42 s ago", "5 min ago", "3 h ago", "2 days ago"; "never" for 0. */
export function formatAgo (ms: number, now: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return 'never'
  const seconds = Math.max(0, Math.floor((now - ms) / 1000))
  if (seconds < 5) return 'just now'
  if (seconds < 60) return `${seconds} s ago`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes} min ago`
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return `${hours} h ago`
  const days = Math.floor(hours / 24)
  return `${days} days ago`
}

/** A round trip: "12 ms", "1.2 s"; "—" when none was measured. */
export function formatLatency (ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '—'
  if (ms < 1000) return `${Math.round(ms)} ms`
  return `${(ms / 1000).toFixed(1)} s`
}

/** Time left as "mm:ss", rounded up (so "00:00" means it is over): 65_001 ms → "01:06". */
export function formatCountdown (ms: number): string {
  const total = Number.isFinite(ms) && ms > 0 ? Math.ceil(ms / 1000) : 0
  const minutes = Math.floor(total / 60)
  return `${String(minutes).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`
}
