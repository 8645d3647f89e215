import { yamux } from '@chainsafe/libp2p-yamux'

/**
 * Yamux's first receive window per stream. Its default, 256 KiB, is a
 * quarter of one 1 MiB content block, and every bitswap message opens a new
 * stream, so a sender stalled on the window about once per block until the
 * receiver's update came back (a round trip through both event loops; for
 * a browser, through its worker and network process too). 2 MiB holds a
 * block and its message with room to spare. It must stay well under yamux's
 * 4 MiB read buffer: a reader that pauses stops the window updates, and the
 * sender may still send a whole window, which lands in that buffer (4 MiB
 * overflowed it: a 5 MB sync batch was reset, tests/unit/sync/nodes.test.ts).
 * Counted in tests/bench/README.md ("Replication speed").
 */
export const STREAM_WINDOW_BYTES = 2 * 1024 * 1024

/** The stream muxer every Cairn libp2p node uses (devices, backup peer, relay). */
export function cairnYamux (): ReturnType<typeof yamux> {
  return yamux({ streamOptions: { initialStreamWindowSize: STREAM_WINDOW_BYTES } })
}
