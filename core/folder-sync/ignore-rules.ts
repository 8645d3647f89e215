import ignore, { type Ignore } from 'ignore'
import { TRASH_FOLDER } from './folder-source.ts'

/** The file in a synced folder's root whose gitignore-syntax lines add to the defaults. */
export const IGNORE_FILE = '.cairnignore'

/** Never synced, whatever `.cairnignore` says: system litter, editors' lock and temp files, repositories and dependencies. */
export const DEFAULT_IGNORES = ['.DS_Store', 'Thumbs.db', 'desktop.ini', '*.tmp', '~$*', '.git/', 'node_modules/']

/** Which paths of a folder are left out (the trash is always). */
export class IgnoreRules {
  private readonly matcher: Ignore

  constructor (readonly custom = '') {
    this.matcher = ignore().add(DEFAULT_IGNORES).add(custom)
  }

  ignoresFile (path: string): boolean {
    if (path === TRASH_FOLDER || path.startsWith(`${TRASH_FOLDER}/`)) return true
    return safeTest(this.matcher, path)
  }

  /** A folder ignored whole is not walked at all. */
  ignoresFolder (path: string): boolean {
    if (path === TRASH_FOLDER) return true
    return safeTest(this.matcher, `${path}/`)
  }
}

/** `ignore` throws on paths it deems invalid (absolute, "./x"); such a path is simply not ignored. */
function safeTest (matcher: Ignore, path: string): boolean {
  try {
    return matcher.ignores(path)
  } catch {
    return false
  }
}
