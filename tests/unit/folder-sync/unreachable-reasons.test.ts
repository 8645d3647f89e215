import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import type { FolderEntry, FolderListOptions } from '../../../core/folder-sync/folder-source.ts'
import { FolderRunner } from '../../../core/folder-sync/folder-runner.ts'
import { memoryScanState } from '../../../core/folder-sync/scan-state.ts'
import { syncVaultOf } from '../../../core/folder-sync/vault-port.ts'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { isErrorCode } from '../../../core/rpc/errors.ts'
import { NodeFolderSource } from '../../../desktop/folders/node-folder-source.ts'
import { messageForCode } from '../../../web/error-messages.ts'
import { startVault, type Cleanups } from '../vault/share-test-support.ts'
import { put, tempFolder } from './support.ts'

// A synced folder on a network share that drops (ENOTCONN, ESTALE, EHOSTDOWN…) or a
// disk that fails (EIO) used to show "Cannot reach the folder" and nothing else: the
// errno name was kept as the folder's error, a code the card has no words for.

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

/** The real folder, until `fail` names an errno: then listing the root (or one subfolder) fails with it. */
class FailingSource extends NodeFolderSource {
  fail: { code: string, at: 'root' | 'sub' } | undefined
  override async * list (options: FolderListOptions = {}): AsyncIterable<FolderEntry> {
    const fail = this.fail
    if (fail?.at === 'root') throw Object.assign(new Error(`${fail.code}: the system refused`), { code: fail.code })
    if (fail?.at === 'sub') options.onSkipped?.('sub', fail.code)
    yield * super.list(options)
  }
}

async function runnerOn (root: string): Promise<FolderRunner> {
  const { vault } = await startVault(cleanups)
  const runner = new FolderRunner({ id: 'f', label: 'Share', location: { kind: 'path', path: root }, mode: 'backup', vaultFolder: 'Share', paused: false }, {
    vault: syncVaultOf(() => vault.files()), state: memoryScanState(), log: new LogBuffer().for('folders'), deviceLabel: () => 'laptop', onChanged: () => {}, onVaultChanged: () => {}
  }, { rescanMs: 600_000, debounceMs: 600_000, settleMs: 0 })
  cleanups.push(async () => { await runner.stop() })
  return runner
}

/** The card's words for a code: what the user reads under the folder's state. */
function cardWords (code: string | undefined): string {
  assert.ok(code !== undefined && isErrorCode(code), `a code the card has words for, got ${String(code)}`)
  return messageForCode(code)
}

describe('folder sync: why a folder cannot be reached', () => {
  for (const [code, words] of [['ENOTCONN', /network share/], ['ESTALE', /network share/], ['EHOSTDOWN', /network share/], ['EIO', /disk/]] as const) {
    it(`${code} while scanning: the card says why, not only "Cannot reach the folder"`, async () => {
      const root = await tempFolder(cleanups)
      await put(root, 'a.txt', 'a')
      const source = new FailingSource(root)
      const runner = await runnerOn(root)
      await runner.start(source)
      await runner.scan()
      assert.equal(runner.info().state, 'in-step')
      source.fail = { code, at: 'root' }
      await runner.scan()
      assert.equal(runner.info().state, 'unavailable')
      assert.match(cardWords(runner.info().error), words)
    })
  }

  it('EIO in one subfolder: listed among the files not synced with the reason', async () => {
    const root = await tempFolder(cleanups)
    await put(root, 'a.txt', 'a')
    const source = new FailingSource(root)
    source.fail = { code: 'EIO', at: 'sub' }
    const runner = await runnerOn(root)
    await runner.start(source)
    await runner.scan()
    const skipped = runner.info().skipped.find(s => s.path === 'sub')
    assert.match(cardWords(skipped?.code), /disk/)
  })
})
