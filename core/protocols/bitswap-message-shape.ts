/**
 * The shape of @helia/bitswap's QueuedBitswapMessage (utils/bitswap-message.ts),
 * which the package does not export: what Cairn hands to bitswap's network
 * `sendMessage` when it sends wants or cancels to one peer itself.
 */
export interface QueuedBitswapMessage<Want = unknown> {
  full: boolean
  pendingBytes: number
  wantlist: Map<string, Want>
  blocks: Map<string, unknown>
  blockPresences: Map<string, unknown>
}
