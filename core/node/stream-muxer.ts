import { yamux } from '@chainsafe/libp2p-yamux'

/**
 * Yamux's first receive window per stream. Its default, 256 KiB, is a
 * quarter of one 1 MiB content block, and every bitswap message opens a new
 * stream, so a sender stalled on the window about once per block until the
 * receiver's update came back (a round trip through both event loops; for
 * a browser, through its worker and network process too). 4 MiB is one
 * bitswap message (bitswap's 4 MiB cap) and no more than yamux's default
 * read buffer. It does not raise the worst case: yamux already grows a busy
 * stream's window to 16 MiB. Counted in tests/bench/README.md ("Node ↔ Node").
 */
export const STREAM_WINDOW_BYTES = 4 * 1024 * 1024

/** The stream muxer every Cairn libp2p node uses (devices, backup peer, relay). */
export function cairnYamux (): ReturnType<typeof yamux> {
  return yamux({ streamOptions: { initialStreamWindowSize: STREAM_WINDOW_BYTES } })
}
