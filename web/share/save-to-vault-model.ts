import { signal, type ReadonlySignal } from '@preact/signals'
import { errorMessage } from '../error-messages.ts'
import { receivedFiles, type SharedItem } from './received-paths.ts'
import type { RpcClient } from '../../core/rpc/api.ts'

/**
 * 'absent': this browser has no Cairn vault, so there is nothing to offer.
 * 'locked': the vault must be unlocked first (the page asks for the passphrase).
 */
export type SaveState = 'absent' | 'idle' | 'locked' | 'saving' | 'saved' | 'failed'

/** "Save to my vault" for a recipient who has Cairn in this browser. */
export interface SaveToVaultModel {
  state: ReadonlySignal<SaveState>
  error: ReadonlySignal<string | undefined>
  /** Plaintext bytes stored so far while saving (all files of a folder together). */
  bytesDone: ReadonlySignal<number>
  /** Looks for a vault in this browser without starting Cairn's node. */
  check: () => Promise<void>
  save: () => Promise<void>
  unlock: (passphrase: string) => Promise<void>
  /** After saving: show the vault app in this tab, keeping its node and its unlock. */
  openCairn: () => void
  /**
   * The share worker's words for a stream that broke off. During a save it is
   * the save's stream: if the save then fails, these words say why (the node
   * only sees a broken response). Returns true when the save took them.
   */
  streamFailed: (words: string) => boolean
}

export interface SaveToVaultInit {
  /** True when this browser may hold a vault (its datastore exists). */
  hasCairn: () => Promise<boolean>
  /** Starts (or joins) this origin's node: only when the user asks to save. */
  connect: () => RpcClient
  /** Replaces the share page by the vault app, on the same client. */
  openCairn: () => void
  /**
   * What the link shares, with where the service worker serves each file
   * (undefined before the link is open). The node reads each file from there
   * itself, so its plaintext never gathers in this page.
   */
  shared: () => SharedItem | undefined
}

export function createSaveToVaultModel (init: SaveToVaultInit): SaveToVaultModel {
  const state = signal<SaveState>('absent')
  const error = signal<string | undefined>(undefined)
  const bytesDone = signal(0)
  let client: RpcClient | undefined
  // Why the save's stream broke off, when the share worker said so first.
  let streamCause: string | undefined

  const fail = (err: unknown): void => {
    error.value = streamCause ?? errorMessage(err)
    state.value = 'failed'
  }
  const store = async (rpc: RpcClient): Promise<void> => {
    state.value = 'saving'
    error.value = undefined
    streamCause = undefined
    bytesDone.value = 0
    let finished = 0
    let uploadId = ''
    const offProgress = rpc.on('upload.progress', (progress) => {
      if (progress.uploadId === uploadId) bytesDone.value = finished + progress.bytesDone
    })
    try {
      const item = init.shared()
      // Beside what the vault has ("Holiday (2)"); the node also never puts a file over one.
      const targets = item === undefined
        ? []
        : receivedFiles(item, (await rpc.call('files.list', undefined)).map(f => f.path), await rpc.call('folders.list', undefined))
      for (const { source, path, size, type } of targets) {
        uploadId = crypto.randomUUID()
        await rpc.call('files.addShared', { uploadId, source, path, size, type })
        finished += size
        bytesDone.value = finished
      }
      state.value = 'saved'
    } catch (err) {
      fail(err)
    } finally {
      offProgress()
    }
  }

  return {
    state,
    error,
    bytesDone,
    check: async () => {
      state.value = (await init.hasCairn().catch(() => false)) ? 'idle' : 'absent'
    },
    save: async () => {
      try {
        client ??= init.connect()
        const status = await client.call('vault.status', undefined)
        if (status.state === 'none') { state.value = 'absent'; return }
        if (status.state === 'locked') { state.value = 'locked'; error.value = undefined; return }
        await store(client)
      } catch (err) {
        fail(err)
      }
    },
    openCairn: () => { init.openCairn() },
    streamFailed: (words) => {
      if (state.value !== 'saving') return false
      streamCause = words
      return true
    },
    unlock: async (passphrase) => {
      if (client === undefined) return
      try {
        await client.call('vault.unlock', { passphrase })
      } catch (err) {
        error.value = errorMessage(err)
        return
      }
      await store(client)
    }
  }
}
