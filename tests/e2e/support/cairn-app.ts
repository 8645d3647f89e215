import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { expect, type Locator, type Page } from '@playwright/test'

/**
 * Page model of Cairn for the browser tests: what a user does, in the words
 * the UI shows. Tests read like the user stories; selectors live here only.
 */
export class CairnApp {
  constructor (readonly page: Page) {}

  static appUrl (): string {
    const url = process.env.CAIRN_APP_URL
    if (url === undefined) throw new Error('CAIRN_APP_URL is not set (the global setup serves the app)')
    return url
  }

  async open (): Promise<void> {
    await this.page.goto(CairnApp.appUrl())
  }

  /**
   * Onboarding: passphrase, recovery phrase, confirm three words. Returns the 24 words.
   * `landing`: what shows once the vault is open (default: the files page's "Add files").
   */
  async createVault (passphrase: string, landing?: Locator): Promise<string[]> {
    await this.page.getByLabel('Passphrase', { exact: true }).fill(passphrase)
    await this.page.getByLabel('Confirm passphrase').fill(passphrase)
    await this.page.getByRole('button', { name: 'Create vault' }).click()
    const phrase = this.page.getByTestId('recovery-phrase')
    await expect(phrase).toBeVisible()
    const words = (await phrase.textContent() ?? '').trim().split(/\s+/)
    expect(words).toHaveLength(24)
    await this.page.getByRole('button', { name: 'Continue' }).click()
    // Type back the words the app asks for (by position).
    const asked = this.page.getByLabel(/^Word \d+$/)
    await expect(asked.first()).toBeVisible()
    for (const field of await asked.all()) {
      const label = await field.getAttribute('aria-label') ?? await this.labelOf(field)
      const position = Number(/Word (\d+)/.exec(label)?.[1])
      await field.fill(words[position - 1] ?? '')
    }
    await this.page.getByRole('button', { name: 'Continue' }).click()
    await this.finishOnboarding(landing ?? this.page.getByRole('button', { name: 'Add files' }))
    return words
  }

  /** After the words are confirmed the app may show a storage step; go through it to the landing page. */
  private async finishOnboarding (files: Locator): Promise<void> {
    const next = this.page.getByRole('button', { name: 'Continue' })
    await expect(files.or(next).first()).toBeVisible()
    if (await next.isVisible()) await next.click()
    await expect(files).toBeVisible()
  }

  private async labelOf (field: Locator): Promise<string> {
    const id = await field.getAttribute('id')
    if (id === null) return ''
    return await this.page.locator(`label[for="${id}"]`).textContent() ?? ''
  }

  async unlock (passphrase: string): Promise<void> {
    await this.expectLocked()
    await this.page.getByLabel('Passphrase', { exact: true }).fill(passphrase)
    await this.page.getByRole('button', { name: 'Unlock' }).click()
  }

  async expectUnlocked (): Promise<void> {
    await expect(this.page.getByRole('button', { name: 'Add files' })).toBeVisible()
  }

  async expectLocked (): Promise<void> {
    await expect(this.page.getByRole('button', { name: 'Unlock' })).toBeVisible()
  }

  /**
   * Adds files through the "Add files" button and waits until each says how it
   * went (Stored, Replaced, Added, Already in your vault). When a name is
   * taken, `onConflict` answers "Replace or keep both?".
   */
  async addFiles (paths: string[], onConflict?: 'Replace' | 'Keep both'): Promise<void> {
    await this.pickFiles(paths)
    if (onConflict !== undefined) await this.page.getByRole('dialog', { name: 'Replace or keep both?' }).getByRole('button', { name: onConflict }).click()
    await expect(this.uploads().getByText(/^(Stored|Replaced|Added —|Already in your vault)/)).toHaveCount(paths.length, { timeout: 120_000 })
  }

  /** Picks files in the "Add files" chooser, and waits for nothing. */
  async pickFiles (paths: string[]): Promise<void> {
    const chooser = this.page.waitForEvent('filechooser')
    await this.page.getByRole('button', { name: 'Add files' }).click()
    await (await chooser).setFiles(paths)
  }

  /** The upload panel, where each added file reports how it went. */
  uploads (): Locator {
    return this.page.getByRole('region', { name: 'Uploads' })
  }

  /**
   * A row of the file list: by its text, or for a path with '/' by the exact
   * path (its name's title), as shown in its folder or in search results.
   */
  row (name: string): Locator {
    if (!name.includes('/')) return this.page.getByRole('row').filter({ hasText: name })
    return this.page.getByRole('row').filter({ has: this.page.locator(`button.row-open[title="${name.replace(/"/g, '\\"')}"]`) })
  }

  /** Expects each file listed: a name in the folder shown, a path (with '/') found by searching its name. */
  async expectListed (names: string[]): Promise<void> {
    for (const name of names) {
      if (!name.includes('/')) { await expect(this.row(name)).toHaveCount(1); continue }
      await this.search(name.slice(name.lastIndexOf('/') + 1))
      await expect(this.row(name)).toHaveCount(1)
      await this.search('')
    }
  }

