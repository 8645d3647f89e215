/** The `<meta name="cairn-host">` the desktop app's server puts on the page it serves. */
export const CAIRN_HOST_META = 'cairn-host'

/**
 * True when this page is the Cairn desktop app's window (its node is the
 * desktop daemon's), false in a plain browser. Read from the page, never
 * guessed from the user agent.
 */
export function isDesktopApp (doc: Pick<Document, 'querySelector'> | undefined = globalThis.document): boolean {
  return doc?.querySelector(`meta[name="${CAIRN_HOST_META}"]`)?.getAttribute('content') === 'desktop'
}
