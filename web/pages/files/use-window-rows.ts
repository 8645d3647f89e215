import { useEffect, useRef, useState } from 'preact/hooks'

/** Below this many rows every row is in the page; above, only those near the screen. */
export const VIRTUAL_FROM = 150
/** Rows drawn above and below the screen, so a fast scroll shows no gap. */
const OVERSCAN = 12
/** A row's height until one is measured (px). */
const GUESS_HEIGHT = 48

/**
 * Which rows of a long list to draw: the list scrolls with the window, and
 * only the rows on screen (and a few either side) are in the page, with
 * spacers for the rest. Rows are one height (measured from the first drawn).
 */
export function useWindowRows (count: number, body: { current: HTMLElement | null }): { start: number, end: number, rowHeight: number, scrollToRow: (index: number) => void } {
  const [range, setRange] = useState({ start: 0, end: Math.min(count, VIRTUAL_FROM) })
  const height = useRef(GUESS_HEIGHT)
  const virtual = count > VIRTUAL_FROM

  useEffect(() => {
    if (!virtual) { setRange({ start: 0, end: count }); return }
    let frame = 0
    const update = (): void => {
      frame = 0
      const el = body.current
      if (el === null) return
      const first = el.querySelector<HTMLElement>('tr.browse-row')
      if (first !== null && first.offsetHeight > 0) height.current = first.offsetHeight
      const top = el.getBoundingClientRect().top
      const h = height.current
      const start = Math.max(0, Math.floor(-top / h) - OVERSCAN)
      const end = Math.min(count, Math.ceil((window.innerHeight - top) / h) + OVERSCAN)
      setRange(r => r.start === start && r.end === end ? r : { start, end: Math.max(start, end) })
    }
    const schedule = (): void => { if (frame === 0) frame = requestAnimationFrame(update) }
    update()
    window.addEventListener('scroll', schedule, { passive: true })
    window.addEventListener('resize', schedule)
    return () => {
      window.removeEventListener('scroll', schedule)
      window.removeEventListener('resize', schedule)
      if (frame !== 0) cancelAnimationFrame(frame)
    }
  }, [count, virtual])

  const scrollToRow = (index: number): void => {
    const el = body.current
    if (el === null) return
    const rowTop = el.getBoundingClientRect().top + window.scrollY + index * height.current
    const viewTop = window.scrollY
    if (rowTop < viewTop + 80) window.scrollTo({ top: rowTop - 80 })
    else if (rowTop + height.current > viewTop + window.innerHeight) window.scrollTo({ top: rowTop + height.current - window.innerHeight + 16 })
  }
  return { ...(virtual ? range : { start: 0, end: count }), rowHeight: height.current, scrollToRow }
}
