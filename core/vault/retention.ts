import { ConfigInvalidError } from '../errors.ts'
import type { TrashView, VersionView } from '../index/history.ts'
import type { VersionRetention } from './vault-views.ts'

export type { VersionRetention }

export const DEFAULT_VERSION_RETENTION: VersionRetention = { keep: 'days', days: 30 }
/** Files stay in the Trash this long, then it is emptied of them by itself. */
export const TRASH_DAYS = 30
export const DAY_MS = 24 * 60 * 60 * 1000
export const RETENTION_BOUNDS = { days: { min: 1, max: 3650 }, count: { min: 1, max: 1000 } }

/** Throws CONFIG_INVALID unless `value` is a retention Settings can keep. */
export function checkRetention (value: unknown): VersionRetention {
  const r = value as Partial<{ keep: unknown, days: unknown, count: unknown }> | null
  if (r?.keep === 'days' && Number.isSafeInteger(r.days) && (r.days as number) >= RETENTION_BOUNDS.days.min && (r.days as number) <= RETENTION_BOUNDS.days.max) {
    return { keep: 'days', days: r.days as number }
  }
  if (r?.keep === 'count' && Number.isSafeInteger(r.count) && (r.count as number) >= RETENTION_BOUNDS.count.min && (r.count as number) <= RETENTION_BOUNDS.count.max) {
    return { keep: 'count', count: r.count as number }
  }
  throw new ConfigInvalidError(`Keep versions for ${RETENTION_BOUNDS.days.min}–${RETENTION_BOUNDS.days.max} days, or keep the last ${RETENTION_BOUNDS.count.min}–${RETENTION_BOUNDS.count.max} versions`)
}

/** The versions of one file (newest first) that the retention no longer keeps at `now`. */
export function versionsDue (versions: readonly VersionView[], retention: VersionRetention, now: number): VersionView[] {
  if (retention.keep === 'count') return versions.slice(retention.count)
  const cutoff = now - retention.days * DAY_MS
  return versions.filter(v => v.replacedAt <= cutoff)
}

/** The latest deletion time (wall ms) of a Trash item that is due at `now`. */
export function trashCutoff (now: number): number {
  return now - TRASH_DAYS * DAY_MS
}

/** Trash items deleted at least TRASH_DAYS before `now`. */
export function trashDue (items: readonly TrashView[], now: number): TrashView[] {
  const cutoff = trashCutoff(now)
  return items.filter(item => item.deleted.wall <= cutoff)
}
