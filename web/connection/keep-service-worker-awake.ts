import { STAY_AWAKE_EVERY_MS, type StayAwake } from '../../core/rpc/keep-awake-messages.ts'
import { readFromServiceWorker } from '../../core/rpc/service-worker-messages.ts'

/**
 * While the service worker says downloads stream through it, sends it a
 * StayAwake every 10 s, so Firefox does not stop it (and cut the download
 * short) 30 s into a long one. Returns the stop function.
 */
export function keepServiceWorkerAwake (container: ServiceWorkerContainer | undefined = globalThis.navigator?.serviceWorker, everyMs = STAY_AWAKE_EVERY_MS): () => void {
  if (container === undefined) return () => {}
  let timer: ReturnType<typeof setInterval> | undefined
  const poke = (): void => { container.controller?.postMessage({ kind: 'stay-awake' } satisfies StayAwake) }
  const onMessage = (ev: MessageEvent<unknown>): void => {
    const message = readFromServiceWorker(ev.data)
    if (message?.kind !== 'streams-underway') return
    if (message.count > 0) timer ??= setInterval(poke, everyMs)
    else { clearInterval(timer); timer = undefined }
  }
  container.addEventListener('message', onMessage)
  container.startMessages()
  return () => {
    container.removeEventListener('message', onMessage)
    clearInterval(timer)
    timer = undefined
  }
}
