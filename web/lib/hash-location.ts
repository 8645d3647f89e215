/** Reading and writing `location.hash`, behind a seam so the route model runs without a browser. */
export interface HashLocation {
  get: () => string
  set: (hash: string) => void
  /** Calls `listener` when the hash changes (back/forward, typed URL); returns the unsubscribe. */
  listen: (listener: () => void) => () => void
}

export function browserHashLocation (): HashLocation {
  return {
    get: () => window.location.hash,
    set: (hash) => { window.location.hash = hash },
    listen: (listener) => {
      window.addEventListener('hashchange', listener)
      return () => { window.removeEventListener('hashchange', listener) }
    }
  }
}

/** An in-memory location (tests, and browsers where there is no window). */
export function memoryHashLocation (initial = ''): HashLocation {
  let hash = initial
  const listeners = new Set<() => void>()
  return {
    get: () => hash,
    set: (next) => {
      hash = next.startsWith('#') ? next : `#${next}`
      for (const l of listeners) l()
    },
    listen: (listener) => {
      listeners.add(listener)
      return () => { listeners.delete(listener) }
    }
  }
}
