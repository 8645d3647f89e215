/**
 * The tray's seam with the daemon (docs: the desktop brief). The daemon owns
 * the state; the tray shows it and reports what the person chose.
 */

/** What the tray shows: the icon's state, the status line, and the two checkboxes. */
export interface TrayStatus {
  icon: TrayIconName
  /** 'Locked', 'Backing up 3 files', 'All backed up', 'Offline', … (no file names: it is visible over a shoulder). */
  line: string
  /** The synced folders' line ('Folders in step', 'Syncing 3 files…', 'Sync paused'); absent (the line hidden) when no folder is synced. */
  folders?: string
  paused: boolean
  startAtLogin: boolean
}

export type TrayIconName = 'normal' | 'busy' | 'error'

export interface TrayInit {
  onOpen: () => void
  onQuit: () => void
  /** Called with the new state when the person ticks or unticks "Pause syncing". */
  onPause: (paused: boolean) => void
  /** Called with the new state when the person ticks or unticks "Start at login". */
  onStartAtLogin: (on: boolean) => void
  status: TrayStatus
}

export interface Tray {
  setStatus: (status: TrayStatus) => void
  /** Removes the icon and ends the tray program; resolves once it has exited. */
  stop: () => Promise<void>
}
