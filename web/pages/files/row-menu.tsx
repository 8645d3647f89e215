import { signal } from '@preact/signals'
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks'
import type { ComponentChildren } from 'preact'
import { downloadUrl } from '../../../core/rpc/service-worker-urls.ts'
import { useModels } from '../../app-context.ts'
import type { BrowseRow } from '../../models/browse-rows.ts'
import { isConcurrentEdit, isConflict } from '../../models/conflict-model.ts'
import { keepKey } from '../../models/file-locations-model.ts'
import { parentOf } from '../../models/folder-tree.ts'

/** The one row menu open, and where its button is (the menu is drawn fixed, so the list's scrolling never clips it). */
const openMenu = signal<{ key: string, top: number, right: number, buttonTop: number, button: HTMLElement } | undefined>(undefined)

/** Closes whichever row menu is open. */
export function closeRowMenu (): void {
  openMenu.value = undefined
}

/** A row's "⋯" button: opens its menu of everything else the row can do. */
export function RowMenuButton ({ row }: { row: BrowseRow }) {
  const open = openMenu.value?.key === row.key
  return (
    <button
      type='button'
      class='secondary small menu-button'
      aria-label={`More for ${row.name}`}
      aria-haspopup='menu'
      aria-expanded={open}
      onClick={(e) => {
        if (open) { closeRowMenu(); return }
        const rect = e.currentTarget.getBoundingClientRect()
        openMenu.value = { key: row.key, top: rect.bottom + 4, right: Math.max(8, window.innerWidth - rect.right), buttonTop: rect.top, button: e.currentTarget }
      }}
    >
      ⋯
    </button>
  )
}

