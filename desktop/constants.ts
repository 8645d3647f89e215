/** Constants of the desktop shell (DESIGN §10). */

/** The loopback port a first launch tries for the app before looking further. */
export const PREFERRED_APP_PORT = 47_600

/** How many ports above the preferred one a first launch tries before asking the system for any. */
export const APP_PORT_SEARCH_SPAN = 100

/** The desktop's settings file inside the data folder. */
export const DESKTOP_CONFIG_FILE = 'desktop.json'

/** The single-instance socket inside the data folder. */
export const INSTANCE_SOCKET_NAME = 'desktop.sock'

/** The app window's own browser profile inside the data folder. */
export const WINDOW_PROFILE_DIR = 'window-profile'

/** The name of the program, its launcher and its icon. */
export const PROGRAM_NAME = 'cairn-desktop'

/** The line `cairn-desktop` prints on stdout once it serves the app: `CAIRN_DESKTOP_READY {"origin":…,"pid":…}`. */
export const READY_PREFIX = 'CAIRN_DESKTOP_READY'