  /** Types in the search box ('' clears it: the folder shows again). */
  async search (text: string): Promise<void> {
    await this.page.getByRole('searchbox', { name: 'Search files' }).fill(text)
  }

  /** A search by each name finds no row (ignored files never reached the vault); the search is cleared after. */
  async expectSearchFindsNone (names: string[]): Promise<void> {
    for (const name of names) {
      await this.search(name)
      await expect(this.page.getByRole('row').filter({ hasText: name })).toHaveCount(0)
    }
    await this.search('')
  }

  /** Opens the "⋯" menu of a row (by its name, or its path as for `row`) and returns the menu. */
  async rowMenu (name: string): Promise<Locator> {
    const base = name.slice(name.lastIndexOf('/') + 1)
    // A file in another folder than the one shown: the search finds it (and stays typed in).
    if (name.includes('/') && await this.row(name).count() === 0) await this.search(base)
    await this.row(name).getByRole('button', { name: `More for ${base}`, exact: true }).click()
    return this.page.getByRole('menu')
  }

  /** The Download item of a file's "⋯" menu (opens the menu). */
  async downloadLink (name: string): Promise<Locator> {
    return (await this.rowMenu(name)).getByRole('menuitem', { name: 'Download', exact: true })
  }

  /** A file's "⋯" menu → Share; returns the "Share <name>" dialog. */
  async openShareDialog (name: string): Promise<Locator> {
    await (await this.rowMenu(name)).getByRole('menuitem', { name: 'Share', exact: true }).click()
    const base = name.slice(name.lastIndexOf('/') + 1)
    return this.page.getByRole('dialog', { name: `Share ${base}` })
  }

  /** "New folder" → types the name → Create, in the folder shown. */
  async newFolder (name: string): Promise<void> {
    await this.page.getByRole('button', { name: 'New folder' }).click()
    const dialog = this.page.getByRole('dialog', { name: 'New folder' })
    await dialog.getByRole('textbox', { name: 'Folder name' }).fill(name)
    await dialog.getByRole('button', { name: 'Create' }).click()
    await expect(dialog).toHaveCount(0)
  }

  /** "Show files as" List or Grid. */
  async showAs (layout: 'List' | 'Grid'): Promise<void> {
    const button = this.page.getByRole('group', { name: 'Show files as' }).getByRole('button', { name: layout })
    await button.click()
    await expect(button).toHaveAttribute('aria-pressed', 'true')
  }

  /** Opens a file in the viewer by its name's button in its row; returns the viewer. */
  async openViewer (name: string): Promise<Locator> {
    const base = name.slice(name.lastIndexOf('/') + 1)
    await this.row(name).getByRole('button', { name: base, exact: true }).click()
    const viewer = this.page.getByRole('dialog', { name: base })
    await expect(viewer).toBeVisible()
    return viewer
  }

  /** Walks into a folder from the top, by the breadcrumbs and the rows. */
  async openFolder (path: string): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Folder', exact: true }).getByRole('button', { name: 'All files' }).or(
      this.page.getByRole('navigation', { name: 'Folder', exact: true }).getByText('All files', { exact: true })).first().click()
    if (path === '') return
    for (const name of path.split('/')) await this.row(name).getByRole('button', { name, exact: true }).click()
    await expect(this.page.getByRole('navigation', { name: 'Folder', exact: true }).locator('[aria-current=page]')).toHaveText(path.slice(path.lastIndexOf('/') + 1))
  }

  /** Downloads a file through the service worker and returns the SHA-256 of what arrived. */
  async downloadSha256 (name: string): Promise<string> {
    const download = this.page.waitForEvent('download')
    await (await this.downloadLink(name)).click()
    const file = await (await download).path()
    return sha256File(file)
  }

  async rename (from: string, to: string): Promise<void> {
    await (await this.rowMenu(from)).getByRole('menuitem', { name: 'Rename' }).click()
    const field = this.page.getByRole('textbox', { name: /name/i }).last()
    await field.fill(to)
    await this.page.getByRole('button', { name: 'Save' }).click()
    await expect(this.row(to)).toHaveCount(1)
  }

  async delete (name: string): Promise<void> {
    await (await this.rowMenu(name)).getByRole('menuitem', { name: 'Delete' }).click()
    await this.page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click()
    await expect(this.row(name)).toHaveCount(0)
  }

  /** The top bar's pages, or on a phone the bottom navigation's (the rarer ones behind "More"). */
  async goTo (page: 'Files' | 'Sync' | 'Trash' | 'Backup' | 'Devices' | 'Peers' | 'Dashboard' | 'Settings' | 'Logs'): Promise<void> {
    const navs = this.page.getByRole('navigation', { name: 'Main', exact: true }).or(this.page.getByRole('navigation', { name: 'Pages', exact: true }))
    const target = navs.getByRole('button', { name: page }).or(navs.getByRole('link', { name: page })).filter({ visible: true }).first()
    const more = this.page.getByRole('navigation', { name: 'Pages', exact: true }).getByRole('button', { name: 'More' })
    await expect(target.or(more).first()).toBeVisible()
    if (!await target.isVisible()) await more.click()
    await target.click()
  }
}

export function sha256File (path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex')
}
