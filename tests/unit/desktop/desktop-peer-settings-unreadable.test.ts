import assert from 'node:assert/strict'
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { signal } from '@preact/signals'
import { CairnError, type ErrorPayload } from '../../../core/errors.ts'
import type { BackupPeerInfo } from '../../../core/rpc/api.ts'
import { createDesktopPeerModel } from '../../../web/models/desktop-peer-model.ts'
import { runToExit, unprivilegedCommand } from '../support/unprivileged.ts'
import { createTestClient } from '../web/fake-rpc.ts'
import { tempDir } from '../peer/support.ts'

const CHILD = new URL('./peer-settings-child.ts', import.meta.url).pathname

// The desktop backup peer's settings file there but not readable by the user running
// Cairn (a restore from a backup as another user, a chmod gone wrong): the daemon
// started nothing, rightly, but the Backup page's card said "The browser couldn't write
// to storage. Try again." — not the file, not the reason, and not a browser at all.
describe('the desktop backup peer\'s settings file cannot be read', { timeout: 60_000 }, () => {
  it('names the file and the reason, on the Logs page and on the card, and does not call it damaged', async (t) => {
    const dir = await tempDir('cairn-desktop-peer-unreadable-')
    try {
      const peerDir = join(dir.path, 'backup-peer')
      const file = join(peerDir, 'desktop-backup-peer.json')
      const kept = '{"enabled": false, "wsPort": 41234}\n'
      await mkdir(peerDir, { recursive: true })
      await writeFile(file, kept)
      await chmod(file, 0o000)
      const command = unprivilegedCommand([process.execPath, '--import', 'tsx', CHILD, dir.path])
      if (command === undefined) { t.skip('runs as root without setpriv to drop the privilege'); return }
      const run = await runToExit(command)
      assert.equal(run.code, 0, run.stderr)
      const said = JSON.parse(run.stdout) as { running: boolean, error?: ErrorPayload, logs: string[] }
      assert.equal(said.running, false, 'a peer the user may have turned off does not start')
      assert.ok(said.error !== undefined)
      assert.notEqual(said.error.code, 'CONFIG_INVALID', 'not "damaged": the file is fine, its permissions are not')
      assert.ok(said.logs.some(line => line.startsWith('error ') && line.includes(file) && /permission/.test(line)), said.logs.join('\n'))
      await chmod(file, 0o600)
      assert.equal(await readFile(file, 'utf8'), kept, 'nothing is written over it')

      // The card, as the page gets that answer from the daemon.
      const error = said.error
      const client = createTestClient({
        'desktop.backupPeer.info': async () => { throw new CairnError(error.code, error.message) }
      })
      const model = createDesktopPeerModel({ client, peers: signal<BackupPeerInfo[]>([]) })
      await model.load()
      assert.equal(model.error.value, undefined, 'no generic storage words')
      assert.equal(model.settingsDamaged.value, false)
      const words = model.settingsUnreadable.value ?? ''
      assert.ok(words.includes(file), words)
      assert.match(words, /permission/)
    } finally {
      await dir.cleanup()
    }
  })
})
