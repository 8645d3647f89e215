/**
 * Share links I made.
 * Part of the node's API contract: see api.ts, which re-exports it. Everything
 * here must survive structured clone.
 */

export type { ShareInfo } from '../vault/vault-views.ts'
