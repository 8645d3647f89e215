import { useModels } from './app-context.ts'
import { TopBar } from './components/top-bar.tsx'
import { NoticeArea } from './components/notice-area.tsx'
import { PhraseReminder } from './components/phrase-reminder.tsx'
import { BackupPage } from './pages/backup/backup-page.tsx'
import { RemovePeerDialog } from './pages/backup/remove-peer-dialog.tsx'
import { DashboardPage } from './pages/dashboard-page.tsx'
import { DeleteDialog, RenameDialog } from './pages/files/file-dialogs.tsx'
import { FilesPage } from './pages/files/files-page.tsx'
import { LogsPage } from './pages/logs-page.tsx'
import { PeersPage } from './pages/peers/peers-page.tsx'
import { RevealDialog } from './pages/settings/recovery-phrase-section.tsx'
import { SettingsPage } from './pages/settings/settings-page.tsx'
import { ShareDialog } from './pages/shares/share-dialog.tsx'
import { SharesPage } from './pages/shares/shares-page.tsx'
import { StopShareDialog } from './pages/shares/stop-share-dialog.tsx'
import { EmptyTrashDialog, TrashPage } from './pages/trash/trash-page.tsx'
import { UploadConflictDialog } from './pages/files/upload-conflict-dialog.tsx'
import { VersionsDialog } from './pages/files/versions-dialog.tsx'
import { FileViewer } from './pages/files/viewer/file-viewer.tsx'
import { DevicesPage } from './pages/devices/devices-page.tsx'
import { AddDeviceDialog } from './pages/devices/add-device-dialog.tsx'
import { RemoveDeviceDialog } from './pages/devices/remove-device-dialog.tsx'
import { ResolveConflictDialog } from './pages/files/resolve-conflict-dialog.tsx'
import { SyncPage } from './pages/sync/sync-page.tsx'
import { BottomNav } from './components/bottom-nav.tsx'
import { ToastArea } from './components/toast-area.tsx'
import { DeleteManyDialog, MoveDialog, NewFolderDialog, RenameFolderDialog, ShortcutsDialog } from './pages/files/folder-dialogs.tsx'

/**
 * The unlocked app: top bar, the current page, and the dialog layer. While a
 * dialog is open the rest is aria-hidden as well as inert (showModal), so
 * only the dialog's controls can be found by role.
 */
export function Shell () {
  const { route, dialogOpen } = useModels()
  const page = route.page.value
  const hidden = dialogOpen.value ? 'true' : undefined
  return (
    <>
      <div class='shell' aria-hidden={hidden}>
        <TopBar />
        <main class='main'>
          <PhraseReminder />
          <NoticeArea />
          {page === 'files' && <FilesPage />}
          {page === 'shares' && <SharesPage />}
          {page === 'backup' && <BackupPage />}
          {page === 'peers' && <PeersPage />}
          {page === 'dashboard' && <DashboardPage />}
          {page === 'settings' && <SettingsPage />}
          {page === 'logs' && <LogsPage />}
          {page === 'trash' && <TrashPage />}
          {page === 'devices' && <DevicesPage />}
          {page === 'sync' && <SyncPage />}
        </main>
        <BottomNav />
        <ToastArea />
      </div>
      <RenameDialog />
      <DeleteDialog />
      <RevealDialog />
      <RemovePeerDialog />
      <ShareDialog />
      <StopShareDialog />
      <UploadConflictDialog />
      <VersionsDialog />
      <EmptyTrashDialog />
      <AddDeviceDialog />
      <RemoveDeviceDialog />
      <ResolveConflictDialog />
      <FileViewer />
      <NewFolderDialog />
      <RenameFolderDialog />
      <MoveDialog />
      <DeleteManyDialog />
      <ShortcutsDialog />
    </>
  )
}
