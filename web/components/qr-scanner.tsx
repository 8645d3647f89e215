import { useEffect, useRef } from 'preact/hooks'
import { cameraErrorWords, createFrameDecoder } from '../lib/qr-frames.ts'

/** How often a frame is read: often enough to feel instant, rare enough to leave the CPU to the rest. */
const FRAME_INTERVAL_MS = 200

export interface QrScannerProps {
  /** The text of the first QR code seen. */
  onResult: (text: string) => void
  /** The camera could not be used: words for the person. */
  onError: (words: string) => void
}

/**
 * The camera's picture, read for a QR code until one is found. Rendering it
 * opens the camera (the browser asks for permission); unmounting closes it.
 */
export function QrScanner ({ onResult, onError }: QrScannerProps) {
  const video = useRef<HTMLVideoElement>(null)
  useEffect(() => {
    let stopped = false
    let stream: MediaStream | undefined
    let timer: ReturnType<typeof setTimeout> | undefined
    const run = async (): Promise<void> => {
      try {
        const media = navigator.mediaDevices
        if (media?.getUserMedia === undefined) throw Object.assign(new Error('no camera API'), { name: 'NotFoundError' })
        stream = await media.getUserMedia({ video: { facingMode: 'environment' }, audio: false })
        const element = video.current
        // Closed while the browser was asking: the cleanup ran before there was a stream to stop.
        if (stopped || element === null) { for (const track of stream.getTracks()) track.stop(); return }
        element.srcObject = stream
        await element.play()
        const decode = await createFrameDecoder()
        const frame = async (): Promise<void> => {
          if (stopped) return
          const text = await decode(element).catch(() => undefined)
          if (stopped) return
          if (text !== undefined) { onResult(text); return }
          timer = setTimeout(() => { void frame() }, FRAME_INTERVAL_MS)
        }
        await frame()
      } catch (err) {
        if (!stopped) onError(cameraErrorWords(err))
      }
    }
    void run()
    return () => {
      stopped = true
      if (timer !== undefined) clearTimeout(timer)
      for (const track of stream?.getTracks() ?? []) track.stop()
    }
  }, [])
  return (
    <div class='qr-scanner'>
      {/* muted + playsInline: mobile browsers play a camera preview only so. */}
      <video ref={video} class='qr-scanner-video' muted playsInline aria-label='Camera picture' />
      <p role='status' class='muted'>Point the camera at the QR code on your other device.</p>
    </div>
  )
}
