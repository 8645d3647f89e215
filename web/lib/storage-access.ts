/**
 * The parts of the browser's StorageManager the UI uses (persistence and
 * quota). A page API, so the UI may call it; models take it as a parameter so
 * they can be tested without a browser.
 */
export interface StorageAccess {
  persist?: () => Promise<boolean>
  persisted?: () => Promise<boolean>
  estimate?: () => Promise<StorageEstimate>
}

/** What the browser said about keeping this site's data. */
export type PersistenceState = 'unknown' | 'asking' | 'granted' | 'denied' | 'unsupported'

/** `navigator.storage`, or undefined where the browser has none (insecure context). */
export function browserStorage (): StorageAccess | undefined {
  return typeof navigator !== 'undefined' ? navigator.storage : undefined
}

/** Asks for persistent storage; never throws. */
export async function requestPersistence (storage: StorageAccess | undefined): Promise<PersistenceState> {
  if (storage?.persist === undefined) return 'unsupported'
  try {
    return await storage.persist() ? 'granted' : 'denied'
  } catch {
    return 'denied'
  }
}

/** Whether storage is already persistent; never throws. */
export async function readPersistence (storage: StorageAccess | undefined): Promise<PersistenceState> {
  if (storage?.persisted === undefined) return 'unsupported'
  try {
    return await storage.persisted() ? 'granted' : 'denied'
  } catch {
    return 'unknown'
  }
}
