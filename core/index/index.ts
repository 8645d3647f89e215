/**
 * The vault index: an encrypted, per-device-chained operation log and the
 * last-writer-wins state materialised from it (DESIGN §4 "Index").
 */
export { IndexLog, type IndexLogComponents, type IndexLogInit, type IndexTransaction } from './index-log.ts'
export { IndexHistory } from './index-history.ts'
export { compareHlc, decodeHlc, encodeHlc, maxHlc, receive, tick, zeroHlc, type Hlc } from './hlc.ts'
export { newFileId, type FileEntry, type IndexOp, type OpKind, type PartialOp } from './ops.ts'
export { normalizePath, validatePath } from './paths.ts'
export { toBase64, fromBase64 } from '../crypto/base64.ts'
export { applyOp, createState, findByPath, findByTag, getFile, listFiles, materialise, type FileView, type IndexState, type ViewOptions } from './state.ts'
export { decodeOpBlock, encodeOpBlock, type OpBlock } from './op-block.ts'
export type { ChainHead } from './chain.ts'
export { retainedCids, trashOf, versionsOf, type TrashView, type VersionView } from './history.ts'
