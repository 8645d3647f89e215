/// <reference lib="webworker" />
import { CHANNEL_NAME } from '../core/rpc/node-port-messages.ts'
import type { ShareTokensWanted } from '../core/rpc/download-messages.ts'

declare const self: ServiceWorkerGlobalScope

/** How long a download waits for its share page to say it holds the token. */
const TOKEN_WAIT_MS = 5_000

/** Which page (client id) opened the share each token names (core/rpc/download-messages.ts). */
const owners = new Map<string, string>()
const waiting = new Set<() => void>()

/** A share page says downloads of `token` go to it. */
export function registerShareToken (token: string, clientId: string): void {
  owners.set(token, clientId)
  for (const wake of waiting) wake()
}

/**
 * The page that can stream `requested` (`token` or `token/index`), told
 * directly rather than over the BroadcastChannel, where any same-origin page
 * would learn the token and could fetch the plaintext itself.
 */
export async function shareClient (requested: string): Promise<Client | undefined> {
  const token = requested.split('/')[0] ?? ''
  const known = await ownerOf(token)
  if (known !== undefined) return known
  // Restarted since the page said so: ask every share page to say it again.
  const channel = new BroadcastChannel(CHANNEL_NAME)
  const deadline = Date.now() + TOKEN_WAIT_MS
  try {
    channel.postMessage({ kind: 'share-tokens-wanted' } satisfies ShareTokensWanted)
    for (;;) {
      const remaining = deadline - Date.now()
      if (remaining <= 0) return undefined
      let wake = (): void => {}
      let timer: ReturnType<typeof setTimeout> | undefined
      await new Promise<void>((resolve) => {
        wake = resolve
        waiting.add(wake)
        timer = setTimeout(resolve, remaining)
      })
      waiting.delete(wake)
      clearTimeout(timer)
      const found = await ownerOf(token)
      if (found !== undefined) return found
    }
  } finally {
    channel.close()
  }
}

async function ownerOf (token: string): Promise<Client | undefined> {
  const id = owners.get(token)
  if (id === undefined) return undefined
  const client = await self.clients.get(id)
  // The page is gone: forget it.
  if (client === undefined) owners.delete(token)
  return client
}
