/**
 * Selecting rows: a click toggles one, shift-click selects the range from the
 * last row clicked (the anchor), select-all takes every row. Pure: the model
 * keeps the set and the anchor in signals.
 */
export interface Selection {
  keys: ReadonlySet<string>
  /** The row the next shift-click ranges from. */
  anchor: string | undefined
}

export const NO_SELECTION: Selection = { keys: new Set(), anchor: undefined }

/** Toggles one row, which becomes the anchor. */
export function toggle (selection: Selection, key: string): Selection {
  const keys = new Set(selection.keys)
  if (keys.has(key)) keys.delete(key)
  else keys.add(key)
  return { keys, anchor: key }
}

/**
 * Shift-click: selects every row from the anchor to `key` (in `order`, the
 * rows as shown), keeping what was selected; without an anchor in view, one row.
 */
export function selectRange (selection: Selection, order: readonly string[], key: string): Selection {
  const from = selection.anchor === undefined ? -1 : order.indexOf(selection.anchor)
  const to = order.indexOf(key)
  if (from < 0 || to < 0) return toggle(selection, key)
  const keys = new Set(selection.keys)
  for (let i = Math.min(from, to); i <= Math.max(from, to); i++) keys.add(order[i] as string)
  return { keys, anchor: selection.anchor }
}

/** Every row selected, or none when all already were (the header checkbox). */
export function toggleAll (selection: Selection, order: readonly string[]): Selection {
  const all = order.length > 0 && order.every(k => selection.keys.has(k))
  return all ? NO_SELECTION : { keys: new Set(order), anchor: selection.anchor }
}

/** Drops keys of rows no longer shown (after a delete, a move, a new folder). */
export function keepShown (selection: Selection, order: readonly string[]): Selection {
  const shown = new Set(order)
  const keys = new Set([...selection.keys].filter(k => shown.has(k)))
  if (keys.size === selection.keys.size) return selection
  return { keys, anchor: selection.anchor !== undefined && shown.has(selection.anchor) ? selection.anchor : undefined }
}
