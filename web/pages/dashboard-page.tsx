import { useEffect } from 'preact/hooks'
import { useModels } from '../app-context.ts'
import { ErrorAlert } from '../components/error-alert.tsx'
import { formatBytes } from '../format.ts'
import type { PersistenceState } from '../lib/storage-access.ts'
import { ShortAddress } from '../components/short-address.tsx'

const PERSISTENCE_WORDS: Record<PersistenceState, string> = {
  unknown: 'Checking…',
  asking: 'Asking the browser…',
  granted: 'Persistent — the browser will not clear it to save space',
  denied: 'Not persistent — the browser may clear it when space runs low',
  unsupported: 'This browser cannot make storage persistent'
}

/** Vault, storage and node figures at a glance. */
export function DashboardPage () {
  const { dashboard, vault } = useModels()
  useEffect(() => { void dashboard.refresh() }, [])
  const stats = dashboard.stats.value
  const storage = dashboard.storage.value
  const node = dashboard.node.value
  const persistence = dashboard.persistence.value
  const status = vault.status.value
  return (
    <div class='page'>
      <div class='page-head'>
        <h1>Dashboard</h1>
        <button type='button' class='secondary' onClick={() => { void dashboard.refresh() }} disabled={dashboard.loading.value}>Refresh</button>
      </div>
      <ErrorAlert message={dashboard.error.value} />
      <div class='tiles'>
        <section class='tile' aria-labelledby='dash-vault'>
          <h2 id='dash-vault'>Vault</h2>
          <dl>
            <dt>Status</dt><dd>{status?.state === 'unlocked' ? 'Unlocked' : status?.state ?? '…'}</dd>
            <dt>Locks after</dt><dd>{status === undefined ? '…' : status.autoLockMinutes === 0 ? 'Never (until you lock it)' : `${status.autoLockMinutes} min idle`}</dd>
            <dt>Files</dt><dd>{stats?.fileCount ?? '…'}</dd>
            <dt>Size of your files</dt><dd>{stats !== undefined ? formatBytes(stats.plaintextBytes) : '…'}</dd>
            <dt>Stored (encrypted)</dt><dd>{stats !== undefined ? formatBytes(stats.storedBytes) : '…'}</dd>
          </dl>
        </section>
        <section class='tile' aria-labelledby='dash-storage'>
          <h2 id='dash-storage'>Browser storage</h2>
          <dl>
            <dt>Used by this site</dt><dd>{storage?.usage !== undefined ? formatBytes(storage.usage) : '—'}</dd>
            <dt>Available to this site</dt><dd>{storage?.quota !== undefined ? formatBytes(storage.quota) : '—'}</dd>
          </dl>
          <p class='hint' data-testid='usage-explained'>
            “Used by this site” counts all this browser keeps for Cairn: your files encrypted, their earlier versions and the Trash,
            blocks kept for your other devices, and the app itself. So it can be more than the size of your files, or less when
            some of them live only on a backup peer or another device.
          </p>
          {storage?.usage !== undefined && storage.quota !== undefined && storage.quota > 0 && (
            <progress class='quota' max={storage.quota} value={storage.usage} aria-label='Storage used' />
          )}
          <p class={`persistence-line persistence-${persistence}`}>{PERSISTENCE_WORDS[persistence]}</p>
          {persistence !== 'granted' && persistence !== 'unsupported' && (
            <button type='button' class='secondary' onClick={() => { void dashboard.requestPersistence() }} disabled={persistence === 'asking'}>
              Request persistent storage
            </button>
          )}
        </section>
        <section class='tile' aria-labelledby='dash-node'>
          <h2 id='dash-node'>This device</h2>
          <dl>
            <dt>Peer ID</dt><dd>{node === undefined ? '…' : <ShortAddress text={node.peerId} copyName='Copy peer ID' testId='peer-id' />}</dd>
            <dt>Connections</dt><dd>{node?.connections ?? '…'}</dd>
            <dt>Listening on</dt>
            <dd>{node === undefined ? '…' : node.multiaddrs.length === 0 ? 'Nothing (browser peers dial out)' : <ul class='plain-list'>{node.multiaddrs.map(a => <li key={a}><ShortAddress text={a} copyName={`Copy address ${a}`} head={24} tail={10} /></li>)}</ul>}</dd>
          </dl>
        </section>
      </div>
    </div>
  )
}
