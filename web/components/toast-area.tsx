import { useModels } from '../app-context.ts'

/**
 * The toasts (web/models/toasts-model.ts) over the page's bottom edge. The
 * live region is always in the page, so a screen reader hears each toast as
 * it arrives; errors are read at once.
 */
export function ToastArea () {
  const { toasts } = useModels()
  const shown = toasts.shown.value
  return (
    <div class='toasts' role='region' aria-label='Messages'>
      <div aria-live='polite' aria-relevant='additions text' class='toast-list'>
        {shown.filter(t => t.tone === 'done').map(toast => <ToastItem key={toast.id} toast={toast} />)}
      </div>
      <div aria-live='assertive' aria-relevant='additions text' class='toast-list'>
        {shown.filter(t => t.tone === 'error').map(toast => <ToastItem key={toast.id} toast={toast} />)}
      </div>
    </div>
  )
}

function ToastItem ({ toast }: { toast: ReturnType<typeof useModels>['toasts']['shown']['value'][number] }) {
  const { toasts } = useModels()
  return (
    <div class={`toast toast-${toast.tone}`} data-testid='toast'>
      <span class='toast-text'>{toast.text}</span>
      {toast.action !== undefined && (
        <button type='button' class='secondary small' onClick={() => { toast.action?.run(); toasts.dismiss(toast.id) }}>{toast.action.label}</button>
      )}
      <button type='button' class='toast-close' aria-label='Dismiss message' onClick={() => { toasts.dismiss(toast.id) }}>×</button>
    </div>
  )
}