/** The open row menu, if any (render once per page). */
export function RowMenuPopup () {
  const { files } = useModels()
  const state = openMenu.value
  const row = state === undefined ? undefined : files.browse.rows.value.find(r => r.key === state.key)
  const ref = useRef<HTMLDivElement>(null)

  // A fixed menu past the window's bottom edge can never be scrolled to: open it upward when
  // there is no room below (the list's last rows), and never above the window's top.
  useLayoutEffect(() => {
    const popup = ref.current
    if (state === undefined || popup === null) return
    const height = popup.getBoundingClientRect().height
    if (state.top + height <= window.innerHeight - 8) return
    popup.style.top = `${Math.max(8, state.buttonTop - 4 - height)}px`
  }, [state?.key])

  // A layout effect: focus is in the menu and Escape closes it from the moment the menu is drawn, so
  // an Escape pressed at once (before a later effect would run) never leaves it open behind the user.
  useLayoutEffect(() => {
    if (state === undefined) return
    // A fixed menu needs no scrolling to: focusing it must not scroll the page (which would close it).
    ref.current?.querySelector<HTMLElement>('[role=menuitem]:not([disabled])')?.focus({ preventScroll: true })
    // Escape closes the menu wherever focus went (the menu's own handler also puts focus back on its button).
    const escape = (e: KeyboardEvent): void => { if (e.key === 'Escape') closeRowMenu() }
    document.addEventListener('keydown', escape)
    return () => { document.removeEventListener('keydown', escape) }
  }, [state?.key])

  // After the menu is painted: a scroll still pending from before it opened (bringing its button into view)
  // has fired by then, so only a later scroll, resize or click elsewhere closes it.
  useEffect(() => {
    if (state === undefined) return
    // Keep the whole menu on screen: above its button when there is no room below (a fixed menu cannot be scrolled to).
    const menu = ref.current
    if (menu !== null) {
      const height = menu.offsetHeight
      if (state.top + height > window.innerHeight - 8) menu.style.top = `${Math.max(8, state.buttonTop - height - 4)}px`
    }
    const away = (e: Event): void => {
      const target = e.target as Node | null
      if (target !== null && ref.current?.contains(target) === true) return
      if (target instanceof Element && target.closest('.menu-button') !== null) return
      closeRowMenu()
    }
    document.addEventListener('mousedown', away)
    window.addEventListener('scroll', closeRowMenu, { passive: true })
    window.addEventListener('resize', closeRowMenu)
    return () => {
      document.removeEventListener('mousedown', away)
      window.removeEventListener('scroll', closeRowMenu)
      window.removeEventListener('resize', closeRowMenu)
    }
  }, [state?.key])

  if (state === undefined || row === undefined) return null
  const onKey = (e: KeyboardEvent): void => {
    const items = Array.from(ref.current?.querySelectorAll<HTMLElement>('[role=menuitem]:not([disabled])') ?? [])
    const at = items.indexOf(document.activeElement as HTMLElement)
    if (e.key === 'Escape') {
      e.preventDefault()
      e.stopPropagation()
      closeRowMenu()
      state.button.focus()
      return
    }
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault()
      e.stopPropagation()
      items[(at + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus()
    }
  }
  return (
    <div ref={ref} class='row-menu-popup' role='menu' aria-label={`Actions for ${row.name}`} style={{ top: `${state.top}px`, right: `${state.right}px` }} onKeyDown={onKey}>
      {row.kind === 'folder' ? <FolderItems row={row} /> : <FileItems row={row} />}
    </div>
  )
}

function Item ({ onClick, children, pressed, disabled, title, danger }: { onClick: () => void, children: ComponentChildren, pressed?: boolean, disabled?: boolean, title?: string, danger?: boolean }) {
  return (
    <button
      type='button'
      role={pressed === undefined ? 'menuitem' : 'menuitemcheckbox'}
      aria-checked={pressed}
      class={danger === true ? 'menu-item danger-quiet' : 'menu-item'}
      disabled={disabled}
      title={title}
      // Focus goes back to the row's "⋯" button before the item acts: a dialog it opens then returns
      // focus there when it closes (the browser gives it back to what had it), not to the page's top.
      onClick={() => { const button = openMenu.peek()?.button; closeRowMenu(); button?.focus({ preventScroll: true }); onClick() }}
    >
      {children}
    </button>
  )
}

/** A link that looks like a menu item: downloads go through the service worker (or the desktop daemon), never `download`. */
function LinkItem ({ href, children }: { href: string, children: ComponentChildren }) {
  // Closed after the click is done: a link taken out of the page before its default action navigates nowhere.
  return <a role='menuitem' class='menu-item' href={href} onClick={() => { setTimeout(closeRowMenu, 0) }}>{children}</a>
}

function FileItems ({ row }: { row: Extract<BrowseRow, { kind: 'file' }> }) {
  const { files, shares, versions, fileLocations, conflicts } = useModels()
  const file = row.file
  // A concurrent edit shares its file's id: these would act on the file, so its way out is Resolve….
  const isCopy = isConcurrentEdit(file)
  const location = isCopy ? undefined : fileLocations.locations.value[file.fileId]
  const folder = parentOf(file.path)
  const folderKept = folder !== '' && fileLocations.keptFolders.value.has(folder)
  const busy = fileLocations.keepBusy.value
  const viaFolder = location?.keptFolder
  const fileKept = location?.keep === true && viaFolder === undefined
  return (
    <>
      <LinkItem href={downloadUrl(file.fileId, file.versionId)}>Download</LinkItem>
      {isConflict(file) && <Item onClick={() => { conflicts.open(file) }}>Resolve…</Item>}
      {!isCopy && (
        <>
          <Item onClick={() => { shares.startShare(file) }}>Share</Item>
          <Item onClick={() => { files.startRename(file) }}>Rename</Item>
          <Item onClick={() => { files.browse.startMove([row]) }}>Move to…</Item>
          <Item onClick={() => { void versions.open(file) }}>Versions</Item>
          <Item danger onClick={() => { files.startDelete(file) }}>Delete</Item>
        </>
      )}
      {location !== undefined && (
        <Item
          pressed={location.keep}
          disabled={busy !== undefined || viaFolder !== undefined}
          title={viaFolder !== undefined ? `Kept because the folder “${viaFolder}” is kept on this device` : undefined}
          onClick={() => { void fileLocations.keep({ fileId: file.fileId }, !fileKept) }}
        >
          Keep on this device
        </Item>
      )}
      {location !== undefined && folder !== '' && (
        <Item pressed={folderKept} disabled={busy !== undefined} onClick={() => { void fileLocations.keep({ folder }, !folderKept) }}>
          Keep folder “{folder}” on this device
        </Item>
      )}
      {busy !== undefined && (busy === keepKey({ fileId: file.fileId }) || busy === keepKey({ folder })) && (
        <span role='status' class='busy small'><span class='spinner' aria-hidden='true' />Saving…</span>
      )}
    </>
  )
}

function FolderItems ({ row }: { row: Extract<BrowseRow, { kind: 'folder' }> }) {
  const { files, shares, fileLocations } = useModels()
  const { browse } = files
  const kept = fileLocations.keptFolders.value.has(row.path)
  return (
    <>
      <Item onClick={() => { browse.open(row) }}>Open</Item>
      <LinkItem href={browse.zipUrl([row])}>Download folder</LinkItem>
      <Item onClick={() => { void shares.shareFolder(row.path) }}>Share</Item>
      <Item onClick={() => { browse.startRenameFolder(row.path) }}>Rename</Item>
      <Item onClick={() => { browse.startMove([row]) }}>Move to…</Item>
      <Item danger onClick={() => { browse.startDeleteMany([row]) }}>Delete</Item>
      <Item pressed={kept} disabled={fileLocations.keepBusy.value !== undefined} onClick={() => { void fileLocations.keep({ folder: row.path }, !kept) }}>
        Keep folder on this device
      </Item>
    </>
  )
}
