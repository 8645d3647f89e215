/** Share links (issue 4): the link format, the re-encrypted share copy and "My shares". */
export {
  createShareLink, parseShareLink, encodeSharePayload, decodeSharePayload, shareMetaKey,
  SHARE_LINK_VERSION, SHARE_KEY_LENGTH, SHARE_FRAGMENT_PREFIX, MAX_NAME_BYTES, MAX_TYPE_BYTES, MAX_HINT_BYTES, MAX_HINTS,
  type ShareLinkFields, type CreateShareLinkInit
} from './share-link.ts'
export { makeShare, type MakeShareComponents, type MakeShareInit, type MadeShare } from './make-share.ts'
export { ShareStore, newShareId, type ShareRecord } from './share-store.ts'
