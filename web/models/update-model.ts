import { signal, type ReadonlySignal } from '@preact/signals'

/** "A new version is ready": set by the service-worker registration, shown as a banner. */
export interface UpdateModel {
  /** Activates the waiting version and reloads; undefined when there is none (or it was dismissed). */
  applyUpdate: ReadonlySignal<(() => void) | undefined>
  offer: (applyUpdate: () => void) => void
  dismiss: () => void
}

export function createUpdateModel (): UpdateModel {
  const applyUpdate = signal<(() => void) | undefined>(undefined)
  return {
    applyUpdate,
    offer: (apply) => { applyUpdate.value = apply },
    dismiss: () => { applyUpdate.value = undefined }
  }
}
