import type { DownloadOpen, DownloadPortMessage, ShareDownloadOpen, ShareTokenHere, ZipDownloadOpen } from './download-messages.ts'
import type { NodeLeaderHere, NodePortDelivery, NodePortOffer } from './node-port-messages.ts'
import type { SharedFilesTake } from './share-target-messages.ts'
import type { StayAwake, StreamsUnderway } from './keep-awake-messages.ts'

/**
 * Every message a page posts to the service worker and every message the
 * service worker posts to one page (Client.postMessage), as one contract both
 * sides import. A message event's data is whatever some same-origin page
 * sent, so each side reads it through the guard here instead of casting.
 */

/** workbox-window's messageSkipWaiting(): the user chose "Reload to update". */
export interface SkipWaiting { type: 'SKIP_WAITING' }

/** Page → service worker. */
export type ToServiceWorker =
  | SkipWaiting
  | DownloadPortMessage
  | SharedFilesTake
  | NodePortOffer
  | NodeLeaderHere
  | ShareTokenHere
  | StayAwake

/** Service worker → one page. */
export type FromServiceWorker =
  | DownloadOpen
  | ShareDownloadOpen
  | NodePortDelivery
  | ZipDownloadOpen
  | StreamsUnderway

type Fields = Record<string, unknown>

function fieldsOf (data: unknown): Fields | undefined {
  return typeof data === 'object' && data !== null ? data as Fields : undefined
}

const isPort = (value: unknown): value is MessagePort => typeof MessagePort !== 'undefined' && value instanceof MessagePort
const isString = (value: unknown): value is string => typeof value === 'string'

/** The message a page sent the service worker, or undefined when it is none of ToServiceWorker. */
export function readToServiceWorker (data: unknown): ToServiceWorker | undefined {
  const m = fieldsOf(data)
  if (m === undefined) return undefined
  if (m.type === 'SKIP_WAITING') return { type: 'SKIP_WAITING' }
  switch (m.kind) {
    case 'download-port': return isString(m.requestId) && isPort(m.port) ? { kind: m.kind, requestId: m.requestId, port: m.port } : undefined
    case 'shared-files-take': return isString(m.id) ? { kind: m.kind, id: m.id } : undefined
    case 'node-port-offer': return isPort(m.port) ? { kind: m.kind, port: m.port } : undefined
    case 'node-leader': return { kind: m.kind }
    case 'share-token': return isString(m.token) ? { kind: m.kind, token: m.token } : undefined
    case 'stay-awake': return { kind: m.kind }
    default: return undefined
  }
}

/** The message the service worker sent this page, or undefined when it is none of FromServiceWorker. */
export function readFromServiceWorker (data: unknown): FromServiceWorker | undefined {
  const m = fieldsOf(data)
  if (m === undefined) return undefined
  switch (m.kind) {
    case 'download-open': return isString(m.requestId) && isString(m.fileId) && (m.versionId === undefined || isString(m.versionId))
      ? { kind: m.kind, requestId: m.requestId, fileId: m.fileId, ...(m.versionId !== undefined ? { versionId: m.versionId } : {}) }
      : undefined
    case 'share-download-open': return isString(m.requestId) && isString(m.token) ? { kind: m.kind, requestId: m.requestId, token: m.token } : undefined
    case 'zip-open': return isString(m.requestId) && isString(m.folder) && Array.isArray(m.picks) && m.picks.every(isString)
      ? { kind: m.kind, requestId: m.requestId, folder: m.folder, picks: m.picks }
      : undefined
    case 'node-port': return isPort(m.port) ? { kind: m.kind, port: m.port } : undefined
    case 'streams-underway': return typeof m.count === 'number' && Number.isSafeInteger(m.count) && m.count >= 0 ? { kind: m.kind, count: m.count } : undefined
    default: return undefined
  }
}
