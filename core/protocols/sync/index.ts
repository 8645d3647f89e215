/**
 * `/cairn/sync/1` (DESIGN §5): device ↔ device index sync. The node wiring
 * registers `answerSync` for SYNC_PROTOCOL and calls `syncWith` on streams it
 * opens, passing the connection's remote PeerId and `deriveSyncKey(indexKey)`.
 */
export { SYNC_PROTOCOL } from './constants.ts'
export { deriveSyncKey } from './hello.ts'
export { answerSync, syncWith, type SyncIndex, type SyncLogger, type SyncSessionInit, type SyncSummary } from './session.ts'
