import { DESKTOP_HOST, HOST_META_NAME } from '../../core/rpc/socket-messages.ts'

/**
 * True when this page is the Cairn desktop app's window (its node is the
 * desktop daemon's), false in a plain browser. Read from the page, never
 * guessed from the user agent.
 */
export function isDesktopApp (doc: Pick<Document, 'querySelector'> | undefined = globalThis.document): boolean {
  return doc?.querySelector(`meta[name="${HOST_META_NAME}"]`)?.getAttribute('content') === DESKTOP_HOST
}
