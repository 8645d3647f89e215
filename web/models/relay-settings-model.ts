import { signal, computed, type ReadonlySignal } from '@preact/signals'
import type { RpcClient } from '../../core/rpc/api.ts'
import { errorMessage } from '../error-messages.ts'

/** Settings → Relays: the relay multiaddrs the node keeps a connection and reservation with, one per line. */
export interface RelaySettingsModel {
  /** The textarea's text: what the user typed, else the node's list. */
  text: ReadonlySignal<string>
  loaded: ReadonlySignal<boolean>
  busy: ReadonlySignal<boolean>
  error: ReadonlySignal<string | undefined>
  saved: ReadonlySignal<boolean>
  /** Reads the node's relays (on opening Settings); keeps unsaved typing. */
  load: () => Promise<void>
  setText: (value: string) => void
  save: () => Promise<void>
  reset: () => void
}

/** The addresses in the textarea: one per line, blank lines and surrounding spaces dropped, duplicates once. */
export function parseRelayLines (text: string): string[] {
  return [...new Set(text.split(/\r?\n/).map(line => line.trim()).filter(line => line !== ''))]
}

export function createRelaySettingsModel (client: RpcClient): RelaySettingsModel {
  const relays = signal<string[]>([])
  const edited = signal<string | undefined>(undefined)
  const loaded = signal(false)
  const busy = signal(false)
  const error = signal<string | undefined>(undefined)
  const saved = signal(false)

  return {
    text: computed(() => edited.value ?? relays.value.join('\n')),
    loaded,
    busy,
    error,
    saved,
    load: async () => {
      try {
        relays.value = (await client.call('network.status', undefined)).relays
        loaded.value = true
        error.value = undefined
      } catch (err) {
        error.value = errorMessage(err)
      }
    },
    setText: (value) => {
      edited.value = value
      saved.value = false
    },
    save: async () => {
      if (busy.value) return
      const lines = parseRelayLines(edited.value ?? relays.value.join('\n'))
      // Every multiaddr starts with '/': say which line is wrong before asking the node.
      const wrong = lines.findIndex(line => !line.startsWith('/'))
      if (wrong !== -1) {
        error.value = `“${lines[wrong] ?? ''}” isn't a relay address: addresses start with / (for example /ip4/127.0.0.1/tcp/4101/ws/p2p/…).`
        saved.value = false
        return
      }
      busy.value = true
      error.value = undefined
      saved.value = false
      try {
        relays.value = (await client.call('network.setRelays', { relays: lines })).relays
        edited.value = undefined
        saved.value = true
      } catch (err) {
        error.value = errorMessage(err)
      } finally {
        busy.value = false
      }
    },
    reset: () => {
      edited.value = undefined
      error.value = undefined
      saved.value = false
    }
  }
}
