import type { StorageCheckProgress, StorageCheckResult } from '../../../core/rpc/api.ts'
import { useModels } from '../../app-context.ts'
import { ErrorAlert } from '../../components/error-alert.tsx'
import { formatBytes } from '../../format.ts'

/** Settings → "Check stored data": re-read and re-hash every block on this device, repair what a peer can. */
export function StorageCheckSection () {
  const { storageHealth } = useModels()
  const checking = storageHealth.checking.value
  const progress = storageHealth.progress.value
  const result = storageHealth.result.value
  return (
    <section class='card' aria-labelledby='settings-check'>
      <h2 id='settings-check'>Stored data</h2>
      <p class='muted'>Reads every block Cairn stores on this device and checks it against its hash. Damaged blocks are repaired from your backup peer or another device when one holds them.</p>
      <div class='actions'>
        <button type='button' disabled={checking} onClick={() => { void storageHealth.check() }}>{checking ? 'Checking…' : 'Check stored data'}</button>
      </div>
      {/* The last figures stay after the check: how much was read, and how fast. */}
      {(checking || progress !== undefined) && <CheckProgress progress={progress} done={!checking} />}
      <ErrorAlert message={storageHealth.checkError.value} />
      {result !== undefined && <CheckResult result={result} />}
    </section>
  )
}

function CheckProgress ({ progress, done }: { progress: StorageCheckProgress | undefined, done: boolean }) {
  if (progress === undefined) return <p role='status' class='note'>Starting the check…</p>
  const seconds = Math.max(0.001, progress.elapsedMs / 1000)
  return (
    <div class='stack check-progress'>
      <progress max={Math.max(1, progress.bytesTotal)} value={progress.bytesChecked} aria-label='Stored data checked' />
      <p role='status' class='note'>
        Checked {progress.blocksChecked} of {progress.blocksTotal} blocks ({formatBytes(progress.bytesChecked)} of {formatBytes(progress.bytesTotal)}, {formatBytes(progress.bytesChecked / seconds)}/s)
        {progress.damaged > 0 ? `; ${progress.damaged} damaged${done ? '' : ' so far'}` : ''}
      </p>
    </div>
  )
}

function CheckResult ({ result }: { result: StorageCheckResult }) {
  const seconds = Math.max(0.001, result.elapsedMs / 1000)
  // A rate means little for a check that took less than a tenth of a second.
  const took = seconds < 0.1 ? 'in under 0.1 s' : `in ${seconds.toFixed(1)} s, ${formatBytes(result.bytes / seconds)}/s`
  const summary = `Checked ${result.blocks} blocks (${formatBytes(result.bytes)}) ${took}.`
  if (result.damaged.length === 0) return <p role='status' class='note check-result'>All good: {summary} Nothing is damaged.</p>
  const lost = result.damaged.filter(d => !d.repaired)
  return (
    <div role={lost.length > 0 ? 'alert' : 'status'} class={`${lost.length > 0 ? 'alert' : 'note'} check-result`}>
      <p>{summary} {result.damaged.length} damaged {result.damaged.length === 1 ? 'block' : 'blocks'}: {result.damaged.length - lost.length} repaired from a copy on a peer, {lost.length} not repaired.</p>
      <ul>
        {result.damaged.map(block => (
          <li key={block.cid}>
            {block.files.length > 0 ? block.files.map(f => `“${f}”`).join(', ') : 'Data of no file (the vault’s index)'}: {block.repaired ? 'repaired' : 'still damaged — connect your backup peer and check again'}
          </li>
        ))}
      </ul>
    </div>
  )
}
