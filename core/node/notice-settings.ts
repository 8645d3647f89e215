import { Key, type Datastore } from 'interface-datastore'
import { NOTICE_KINDS, type NoticeSettings } from '../rpc/api-notices.ts'

/** Beside `/cairn/settings` and `/cairn/network`: device-local, not secret, not synced. */
const NOTICES_KEY = new Key('/cairn/notices')

export function defaultNoticeSettings (): NoticeSettings {
  return Object.fromEntries(NOTICE_KINDS.map(kind => [kind, true])) as NoticeSettings
}

/** Which kinds of notice are on; a kind not stored (or stored damaged) is on. */
export async function loadNoticeSettings (datastore: Datastore): Promise<NoticeSettings> {
  const settings = defaultNoticeSettings()
  if (!(await datastore.has(NOTICES_KEY))) return settings
  let stored: unknown
  try {
    stored = JSON.parse(new TextDecoder().decode(await datastore.get(NOTICES_KEY)))
  } catch {
    return settings
  }
  return mergeNoticeSettings(settings, stored)
}

export async function saveNoticeSettings (datastore: Datastore, settings: NoticeSettings): Promise<void> {
  await datastore.put(NOTICES_KEY, new TextEncoder().encode(JSON.stringify(settings)))
}

/** `base` with the known kinds of `change` that are booleans; anything else is ignored. */
export function mergeNoticeSettings (base: NoticeSettings, change: unknown): NoticeSettings {
  const next = { ...base }
  if (typeof change !== 'object' || change === null) return next
  for (const kind of NOTICE_KINDS) {
    const value = (change as Record<string, unknown>)[kind]
    if (typeof value === 'boolean') next[kind] = value
  }
  return next
}
