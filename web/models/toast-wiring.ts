import { effect } from '@preact/signals'
import type { RpcClient } from '../../core/rpc/api.ts'
import type { NoticeHost } from '../lib/notice-host.ts'
import { baseName } from '../format.ts'
import { filesAddedWords, type ToastsModel } from './toasts-model.ts'
import type { UploadsModel, UploadState } from './uploads-model.ts'

const ADDED: ReadonlySet<UploadState> = new Set(['stored', 'replaced', 'deduplicated', 'unchanged'])

/** Uploads that took at least this long are worth a system notification when they end unseen (as core/node/notices.ts's long backup). */
export const LONG_WORK_MS = 60_000

export interface ToastWiringInit {
  toasts: ToastsModel
  uploads: UploadsModel
  client: RpcClient
  /** The Notification API, for work that ends while no one is looking (after the user allowed it in Settings). */
  host: NoticeHost
  /** Milliseconds clock (tests fix it). */
  now?: () => number
}

/**
 * Turns finished work into toasts: a batch of uploads ("12 files added", or
 * which failed), a backup that finished, a file repaired from a copy. When the
 * work ends while the tab is hidden and the user allowed notifications, the
 * browser shows it as a system notification too: failures always, a batch of
 * uploads when it took a minute or more. Returns the stop function.
 */
export function startToastWiring ({ toasts, uploads, client, host, now = Date.now }: ToastWiringInit): () => void {
  const counted = new Set<string>()
  let wasActive = false
  let startedAt = 0
  const notifyIfAway = (id: string, title: string, body: string): void => {
    if (!host.desktop && host.hidden() && host.permission() === 'granted') host.show({ id, title, body })
  }
  const stopUploads = effect(() => {
    const active = uploads.active.value
    if (active && !wasActive) startedAt = now()
    if (active || !wasActive) { wasActive = active; return }
    wasActive = false
    const long = now() - startedAt >= LONG_WORK_MS
    let added = 0
    let failed = 0
    for (const item of uploads.items.peek()) {
      if (counted.has(item.uploadId)) continue
      const state = item.state.peek()
      if (ADDED.has(state)) added++
      else if (state === 'failed') failed++
      else continue
      counted.add(item.uploadId)
    }
    // One file's outcome is already in the upload panel; a batch gets one line for all of it.
    if (added > 1) {
      toasts.show({ tone: 'done', text: filesAddedWords(added) })
      // A short batch that ends unseen needs no notification; a finished backup has its own (the node's notice).
      if (long) notifyIfAway('uploads-done', 'Cairn', `${filesAddedWords(added)} to your vault.`)
    }
    if (failed > 0) {
      toasts.show({ tone: 'error', text: failed === 1 ? '1 file could not be added — see the upload list.' : `${failed} files could not be added — see the upload list.` })
      notifyIfAway('uploads-failed', 'Cairn', failed === 1 ? '1 file could not be added.' : `${failed} files could not be added.`)
    }
  })
  const stops = [
    stopUploads,
    client.on('notice', (notice) => {
      if (notice.kind === 'backup-done') toasts.show({ tone: 'done', text: notice.body === '' ? notice.title : `${notice.title}: ${notice.body}` })
    }),
    client.on('storage.damage', (damage) => {
      if (damage.state === 'repaired' && damage.where === undefined) toasts.show({ tone: 'done', text: `“${baseName(damage.path)}” was repaired from another copy.` })
    })
  ]
  return () => { for (const stop of stops) stop() }
}
