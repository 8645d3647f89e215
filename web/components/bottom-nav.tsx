import { useSignal } from '@preact/signals'
import { useModels } from '../app-context.ts'
import { hrefFor, type Page } from '../models/route-model.ts'
import { NAV } from './top-bar.tsx'

const ICONS: Partial<Record<Page, string>> = { files: '▤', shares: '⇪', backup: '⛁', devices: '▭' }

/** The four pages a phone reaches in one tap; the rest are behind "More", in the top bar's order. */
export const BOTTOM_PAGES = NAV.flatMap(({ page, label }) => {
  const icon = ICONS[page]
  return icon === undefined ? [] : [{ page, label, icon }]
})
export const MORE_PAGES = NAV.filter(({ page }) => ICONS[page] === undefined)

/**
 * A phone's navigation (styles.css shows it below 641 px and hides the top
 * bar's list): one row at the bottom, in reach of a thumb, instead of a header
 * that wraps to two lines.
 */
export function BottomNav () {
  const { route } = useModels()
  const open = useSignal(false)
  const current = route.page.value
  const inMore = MORE_PAGES.some(p => p.page === current)
  const go = (e: Event, page: Page): void => { e.preventDefault(); open.value = false; route.go(page) }
  return (
    <nav class='bottom-nav' aria-label='Pages'>
      <ul class='bottom-more' id='bottom-more' hidden={!open.value}>
          {MORE_PAGES.map(({ page, label }) => (
            <li key={page}>
              <a href={hrefFor(page)} aria-current={current === page ? 'page' : undefined} onClick={(e) => { go(e, page) }}>{label}</a>
            </li>
          ))}
      </ul>
      <ul class='bottom-main'>
        {BOTTOM_PAGES.map(({ page, label, icon }) => (
          <li key={page}>
            <a href={hrefFor(page)} aria-current={current === page ? 'page' : undefined} onClick={(e) => { go(e, page) }}>
              <span class='bottom-icon' aria-hidden='true'>{icon}</span>{label}
            </a>
          </li>
        ))}
        <li>
          <button
            type='button'
            class={inMore ? 'bottom-more-button is-current' : 'bottom-more-button'}
            aria-expanded={open.value}
            aria-controls='bottom-more'
            onClick={() => { open.value = !open.value }}
          >
            <span class='bottom-icon' aria-hidden='true'>⋯</span>More
          </button>
        </li>
      </ul>
    </nav>
  )
}
