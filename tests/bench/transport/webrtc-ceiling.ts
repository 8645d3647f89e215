import { RTCPeerConnection as NodePeerConnection } from 'node-datachannel/polyfill'
import type { Page } from 'playwright'
import type { Results } from '../support/report.ts'

/**
 * `--only webrtc-ceiling`: the most a WebRTC data channel carries on this
 * machine, before any libp2p framing, Noise or block protocol: DESIGN §2's
 * WebRTC path for the browser can go no faster. Bytes are sent as fast as
 * the channel's buffer allows (kept under 8 MiB) and counted on arrival.
 * - `stage.webrtc.ceiling.chromium_to_chromium.<size>`: two peer
 *   connections in one page (both SCTP stacks in Chromium);
 * - `stage.webrtc.ceiling.chromium_to_node.<size>`: the page to Node's
 *   node-datachannel (libdatachannel), what @libp2p/webrtc uses in Node and
 *   so what a backup peer or the desktop daemon would answer with.
 * `<size>` is the message size: 16 KiB is the largest message @libp2p/webrtc
 * sends; 256 KiB shows what larger messages would buy.
 */
const MESSAGE_SIZES = [16 * 1024, 256 * 1024]

export async function runWebrtcCeiling (page: Page, results: Results, options: { sizeMiB: number, reps: number }): Promise<void> {
  const total = options.sizeMiB * 1024 * 1024
  console.log(`webrtc ceiling: ${options.sizeMiB} MiB per figure, ${options.reps} repetition(s)`)
  let nodeTotal = 0
  await page.exposeFunction('cairnBenchNodeAnswer', async (offer: string) => await answerInNode(offer, () => nodeTotal))
  for (let rep = 0; rep < options.reps; rep++) {
    for (const size of MESSAGE_SIZES) {
      const label = `${size / 1024}KiB`
      const local = await page.evaluate(sendInPage, { size, total, remote: false })
      results.add({ name: `stage.webrtc.ceiling.chromium_to_chromium.${label}`, value: local, unit: 'MB/s' })
      nodeTotal = total
      const toNode = await page.evaluate(sendInPage, { size, total, remote: true })
      results.add({ name: `stage.webrtc.ceiling.chromium_to_node.${label}`, value: toNode, unit: 'MB/s' })
    }
  }
}

/** Node's side: answers one offer; its channel reports "done" once `expected()` bytes arrived. */
async function answerInNode (offer: string, expected: () => number): Promise<string> {
  const pc = new NodePeerConnection()
  pc.ondatachannel = (event) => {
    let received = 0
    event.channel.onmessage = (message) => {
      received += (message.data as ArrayBuffer).byteLength
      if (received >= expected()) { event.channel.send('done'); setTimeout(() => { pc.close() }, 1000) }
    }
  }
  await pc.setRemoteDescription(JSON.parse(offer) as RTCSessionDescriptionInit)
  await pc.setLocalDescription(await pc.createAnswer())
  await gathered(pc)
  return JSON.stringify(pc.localDescription)
}

async function gathered (pc: { iceGatheringState: string, addEventListener: (type: 'icegatheringstatechange', listener: () => void) => void }): Promise<void> {
  if (pc.iceGatheringState === 'complete') return
  await new Promise<void>((resolve) => { pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') resolve() }) })
}

/** Runs in the page: one channel, `total` bytes in `size` messages; returns MB/s from the first send to the last byte's arrival. */
async function sendInPage ({ size, total, remote }: { size: number, total: number, remote: boolean }): Promise<number> {
  // No named local functions here: the bench's loader would wrap them in a helper the page lacks.
  const sender = new RTCPeerConnection()
  const channel = sender.createDataChannel('bench', { ordered: true })
  channel.binaryType = 'arraybuffer'
  let arrived: Promise<unknown>
  let receiver: RTCPeerConnection | undefined
  if (remote) {
    await sender.setLocalDescription(await sender.createOffer())
    if (sender.iceGatheringState !== 'complete') {
      await new Promise<void>((resolve) => { sender.addEventListener('icegatheringstatechange', () => { if (sender.iceGatheringState === 'complete') resolve() }) })
    }
    // Exposed by the bench (Playwright's exposeFunction): the Node side's answer.
    const answer = await (globalThis as unknown as { cairnBenchNodeAnswer: (offer: string) => Promise<string> }).cairnBenchNodeAnswer(JSON.stringify(sender.localDescription))
    await sender.setRemoteDescription(JSON.parse(answer) as RTCSessionDescriptionInit)
    arrived = new Promise((resolve) => { channel.onmessage = resolve })
  } else {
    const other = new RTCPeerConnection()
    receiver = other
    sender.onicecandidate = (e) => { if (e.candidate !== null) void other.addIceCandidate(e.candidate) }
    other.onicecandidate = (e) => { if (e.candidate !== null) void sender.addIceCandidate(e.candidate) }
    arrived = new Promise((resolve) => {
      other.ondatachannel = (e) => {
        let received = 0
        e.channel.onmessage = (m) => { received += (m.data as ArrayBuffer).byteLength; if (received >= total) resolve(received) }
      }
    })
    await sender.setLocalDescription(await sender.createOffer())
    await other.setRemoteDescription(sender.localDescription as RTCSessionDescriptionInit)
    await other.setLocalDescription(await other.createAnswer())
    await sender.setRemoteDescription(other.localDescription as RTCSessionDescriptionInit)
  }
  await new Promise((resolve) => { channel.onopen = resolve })
  const message = new Uint8Array(size)
  channel.bufferedAmountLowThreshold = 1024 * 1024
  const started = performance.now()
  for (let sent = 0; sent < total; sent += size) {
    if (channel.bufferedAmount > 8 * 1024 * 1024) await new Promise((resolve) => { channel.onbufferedamountlow = resolve })
    channel.send(message)
  }
  await arrived
  const seconds = (performance.now() - started) / 1000
  sender.close()
  receiver?.close()
  return total / 1e6 / seconds
}
