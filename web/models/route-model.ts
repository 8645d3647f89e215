import { signal, type ReadonlySignal } from '@preact/signals'
import type { HashLocation } from '../lib/hash-location.ts'

export type Page = 'files' | 'shares' | 'backup' | 'peers' | 'dashboard' | 'settings' | 'logs' | 'trash' | 'devices' | 'sync'

export const PAGES: readonly Page[] = ['files', 'shares', 'backup', 'peers', 'dashboard', 'settings', 'logs', 'trash', 'devices', 'sync']

/** The page a hash names: "#/logs" → 'logs'. Anything else (including share links, "#/s/…") → undefined. */
export function parsePage (hash: string): Page | undefined {
  const match = /^#\/([a-z]+)\/?$/.exec(hash)
  const name = match?.[1]
  return (PAGES as readonly string[]).includes(name ?? '') ? name as Page : undefined
}

/** The hash for a page. */
export function hrefFor (page: Page): string {
  return `#/${page}`
}

/**
 * Which page of the unlocked app is showing, kept in the URL hash so back and
 * forward work. Only "#/<page>" is ours; other hashes ("#/s/…" share links,
 * later) are left alone and show the files page.
 */
export interface RouteModel {
  page: ReadonlySignal<Page>
  /** Follows hash changes; returns the unsubscribe. */
  start: () => () => void
  go: (page: Page) => void
}

export function createRouteModel (location: HashLocation): RouteModel {
  const page = signal<Page>(parsePage(location.get()) ?? 'files')
  return {
    page,
    start: () => location.listen(() => { page.value = parsePage(location.get()) ?? 'files' }),
    go: (next) => {
      page.value = next
      if (parsePage(location.get()) !== next) location.set(hrefFor(next))
    }
  }
}
