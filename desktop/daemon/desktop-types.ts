/** What `cairn-desktop` starts with (desktop/main.ts parses them from the command line). */
export interface DesktopOptions {
  /** Where the vault, the node's key and the settings live (desktop/data-dir.ts picks the platform's). */
  dataDir: string
  /** The loopback port the app is served on: chosen once and kept (browser storage is bound to the origin). */
  port: number
  /** Open the app window at start (`--no-window` runs the daemon alone). */
  openWindow: boolean
  /** Accept libp2p connections from the network, not only from this computer. */
  listenNetwork: boolean
  /** Relays to use until the user sets their own in the app. */
  relays?: string[]
  /** The web app's public origin, where share links made here point (default: the daemon's own). */
  shareOrigin?: string
  /** The built PWA (`dist/`). */
  distDir: string
  /** Show a tray icon (default true; tests and headless servers turn it off). */
  tray?: boolean
  /**
   * What the tray's Quit does. run-desktop.ts passes its own stop (the same as SIGTERM), so the
   * one-instance socket closes too; without it, the daemon stops and the process exits.
   */
  onQuit?: () => void
}

/** A running desktop app. */
export interface RunningDesktop {
  /** `http://127.0.0.1:<port>`: where the app is served. */
  origin: string
  /** Opens (or focuses) the app window, with a fresh one-time launch link. */
  openWindow: () => Promise<void>
  /** Quit: stops the window, the tray, the server and the node (the vault locks, keys wiped). */
  stop: () => Promise<void>
}
