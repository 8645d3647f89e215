import type { TrayIconName, TrayStatus } from './tray-types.ts'

/** The menu's entries, in the order shown. */
export const TRAY_ITEM_IDS = ['open', 'status', 'folders', 'pause', 'start-at-login', 'separator', 'quit'] as const
export type TrayItemId = typeof TRAY_ITEM_IDS[number]

export interface TrayMenuItem {
  id: TrayItemId
  title: string
  enabled: boolean
  checked: boolean
  /** Left out of the menu (the folders' line while no folder is synced). */
  hidden: boolean
}

export interface TrayMenuModel {
  icon: TrayIconName
  tooltip: string
  items: TrayMenuItem[]
}

// systray2's Linux program draws plain menu items: a checked item shows no
// tick there, so the title carries the box (macOS and Windows draw real ticks).
const BOX_CHECKED = '☑'
const BOX_EMPTY = '☐'

function checkbox (id: TrayItemId, title: string, checked: boolean, platform: NodeJS.Platform): TrayMenuItem {
  const shown = platform === 'linux' ? `${checked ? BOX_CHECKED : BOX_EMPTY} ${title}` : title
  return { id, title: shown, enabled: true, checked, hidden: false }
}

/** The tray's icon, tooltip and menu for a status: a pure function, so tests can read the menu without a display. */
export function trayMenu (status: TrayStatus, platform: NodeJS.Platform = process.platform): TrayMenuModel {
  const line = status.line.trim() === '' ? 'Cairn' : status.line
  const folders = status.folders?.trim() ?? ''
  const tooltip = line === 'Cairn' ? 'Cairn' : `Cairn: ${line}`
  return {
    icon: status.icon,
    tooltip: folders === '' ? tooltip : `${tooltip} · ${folders}`,
    items: [
      { id: 'open', title: 'Open Cairn', enabled: true, checked: false, hidden: false },
      { id: 'status', title: line, enabled: false, checked: false, hidden: false },
      // Kept in the menu while hidden: an entry's place and id never change.
      { id: 'folders', title: folders, enabled: false, checked: false, hidden: folders === '' },
      checkbox('pause', 'Pause syncing', status.paused, platform),
      checkbox('start-at-login', 'Start at login', status.startAtLogin, platform),
      { id: 'separator', title: '', enabled: true, checked: false, hidden: false },
      { id: 'quit', title: 'Quit', enabled: true, checked: false, hidden: false }
    ]
  }
}

/** The entries whose title, tick or enabled state differ between two models (what an update must send). */
export function changedItems (before: TrayMenuModel, after: TrayMenuModel): TrayMenuItem[] {
  return after.items.filter((item, index) => {
    const old = before.items[index]
    return old === undefined || old.id !== item.id || old.title !== item.title || old.checked !== item.checked || old.enabled !== item.enabled || old.hidden !== item.hidden
  })
}
