/**
 * How the service worker asks for a download's bytes (sw/download-route.ts).
 * A vault file's id and a share page's token each let any same-origin page
 * fetch plaintext while the vault is open or the share page is, so neither
 * goes on the BroadcastChannel: the service worker sends the request to the
 * one tab that can answer it (the leader, or the share page that made the
 * token) with Client.postMessage, and that tab hands back a port
 * (DownloadPortMessage below).
 */

/** Service worker → leader tab: stream this vault file to me. */
export interface DownloadOpen { kind: 'download-open', requestId: string, fileId: string, versionId?: string }

/** Service worker → share page: stream the shared file you opened as `token` (`token/index` for a folder's file). */
export interface ShareDownloadOpen { kind: 'share-download-open', requestId: string, token: string }

/** Share page → service worker: downloads of `token` come to me. */
export interface ShareTokenHere { kind: 'share-token', token: string }

/**
 * Service worker → every tab, on the BroadcastChannel: I was restarted and
 * forgot which page holds which share; share pages say so again (no token
 * in this question).
 */
export interface ShareTokensWanted { kind: 'share-tokens-wanted' }

/** Leader tab or share page → service worker: the port a DownloadOpen or ShareDownloadOpen asked for. */
export interface DownloadPortMessage { kind: 'download-port', requestId: string, port: MessagePort }

/** Service worker → leader tab: stream a zip of this folder (or of the picks in it, paths relative to it) to me. */
export interface ZipDownloadOpen { kind: 'zip-open', requestId: string, folder: string, picks: string[] }
