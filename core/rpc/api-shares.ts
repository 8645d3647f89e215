/**
 * Share links I made.
 * Part of the node's API contract: see api.ts, which re-exports it. Everything
 * here must survive structured clone.
 */

/** One share link I made, as "My shares" lists it (issue 4). */
export interface ShareInfo {
  id: string
  /** The vault file it is a copy of ('' for a folder). */
  fileId: string
  /** A folder share: the folder's path, and how many files its snapshot holds. */
  folder?: string
  fileCount?: number
  /** Root CID of the share's own encrypted copy. */
  cid: string
  name: string
  /** Bytes shared (a folder: all its files). */
  size: number
  type: string
  /** ms since epoch. */
  createdAt: number
  /** After this (ms since epoch) the backup peers unpin it by themselves; absent = never. */
  expiresAt?: number
  /** True once expiresAt has passed: the link no longer works. */
  expired: boolean
  /** The link (`ORIGIN/#/s/…`): it carries the share key. */
  link: string
  /** Paired backup peers (peer ids) that hold all of the share's data. */
  pinnedOn: string[]
}
