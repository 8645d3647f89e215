/**
 * Reads `xwininfo -root -tree` output into a tree of windows, so desktop
 * tests can find a tray icon inside the tray host, or a popup menu, and where
 * they are on the screen.
 */
export interface XWindow {
  id: string
  /** The window's title (WM_NAME), or '' when it has none. */
  name: string
  /** WM_CLASS: instance and class name, '' when unset. */
  instance: string
  className: string
  width: number
  height: number
  /** Position on the screen (xwininfo's absolute coordinates). */
  x: number
  y: number
  children: XWindow[]
}

// `   0x400007 "tray_linux_release": ("systray" "systray")  32x30+0+0  +991+1`
// `   0x200022 (has no name): ()  1x1+-1+-1  +-1+-1`
const LINE = /^(\s*)(0x[0-9a-f]+) (?:"(.*)"|\(has no name\)): \((?:"([^"]*)" "([^"]*)")?\)\s+(\d+)x(\d+)[+-]-?\d+[+-]-?\d+\s+\+(-?\d+)\+(-?\d+)\s*$/

/** The root window with its descendants, from `xwininfo -root -tree`. */
export function parseWindowTree (text: string): XWindow {
  const root: XWindow = { id: 'root', name: '', instance: '', className: '', width: 0, height: 0, x: 0, y: 0, children: [] }
  const stack: Array<{ indent: number, window: XWindow }> = [{ indent: -1, window: root }]
  for (const line of text.split('\n')) {
    const match = LINE.exec(line)
    if (match === null) continue
    const [, spaces = '', id = '', name = '', instance = '', className = '', width, height, x, y] = match
    const window: XWindow = { id, name, instance, className, width: Number(width), height: Number(height), x: Number(x), y: Number(y), children: [] }
    while (stack.length > 1 && stack[stack.length - 1]!.indent >= spaces.length) stack.pop()
    stack[stack.length - 1]!.window.children.push(window)
    stack.push({ indent: spaces.length, window })
  }
  return root
}

/** Every window below `window`, depth first. */
export function descendants (window: XWindow): XWindow[] {
  return window.children.flatMap(child => [child, ...descendants(child)])
}

/**
 * The programs' windows embedded in trayer's panel (XEmbed tray icons): the
 * panel's descendants that carry a WM_CLASS (trayer's own socket windows do not).
 */
export function trayerIcons (root: XWindow): XWindow[] {
  const panels = descendants(root).filter(window => window.className === 'trayer' && window.instance === 'panel')
  return panels.flatMap(panel => descendants(panel).filter(window => window.className !== ''))
}
