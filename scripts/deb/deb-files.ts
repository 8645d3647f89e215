/**
 * The text files of the Debian package (scripts/package-deb.ts): its
 * control file, its launcher script and its applications-menu entry.
 * Pure, so the test can check them without building anything.
 */

/** Where the package keeps the app, its Node.js and its production node_modules. */
export const INSTALL_DIR = '/usr/lib/cairn-desktop'
export const LAUNCHER = '/usr/bin/cairn-desktop'
export const MENU_ENTRY = '/usr/share/applications/cairn-desktop.desktop'

export interface ControlInit {
  version: string
  /** Installed size in KiB (dpkg shows it before installing). */
  installedSizeKiB: number
}

/** DEBIAN/control. Node's official binary needs glibc 2.28 and libstdc++; the tray needs the app indicator. */
export function controlFile (init: ControlInit): string {
  return [
    'Package: cairn-desktop',
    `Version: ${init.version}`,
    'Architecture: amd64',
    'Maintainer: Cairn developers <cairn@localhost>',
    `Installed-Size: ${init.installedSizeKiB}`,
    'Depends: libc6 (>= 2.28), libstdc++6, libayatana-appindicator3-1',
    'Recommends: chromium',
    'Suggests: desktop-file-utils',
    'Section: utils',
    'Priority: optional',
    'Description: private, peer-to-peer file storage (desktop app)',
    ' Cairn keeps your files encrypted on your own devices and replicates them',
    ' between them. The desktop app runs the Cairn node in the background, with a',
    ' tray icon, and opens the Cairn app in a window of its own.',
    ''
  ].join('\n')
}

/** /usr/bin/cairn-desktop: the bundled Node.js on the launcher; it names itself for start at login. */
export function launcherScript (): string {
  return [
    '#!/bin/sh',
    '# cairn-desktop: the Cairn desktop app, on the Node.js this package carries.',
    `CAIRN_DESKTOP_COMMAND=${LAUNCHER}`,
    'export CAIRN_DESKTOP_COMMAND',
    `exec ${INSTALL_DIR}/bin/node ${INSTALL_DIR}/desktop/bin/cairn-desktop.js "$@"`,
    ''
  ].join('\n')
}

/** The applications-menu entry (StartupWMClass matches the window's --class=Cairn). */
export function menuEntry (): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Cairn',
    'GenericName=File Storage',
    'Comment=Private, peer-to-peer file storage',
    'Exec=cairn-desktop',
    'Icon=cairn-desktop',
    'Terminal=false',
    'Categories=Utility;FileTools;',
    'Keywords=files;backup;sync;encrypted;',
    'StartupWMClass=Cairn',
    ''
  ].join('\n')
}
