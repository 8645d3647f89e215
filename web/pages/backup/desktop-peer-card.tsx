import { useEffect } from 'preact/hooks'
import { useModels } from '../../app-context.ts'
import { CopyButton } from '../../components/copy-button.tsx'
import { ErrorAlert, StatusNote } from '../../components/error-alert.tsx'
import { addedSummary } from '../../models/backup-model.ts'

/**
 * The desktop app only: this computer's own backup peer — its address and a
 * one-time code to pair other vaults with, "Use it for this vault", and
 * turning it off or on.
 */
export function DesktopPeerCard () {
  const { desktopPeer: model } = useModels()
  useEffect(() => { void model.load() }, [])
  const info = model.info.value
  const busy = model.busy.value
  const paired = model.paired.value
  return (
    <section class='card stack desktop-peer' aria-labelledby='desktop-peer-heading' aria-busy={busy}>
      <h2 id='desktop-peer-heading'>{info !== null ? 'This computer is a backup peer' : 'This computer as a backup peer'}</h2>
      {!model.loaded.value && model.error.value === undefined && <p class='muted'>Loading…</p>}
      {info !== null && (
        <>
          <p class='muted small'>
            The desktop app also keeps an encrypted copy of your vault's files as a backup peer, and cannot read them.
            Your browsers and phone reach it through your relay while this computer is on.
          </p>
          <dl class='facts'>
            <dt>Address</dt>
            <dd><span class='mono small wrap' data-testid='desktop-peer-address'>{info.address}</span> <CopyButton small name='Copy address' text={() => info.address} /></dd>
            <dt>Pairing code</dt>
            <dd>
              <span class='mono' data-testid='desktop-peer-code'>{info.pairingCode}</span> <CopyButton small name='Copy pairing code' text={() => info.pairingCode} />{' '}
              <button type='button' class='secondary small' disabled={busy} onClick={() => { void model.load() }}>New code</button>
            </dd>
          </dl>
          <p class='muted small'>A code pairs one vault, once, within 15 minutes. Paste both into "Add a backup peer" on another device's vault.</p>
          <StatusNote message={paired !== undefined ? addedSummary(paired) : undefined} />
          <ErrorAlert message={model.error.value} />
          <div class='actions'>
            {model.usedByVault.value
              ? <p data-testid='desktop-peer-used'>This vault backs up to this computer.</p>
              : <button type='button' disabled={busy} onClick={() => { void model.useForVault() }}>Use it for this vault</button>}
            <button type='button' class='secondary' disabled={busy} onClick={() => { void model.setEnabled(false) }}>Stop serving as a backup peer</button>
          </div>
          <p class='muted small'>
            Its copy is on this computer's disk: it brings back deleted or damaged files, not a lost disk. Add a backup peer on another machine for that.
          </p>
        </>
      )}
      {info === null && model.loaded.value && (
        <>
          {model.startFailed.value && (
            <p role='alert' data-testid='desktop-peer-failed'>
              Turned on, but it could not start, so this computer is not keeping a copy right now. The Logs page says why.
              Try again, or turn it off.
            </p>
          )}
          {model.settingsUnreadable.value !== undefined && (
            <p role='alert' data-testid='desktop-peer-unreadable'>{model.settingsUnreadable.value}</p>
          )}
          {model.startFailed.value || model.settingsUnreadable.value !== undefined
            ? null
            : model.settingsDamaged.value
            ? (
              <p role='alert' data-testid='desktop-peer-damaged'>
                Not started: its settings file on this computer (<code>backup-peer/desktop-backup-peer.json</code> in Cairn's data folder) is damaged,
                so Cairn cannot tell whether you had turned it off. Choose again below: a new file is written and the damaged one is kept beside it.
                Repairing the file by hand instead keeps the port your other vaults reach it at.
              </p>
              )
            : <p class='muted small'>Turned off. When on, this computer keeps an encrypted copy of your vault's files for your other devices, as <code>cairn-peer</code> does.</p>}
          <ErrorAlert message={model.error.value} />
          <div class='actions'>
            {model.startFailed.value || model.settingsUnreadable.value !== undefined
              ? <button type='button' disabled={busy} onClick={() => { void model.load() }}>Try again</button>
              : <button type='button' disabled={busy} onClick={() => { void model.setEnabled(true) }}>Serve as a backup peer</button>}
            {model.startFailed.value && <button type='button' class='secondary' disabled={busy} onClick={() => { void model.setEnabled(false) }}>Turn it off</button>}
            {model.settingsDamaged.value && <button type='button' class='secondary' disabled={busy} onClick={() => { void model.setEnabled(false) }}>Keep it turned off</button>}
          </div>
        </>
      )}
      {info === null && !model.loaded.value && <ErrorAlert message={model.error.value} />}
    </section>
  )
}
