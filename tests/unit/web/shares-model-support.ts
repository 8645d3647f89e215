// The shares model on a fake node: a list of shares, the vault's files, a
// frozen clock. Shared by shares-model.test.ts and share-folder.test.ts.
import type { FileInfo, ShareInfo } from '../../../core/rpc/api.ts'
import { createSharesModel, type NativeShareData } from '../../../web/models/shares-model.ts'
import { createTestClient, fail, manualTimers } from './fake-rpc.ts'

// 10 March 2026, 15:00 local time.
export const NOW = new Date(2026, 2, 10, 15, 0, 0).getTime()

export const file: FileInfo = { fileId: 'f1', path: 'photos/cat.jpg', size: 2048, mtime: 1, type: 'image/jpeg', cid: 'bafyfile' }
export const share = (id: string, extra: Partial<ShareInfo> = {}): ShareInfo => ({
  id, fileId: 'f1', cid: `bafy${id}`, name: 'cat.jpg', size: 2048, type: 'image/jpeg', createdAt: 1000, expired: false, link: `https://cairn.test/#/s/${id}`, pinnedOn: [], ...extra
})

export const FILES: FileInfo[] = [
  file,
  { ...file, fileId: 'f2', path: 'photos/trip/day 1/a.jpg' },
  { ...file, fileId: 'f3', path: 'photos/trip/b.jpg' },
  { ...file, fileId: 'f4', path: 'notes.txt' }
]

export function setup (opts: { nativeShare?: (data: NativeShareData) => Promise<void> } = {}) {
  let list: ShareInfo[] = [share('old', { createdAt: 1000 })]
  let made = 0
  const vaultFiles = { list: FILES }
  const client = createTestClient({
    'shares.list': async () => list,
    'files.list': async () => vaultFiles.list,
    'shares.create': async (args) => {
      const expiresAt = args.expiresAt
      let created: ShareInfo
      if ('folder' in args) {
        const inside = vaultFiles.list.filter(f => f.path.startsWith(`${args.folder}/`))
        if (inside.length === 0) fail('FILE_NOT_FOUND')
        const name = args.folder.slice(args.folder.lastIndexOf('/') + 1)
        created = share(`new${++made}`, { fileId: '', folder: args.folder, fileCount: inside.length, name, createdAt: 5000 + made, expiresAt })
      } else if ('fileIds' in args) {
        if (args.fileIds.length === 0) fail('FILE_NOT_FOUND')
        created = share(`new${++made}`, { fileId: '', folder: args.name, fileCount: args.fileIds.length, name: args.name, createdAt: 5000 + made, expiresAt })
      } else {
        if (args.fileId !== 'f1') fail('FILE_NOT_FOUND')
        created = share(`new${++made}`, { createdAt: 5000 + made, expiresAt })
      }
      list = [created, ...list]
      return created
    },
    'shares.stop': async ({ id }) => { list = list.filter(s => s.id !== id) }
  })
  const timers = manualTimers()
  const shares = createSharesModel({ client, timers, now: () => NOW, ...opts })
  return { client, shares, timers, setList: (next: ShareInfo[]) => { list = next }, setFiles: (next: FileInfo[]) => { vaultFiles.list = next } }
}

export const createCalls = (client: ReturnType<typeof setup>['client']) => client.calls.filter(c => c.method === 'shares.create')
