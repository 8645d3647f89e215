import { useModels } from '../app-context.ts'
import { hrefFor, type Page } from '../models/route-model.ts'
import { CairnMark } from './cairn-mark.tsx'

/** Every page in the order the top bar lists them (the phone's bottom navigation takes its names from here). */
export const NAV: ReadonlyArray<{ page: Page, label: string }> = [
  { page: 'files', label: 'Files' },
  { page: 'trash', label: 'Trash' },
  { page: 'sync', label: 'Sync' },
  { page: 'shares', label: 'Shares' },
  { page: 'backup', label: 'Backup' },
  { page: 'devices', label: 'Devices' },
  { page: 'peers', label: 'Peers' },
  { page: 'dashboard', label: 'Dashboard' },
  { page: 'settings', label: 'Settings' },
  { page: 'logs', label: 'Logs' }
]

/** Brand, the pages, and the Lock button (always there while unlocked). */
export function TopBar () {
  const { route, vault } = useModels()
  const current = route.page.value
  return (
    <header class='top-bar'>
      <span class='brand'><CairnMark />Cairn</span>
      <nav aria-label='Main'>
        <ul>
          {NAV.map(({ page, label }) => (
            <li key={page}>
              <a
                href={hrefFor(page)}
                aria-current={current === page ? 'page' : undefined}
                onClick={(e) => { e.preventDefault(); route.go(page) }}
              >
                {label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <button type='button' class='lock-button' onClick={() => { void vault.lock() }} disabled={vault.lockBusy.value}>
        Lock
      </button>
    </header>
  )
}
