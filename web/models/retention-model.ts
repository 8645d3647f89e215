import { signal, type ReadonlySignal } from '@preact/signals'
import type { RpcClient, VersionRetention } from '../../core/rpc/api.ts'
import { errorMessage } from '../error-messages.ts'

/** Limits the node accepts (core/vault/retention.ts RETENTION_BOUNDS); repeated because web/ may not import vault code. */
export const RETENTION_LIMITS = { days: { min: 1, max: 3650 }, count: { min: 1, max: 1000 } }

/** Settings → Versions: keep earlier versions for some days, or keep the last few. */
export interface RetentionModel {
  keep: ReadonlySignal<VersionRetention['keep']>
  /** The number field as typed (days or versions). */
  amount: ReadonlySignal<string>
  busy: ReadonlySignal<boolean>
  error: ReadonlySignal<string | undefined>
  saved: ReadonlySignal<boolean>
  load: () => Promise<void>
  setKeep: (keep: VersionRetention['keep']) => void
  setAmount: (value: string) => void
  save: () => Promise<void>
  reset: () => void
}

export function createRetentionModel (client: RpcClient): RetentionModel {
  const keep = signal<VersionRetention['keep']>('days')
  const amount = signal('30')
  const busy = signal(false)
  const error = signal<string | undefined>(undefined)
  const saved = signal(false)
  const show = (r: VersionRetention): void => {
    keep.value = r.keep
    amount.value = String(r.keep === 'days' ? r.days : r.count)
  }
  return {
    keep,
    amount,
    busy,
    error,
    saved,
    load: async () => {
      try {
        show(await client.call('versions.retention', undefined))
      } catch (err) {
        error.value = errorMessage(err)
      }
    },
    setKeep: (value) => { keep.value = value; saved.value = false },
    setAmount: (value) => { amount.value = value; saved.value = false },
    save: async () => {
      const n = Number(amount.peek())
      const limits = RETENTION_LIMITS[keep.peek()]
      if (!Number.isInteger(n) || n < limits.min || n > limits.max) {
        error.value = keep.peek() === 'days'
          ? `Enter a whole number of days from ${limits.min} to ${limits.max}.`
          : `Enter a whole number of versions from ${limits.min} to ${limits.max}.`
        return
      }
      busy.value = true
      error.value = undefined
      try {
        show(await client.call('versions.setRetention', keep.peek() === 'days' ? { keep: 'days', days: n } : { keep: 'count', count: n }))
        saved.value = true
      } catch (err) {
        error.value = errorMessage(err)
      } finally {
        busy.value = false
      }
    },
    reset: () => {
      error.value = undefined
      saved.value = false
    }
  }
}
