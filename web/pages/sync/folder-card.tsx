import type { SyncFolderInfo } from '../../../core/rpc/api.ts'
import { useModels } from '../../app-context.ts'
import { formatBytes, formatDate, formatRate } from '../../format.ts'
import { messageForCode } from '../../error-messages.ts'
import { isErrorCode } from '../../../core/rpc/errors.ts'
import { ModeChoice } from './mode-choice.tsx'
import { RulesEditor } from './rules-editor.tsx'
import { RescanInterval } from './rescan-interval.tsx'

const STATE_WORDS: Record<SyncFolderInfo['state'], string> = {
  'syncing': 'Syncing',
  'in-step': 'In step',
  'paused': 'Paused',
  'needs-permission': 'Needs your permission',
  'unavailable': 'Cannot reach the folder',
  'emptied': 'Empty — waiting',
  'locked': 'Waiting for the vault'
}

/** "4 added or changed, 2 deleted, 1 moved". */
export function changeWords (c: NonNullable<SyncFolderInfo['last']>): string {
  const parts = [
    c.uploaded > 0 ? `${c.uploaded} added or changed` : '',
    c.deleted > 0 ? `${c.deleted} deleted` : '',
    c.moved > 0 ? `${c.moved} moved` : '',
    c.written > 0 ? `${c.written} written from the vault` : '',
    c.trashed > 0 ? `${c.trashed} moved to .cairn-trash` : '',
    c.conflicts > 0 ? `${c.conflicts} kept both (conflict)` : ''
  ].filter(p => p !== '')
  return parts.length === 0 ? 'None' : parts.join(', ')
}

/** Why an 'emptied' folder waits, and that nothing was lost. */
export function emptyFolderWords (folder: Pick<SyncFolderInfo, 'files'>): string {
  const files = folder.files === 1 ? '1 file' : `${folder.files} files`
  return `This folder is empty now, but the vault holds its ${files}. Was a drive or network share disconnected? Nothing was deleted: once the files are back, Resume goes on as before.`
}

/** One synced folder: its state and progress, mode, and Pause/Resume, Sync now, ignore rules, Stop syncing. */
export function FolderCard ({ folder }: { folder: SyncFolderInfo }) {
  const { sync } = useModels()
  const headingId = `sync-folder-${folder.id}`
  const busy = sync.busy.value === folder.id
  const p = folder.progress
  const editing = sync.rules.value?.id === folder.id
  return (
    <section class='card stack sync-folder' aria-labelledby={headingId} data-testid='sync-folder'>
      <div class='card-head'>
        <h2 id={headingId} class='wrap'>{folder.label}</h2>
        <span class={`badge ${folder.state === 'in-step' ? 'badge-online' : 'badge-offline'}`} data-testid='sync-state'>{STATE_WORDS[folder.state]}</span>
      </div>
      <dl class='facts'>
        <dt>Vault folder</dt><dd class='wrap'>{folder.vaultFolder === '' ? 'The top of the vault' : folder.vaultFolder}</dd>
        {folder.lastScanAt !== undefined && <><dt>Files in step</dt><dd class='num' data-testid='sync-files'>{folder.files}</dd></>}
        {folder.lastScanAt !== undefined && <><dt>Last checked</dt><dd>{formatDate(folder.lastScanAt)}</dd></>}
        {folder.last !== undefined && <><dt>Last changes</dt><dd data-testid='sync-last'>{changeWords(folder.last)}</dd></>}
      </dl>
      {folder.state === 'syncing' && (p.filesToGo > 0 || p.filesDone > 0) && (
        <div class='stack' data-testid='sync-progress'>
          <progress max={Math.max(p.bytesDone + p.bytesToGo, 1)} value={p.bytesDone} aria-label={`Syncing ${folder.label}`} />
          <p class='small'>{p.filesToGo} files ({formatBytes(p.bytesToGo)}) to go{p.rate > 0 ? `, ${formatRate(p.rate)}` : ''}</p>
        </div>
      )}
      {folder.state === 'needs-permission' && (
        <p>After a restart the browser asks again before Cairn may use this folder. <button type='button' disabled={busy} onClick={() => { void sync.allow(folder.id) }}>Allow access</button></p>
      )}
      {folder.state === 'emptied' && (
        <div class='stack' data-testid='sync-emptied'>
          <p role='status'>{emptyFolderWords(folder)}</p>
          <div class='actions'>
            <button type='button' disabled={busy} onClick={() => { void sync.resume(folder.id) }}>Resume</button>
            <button type='button' class='danger-quiet' disabled={busy} onClick={() => { void sync.confirmEmpty(folder.id) }}>It really is empty — delete its files from the vault</button>
          </div>
        </div>
      )}
      {folder.state === 'unavailable' && folder.error !== undefined && <p class='small' role='status'>{isErrorCode(folder.error) ? messageForCode(folder.error) : ''}</p>}
      {folder.renamedForDisk.length > 0 && (
        <details>
          <summary>{folder.renamedForDisk.length} {folder.renamedForDisk.length === 1 ? 'file has' : 'files have'} a different name here</summary>
          <p class='small muted'>This folder cannot hold these names, so they were written under safe ones.</p>
          <ul class='plain-list small'>{folder.renamedForDisk.map(r => <li key={r.vaultPath}>{r.vaultPath} → {r.diskPath}</li>)}</ul>
        </details>
      )}
      {folder.skipped.length > 0 && (
        <details>
          <summary>{folder.skipped.length} {folder.skipped.length === 1 ? 'file was' : 'files were'} not synced</summary>
          <ul class='plain-list small'>{folder.skipped.map(s => <li key={s.path}>{s.path}{isErrorCode(s.code) ? ` — ${messageForCode(s.code)}` : ''}</li>)}</ul>
        </details>
      )}
      <ModeChoice name={`mode-${folder.id}`} value={folder.mode} disabled={busy} onChange={(mode) => { void sync.setMode(folder.id, mode) }} />
      <RescanInterval seconds={folder.rescanSeconds} disabled={busy} onSave={async (seconds) => { await sync.setRescanInterval(folder.id, seconds) }} />
      <div class='actions'>
        {folder.state === 'paused'
          ? <button type='button' class='secondary' disabled={busy} onClick={() => { void sync.resume(folder.id) }}>Resume</button>
          : <button type='button' class='secondary' disabled={busy || folder.state === 'needs-permission'} onClick={() => { void sync.pause(folder.id) }}>Pause</button>}
        <button type='button' class='secondary' disabled={busy || folder.state === 'paused'} onClick={() => { void sync.syncNow(folder.id) }}>Sync now</button>
        <button type='button' class='secondary' disabled={busy} aria-expanded={editing} onClick={() => { if (editing) sync.closeRules(); else void sync.openRules(folder.id) }}>Ignore rules</button>
        <button type='button' class='danger-quiet' disabled={busy} onClick={() => { void sync.remove(folder.id) }}>Stop syncing</button>
      </div>
      {editing && <RulesEditor />}
    </section>
  )
}
