import { signal, type ReadonlySignal } from '@preact/signals'

/** How long a toast of finished work stays (long enough to read a short sentence twice). */
export const TOAST_MS = 5000

/** Toasts kept at most (the oldest go first). */
const TOASTS_MAX = 3

export interface ToastAction {
  label: string
  run: () => void
}

export interface ToastInit {
  /** 'done': finished work, goes by itself. 'error': something failed. */
  tone: 'done' | 'error'
  text: string
  /** A button in the toast; a toast with one waits for the user (an error that needs action never goes by itself). */
  action?: ToastAction
}

export interface Toast extends ToastInit {
  id: number
}

/**
 * Short notes about finished work and failures ("12 files added", "Link
 * copied"), shown over the page in an aria-live region. Finished work goes
 * after TOAST_MS; an error, or a toast with an action, stays until dismissed.
 */
export interface ToastsModel {
  shown: ReadonlySignal<Toast[]>
  show: (toast: ToastInit) => number
  dismiss: (id: number) => void
  reset: () => void
}

export interface ToastsInit {
  /** setTimeout by default; tests pass a fake clock. */
  setTimer?: (run: () => void, ms: number) => unknown
  clearTimer?: (timer: unknown) => void
}

export function createToastsModel (init: ToastsInit = {}): ToastsModel {
  const setTimer = init.setTimer ?? ((run, ms) => setTimeout(run, ms))
  const clearTimer = init.clearTimer ?? ((timer) => { clearTimeout(timer as ReturnType<typeof setTimeout>) })
  const shown = signal<Toast[]>([])
  const timers = new Map<number, unknown>()
  let next = 1
  const dismiss = (id: number): void => {
    const timer = timers.get(id)
    if (timer !== undefined) clearTimer(timer)
    timers.delete(id)
    shown.value = shown.peek().filter(t => t.id !== id)
  }
  return {
    shown,
    show: (toast) => {
      const id = next++
      const kept = [...shown.peek(), { ...toast, id }]
      for (const dropped of kept.slice(0, Math.max(0, kept.length - TOASTS_MAX))) dismiss(dropped.id)
      shown.value = kept.slice(-TOASTS_MAX)
      if (toast.tone === 'done' && toast.action === undefined) timers.set(id, setTimer(() => { dismiss(id) }, TOAST_MS))
      return id
    },
    dismiss,
    reset: () => {
      for (const timer of timers.values()) clearTimer(timer)
      timers.clear()
      shown.value = []
    }
  }
}

/** "1 file added", "12 files added". */
export function filesAddedWords (count: number): string {
  return count === 1 ? '1 file added' : `${count} files added`
}
