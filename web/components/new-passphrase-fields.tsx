import type { NewPassphraseForm } from '../models/new-passphrase-form.ts'
import { Field } from './field.tsx'
import { StrengthMeter } from './strength-meter.tsx'
import { PassphraseRules } from './passphrase-rules.tsx'

export interface NewPassphraseFieldsProps {
  form: NewPassphraseForm
  /** "Passphrase" at onboarding, "New passphrase" when recovering or changing. */
  label: 'Passphrase' | 'New passphrase'
  autoFocus?: boolean
  disabled?: boolean
}

/** Choose-a-passphrase fields: the passphrase with its live strength, and "Confirm passphrase". */
export function NewPassphraseFields ({ form, label, autoFocus, disabled }: NewPassphraseFieldsProps) {
  const mismatch = form.mismatch.value
  return (
    <>
      <PassphraseRules form={form} />
      <Field
        label={label}
        type='password'
        autoComplete='new-password'
        value={form.passphrase.value}
        onInput={form.setPassphrase}
        autoFocus={autoFocus}
        disabled={disabled}
        hint={<StrengthMeter verdict={form.verdict.value} previous={form.check.latest.value?.check} empty={form.passphrase.value === ''} />}
      />
      <Field
        label='Confirm passphrase'
        type='password'
        autoComplete='new-password'
        value={form.confirmation.value}
        onInput={form.setConfirmation}
        invalid={mismatch}
        disabled={disabled}
        hint={mismatch ? <span class='field-error'>The two passphrases don't match yet.</span> : undefined}
      />
    </>
  )
}
