import { computed, signal, type ReadonlySignal } from '@preact/signals'
import type { RpcClient, VaultStatus } from '../../core/rpc/api.ts'
import { errorMessage } from '../error-messages.ts'
import { createNewPassphraseForm, type NewPassphraseForm } from './new-passphrase-form.ts'

/**
 * Auto-lock limits the node accepts (core/vault/settings.ts AUTO_LOCK_BOUNDS);
 * repeated here because web/ may not import vault code. Fractions of a minute
 * are allowed (tests use a few seconds).
 */
export const AUTO_LOCK_MIN_MINUTES = 0.05
export const AUTO_LOCK_MAX_MINUTES = 24 * 60

export interface SettingsComponents {
  client: RpcClient
  /** The vault status signal (for the current auto-lock value). */
  status: ReadonlySignal<VaultStatus | undefined>
  onStatus: (status: VaultStatus) => void
  checkDelayMs?: number
}

/** Settings: change passphrase and auto-lock time. */
export interface SettingsModel {
  currentPassphrase: ReadonlySignal<string>
  form: NewPassphraseForm
  changeBusy: ReadonlySignal<boolean>
  changeError: ReadonlySignal<string | undefined>
  changeDone: ReadonlySignal<boolean>
  canChange: ReadonlySignal<boolean>
  setCurrentPassphrase: (value: string) => void
  changePassphrase: () => Promise<void>
  /** The auto-lock field as typed; shows the vault's value until edited. */
  autoLockText: ReadonlySignal<string>
  autoLockBusy: ReadonlySignal<boolean>
  autoLockError: ReadonlySignal<string | undefined>
  autoLockSaved: ReadonlySignal<boolean>
  setAutoLockText: (value: string) => void
  saveAutoLock: () => Promise<void>
  /** Forgets everything typed (on lock). */
  reset: () => void
}

export function createSettingsModel (c: SettingsComponents): SettingsModel {
  const currentPassphrase = signal('')
  const form = createNewPassphraseForm(c.client, c.checkDelayMs)
  const changeBusy = signal(false)
  const changeError = signal<string | undefined>(undefined)
  const changeDone = signal(false)
  const editedAutoLock = signal<string | undefined>(undefined)
  const autoLockBusy = signal(false)
  const autoLockError = signal<string | undefined>(undefined)
  const autoLockSaved = signal(false)

  const reset = (): void => {
    currentPassphrase.value = ''
    form.clear()
    changeError.value = undefined
    changeDone.value = false
    editedAutoLock.value = undefined
    autoLockError.value = undefined
    autoLockSaved.value = false
  }

  return {
    currentPassphrase,
    form,
    changeBusy,
    changeError,
    changeDone,
    canChange: computed(() => currentPassphrase.value !== '' && form.ready.value && !changeBusy.value),
    setCurrentPassphrase: (value) => {
      currentPassphrase.value = value
      changeDone.value = false
    },
    changePassphrase: async () => {
      if (currentPassphrase.value === '' || !form.ready.value || changeBusy.value) return
      changeBusy.value = true
      changeError.value = undefined
      changeDone.value = false
      try {
        await c.client.call('vault.changePassphrase', { currentPassphrase: currentPassphrase.value, newPassphrase: form.passphrase.value })
        currentPassphrase.value = ''
        form.clear()
        changeDone.value = true
      } catch (err) {
        changeError.value = errorMessage(err)
      } finally {
        changeBusy.value = false
      }
    },
    autoLockText: computed(() => editedAutoLock.value ?? String(c.status.value?.autoLockMinutes ?? '')),
    autoLockBusy,
    autoLockError,
    autoLockSaved,
    setAutoLockText: (value) => {
      editedAutoLock.value = value
      autoLockSaved.value = false
    },
    saveAutoLock: async () => {
      const text = editedAutoLock.value ?? String(c.status.value?.autoLockMinutes ?? '')
      const minutes = Number(text.trim().replace(',', '.'))
      if (text.trim() === '' || !Number.isFinite(minutes) || (minutes !== 0 && (minutes < AUTO_LOCK_MIN_MINUTES || minutes > AUTO_LOCK_MAX_MINUTES))) {
        autoLockError.value = `Enter 0 (never) or a number of minutes from ${AUTO_LOCK_MIN_MINUTES} to ${AUTO_LOCK_MAX_MINUTES}.`
        autoLockSaved.value = false
        return
      }
      autoLockBusy.value = true
      autoLockError.value = undefined
      try {
        c.onStatus(await c.client.call('vault.setAutoLock', { minutes }))
        editedAutoLock.value = undefined
        autoLockSaved.value = true
      } catch (err) {
        autoLockError.value = errorMessage(err)
      } finally {
        autoLockBusy.value = false
      }
    },
    reset
  }
}
