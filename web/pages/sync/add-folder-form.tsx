import { useEffect, useRef, useState } from 'preact/hooks'
import type { SyncMode } from '../../../core/rpc/api.ts'
import { useModels } from '../../app-context.ts'
import { Field } from '../../components/field.tsx'
import type { PickedFile } from '../../models/uploads-model.ts'
import { ModeChoice } from './mode-choice.tsx'

/**
 * "Add folder": a path on the desktop, the browser's folder picker in
 * Chromium, or, where neither exists, one plain sentence and a one-shot
 * folder upload.
 */
export function AddFolderForm () {
  const { sync } = useModels()
  const [path, setPath] = useState('')
  const [vaultFolder, setVaultFolder] = useState('')
  const [mode, setMode] = useState<SyncMode>('backup')
  const busy = sync.busy.value === 'add'

  if (sync.capability === 'upload-only') return <OneShotUpload />

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault()
    const ok = sync.capability === 'path' ? await sync.addPath(path, mode, vaultFolder) : await sync.pickFolder(mode, vaultFolder)
    if (ok) { setPath(''); setVaultFolder('') }
  }

  return (
    <form class='card stack add-folder' aria-labelledby='add-folder-heading' onSubmit={(e) => { void submit(e) }}>
      <h2 id='add-folder-heading'>Add folder</h2>
      {sync.capability === 'path' && (
        <Field label='Folder on this computer' value={path} onInput={setPath} hint='Its full path, for example /home/you/Documents or ~/Pictures.' />
      )}
      <Field label='Vault folder' value={vaultFolder} onInput={setVaultFolder} hint={sync.capability === 'picker' ? 'Where its files go in the vault. Empty: a folder named like the one you pick.' : 'Where its files go in the vault. Empty: the top of the vault.'} />
      <ModeChoice name='new-folder-mode' value={mode} onChange={setMode} />
      <div class='actions'>
        <button type='submit' disabled={busy || (sync.capability === 'path' && path.trim() === '')}>
          {busy ? 'Adding…' : sync.capability === 'picker' ? 'Choose folder…' : 'Add folder'}
        </button>
      </div>
    </form>
  )
}

/** Firefox, Safari and phones: no folder picker that lasts, so a folder is uploaded once. */
function OneShotUpload () {
  const { uploads } = useModels()
  const input = useRef<HTMLInputElement>(null)
  useEffect(() => {
    // Not in Preact's JSX types; the property is standard in every current browser.
    if (input.current !== null) input.current.webkitdirectory = true
  }, [])
  const take = (el: HTMLInputElement): void => {
    const picked: PickedFile[] = Array.from(el.files ?? []).map(file => file.webkitRelativePath !== '' ? { file, path: file.webkitRelativePath } : { file })
    el.value = ''
    uploads.add(picked)
  }
  return (
    <section class='card stack add-folder' aria-labelledby='add-folder-heading'>
      <h2 id='add-folder-heading'>Add folder</h2>
      <p>This browser cannot keep a folder in sync; use Chrome, Edge or the Cairn desktop app for that, or upload a folder once.</p>
      <div class='actions'>
        <button type='button' onClick={() => input.current?.click()}>Upload a folder once</button>
      </div>
      <input ref={input} type='file' multiple class='visually-hidden' tabIndex={-1} aria-hidden='true' data-testid='sync-folder-input' onChange={(e) => { take(e.currentTarget) }} />
    </section>
  )
}
