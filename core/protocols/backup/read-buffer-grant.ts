import type { Connection } from '@libp2p/interface'

/** What of a connection's muxer and streams a grant touches (@libp2p/webrtc 6's DataChannelMuxer, @libp2p/utils' AbstractMessageStream). */
interface Widenable {
  muxer?: { dataChannelOptions?: Record<string, unknown> }
  streams: Array<{ maxReadBufferLength?: number }>
}

/**
 * Gives a paired device's WebRTC connections the larger data-channel read
 * buffer bitswap needs (DESIGN §6), which a stranger's connection does not
 * get: its streams keep libp2p's 4 MiB default, so an unpaired connection
 * cannot make the peer hold 64 MiB per stream. @libp2p/webrtc spreads its
 * muxer's `dataChannelOptions` into each stream it makes, so the muxer gets
 * its own copy with the larger limit (new streams), and the streams open now
 * get it too. Connections on other transports (WebSocket + yamux) are left
 * as they are.
 */
export function grantReadBuffer (connections: Connection[], bytes: number): void {
  for (const connection of connections as unknown as Widenable[]) {
    const muxer = connection.muxer
    if (muxer?.dataChannelOptions === undefined) continue
    if ((muxer.dataChannelOptions.maxReadBufferLength as number | undefined ?? 0) < bytes) {
      muxer.dataChannelOptions = { ...muxer.dataChannelOptions, maxReadBufferLength: bytes }
    }
    for (const stream of connection.streams) {
      if (typeof stream.maxReadBufferLength === 'number' && stream.maxReadBufferLength < bytes) stream.maxReadBufferLength = bytes
    }
  }
}
