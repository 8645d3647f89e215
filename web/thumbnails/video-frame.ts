/** How long a video may take to show a frame before it gets no thumbnail. */
const FRAME_TIMEOUT_MS = 15_000

/**
 * The first frame of a video as an ImageBitmap, where this browser can play
 * the video; undefined otherwise. Needs a <video> element, so it runs in the
 * page, but the browser decodes on its media threads: the page only asks for
 * one frame. Muted, never shown, dropped at once.
 */
export async function firstVideoFrame (url: string): Promise<ImageBitmap | undefined> {
  if (typeof document === 'undefined') return undefined
  const video = document.createElement('video')
  video.muted = true
  video.preload = 'auto'
  video.playsInline = true
  try {
    const ready = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => { resolve(false) }, FRAME_TIMEOUT_MS)
      video.addEventListener('loadeddata', () => { clearTimeout(timer); resolve(true) }, { once: true })
      video.addEventListener('error', () => { clearTimeout(timer); resolve(false) }, { once: true })
    })
    video.src = url
    if (!(await ready) || video.videoWidth === 0) return undefined
    return await createImageBitmap(video)
  } catch {
    return undefined
  } finally {
    video.removeAttribute('src')
    video.load()
  }
}
