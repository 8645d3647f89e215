import { createHmac, randomBytes } from 'node:crypto'
import { createSocket } from 'node:dgram'
import { crc32 } from 'node:zlib'
import { RTCPeerConnection } from 'node-datachannel/polyfill'

/**
 * A stranger's WebRTC-direct flood: STUN binding requests, one UDP packet
 * each, every one with a new ufrag, as a real client's first packet looks
 * (WebRTC-direct makes the ICE password the ufrag, so anyone can sign one).
 */

/** A valid ICE credential (22–256 of [a-zA-Z0-9+/]), new each call. */
export function randomUfrag (): string {
  return randomBytes(24).toString('hex')
}

/** One STUN binding request with USERNAME, MESSAGE-INTEGRITY and FINGERPRINT. */
export function stunBindingRequest (ufrag: string): Buffer {
  const username = Buffer.from(`${ufrag}:${ufrag}`)
  const userAttr = Buffer.alloc(4 + Math.ceil(username.length / 4) * 4)
  userAttr.writeUInt16BE(0x0006, 0)
  userAttr.writeUInt16BE(username.length, 2)
  username.copy(userAttr, 4)
  const head = Buffer.alloc(20)
  head.writeUInt16BE(0x0001, 0)
  head.writeUInt32BE(0x2112a442, 4)
  randomBytes(12).copy(head, 8)
  // Each attribute is signed over the header with the length as if it ended the message.
  head.writeUInt16BE(userAttr.length + 24, 2)
  const integrity = Buffer.alloc(24)
  integrity.writeUInt16BE(0x0008, 0)
  integrity.writeUInt16BE(20, 2)
  createHmac('sha1', ufrag).update(Buffer.concat([head, userAttr])).digest().copy(integrity, 4)
  head.writeUInt16BE(userAttr.length + 24 + 8, 2)
  const signed = Buffer.concat([head, userAttr, integrity])
  const fingerprint = Buffer.alloc(8)
  fingerprint.writeUInt16BE(0x8028, 0)
  fingerprint.writeUInt16BE(4, 2)
  fingerprint.writeUInt32BE((crc32(signed) ^ 0x5354554e) >>> 0, 4)
  return Buffer.concat([signed, fingerprint])
}

/** Sends one binding request per ufrag from `localAddress` to 127.0.0.1:`port`. */
export async function floodStun (port: number, ufrags: string[], localAddress = '127.0.0.1'): Promise<void> {
  const socket = createSocket('udp4')
  await new Promise<void>((resolve) => { socket.bind(0, localAddress, resolve) })
  try {
    for (const ufrag of ufrags) {
      await new Promise<void>((resolve, reject) => { socket.send(stunBindingRequest(ufrag), port, '127.0.0.1', (err) => { if (err !== null) reject(err); else resolve() }) })
    }
  } finally {
    socket.close()
  }
}

/**
 * Counts the native peer connections this process builds for the given
 * ufrags (the listener sets each one's remote description from its ufrag).
 * Call `stop` to restore the prototype.
 */
export function countPeerConnections (ufrags: Iterable<string>): { built: () => number, stop: () => void } {
  const wanted = new Set(ufrags)
  const seen = new Set<string>()
  const proto = RTCPeerConnection.prototype
  const original = proto.setRemoteDescription
  proto.setRemoteDescription = async function (this: RTCPeerConnection & { ufrag?: string }, description) {
    if (this.ufrag !== undefined && wanted.has(this.ufrag)) seen.add(this.ufrag)
    return await original.call(this, description)
  }
  return { built: () => seen.size, stop: () => { proto.setRemoteDescription = original } }
}

/** The UDP port of a `/udp/<port>/webrtc-direct` address among `addrs`. */
export function webrtcPort (addrs: string[]): number {
  const found = addrs.map((a) => /\/udp\/(\d+)\/webrtc-direct/.exec(a)).find((m) => m !== null)
  if (found == null) throw new Error(`no WebRTC-direct address in ${addrs.join(' ')}`)
  return Number(found[1])
}
