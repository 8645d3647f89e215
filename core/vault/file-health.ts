import type { FileHealth } from './vault-views.ts'

/**
 * Which files were found damaged or repaired on this device since the node
 * started, for the Files page's rows. In memory only: a restart forgets it,
 * and the next read or check finds damage again.
 */
export class FileHealthBook {
  private readonly states = new Map<string, FileHealth>()

  get (fileId: string): FileHealth | undefined {
    return this.states.get(fileId)
  }

  /** Records what a read or check found; false when nothing changed. */
  set (fileId: string, state: FileHealth): boolean {
    if (this.states.get(fileId) === state) return false
    this.states.set(fileId, state)
    return true
  }
}
