import { strict as assert } from 'node:assert'
import { mkdtempSync, readlinkSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { userCacheDir } from '../../../desktop/tray/tray-binary.ts'
import { appIndicatorShim, findInLdconfig } from '../../../desktop/tray/tray-library.ts'

const dir = mkdtempSync(join(tmpdir(), 'cairn-tray-lib-'))
after(() => { rmSync(dir, { recursive: true, force: true }) })

const LISTING = `612 libs found in cache \`/etc/ld.so.cache'
	libayatana-indicator3.so.7 (libc6,x86-64) => /lib/x86_64-linux-gnu/libayatana-indicator3.so.7
	libayatana-appindicator3.so.1 (libc6) => /usr/lib/i386-linux-gnu/libayatana-appindicator3.so.1
	libayatana-appindicator3.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libayatana-appindicator3.so.1
`

describe('tray program setup', () => {
  it('finds a library in `ldconfig -p` for x86-64 only', () => {
    assert.equal(findInLdconfig(LISTING, 'libayatana-appindicator3.so.1'), '/lib/x86_64-linux-gnu/libayatana-appindicator3.so.1')
    assert.equal(findInLdconfig(LISTING, 'libappindicator3.so.1'), undefined)
    assert.equal(findInLdconfig('', 'libayatana-appindicator3.so.1'), undefined)
  })

  it('copies the program into the platform cache folder', () => {
    assert.equal(userCacheDir('linux', {}, '/home/ann'), '/home/ann/.cache/cairn')
    assert.equal(userCacheDir('linux', { XDG_CACHE_HOME: '/var/cache/ann' }, '/home/ann'), '/var/cache/ann/cairn')
    // The XDG spec: a relative XDG_CACHE_HOME is ignored.
    assert.equal(userCacheDir('linux', { XDG_CACHE_HOME: 'cache' }, '/home/ann'), '/home/ann/.cache/cairn')
    assert.equal(userCacheDir('darwin', {}, '/Users/ann'), '/Users/ann/Library/Caches/Cairn')
  })

  it('links Debian\'s libayatana-appindicator under the name the program wants, or says what to install', async () => {
    const debian = async (name: string): Promise<string | undefined> => name === 'libayatana-appindicator3.so.1' ? '/usr/lib/x86_64-linux-gnu/libayatana-appindicator3.so.1' : undefined
    const folder = join(dir, 'lib')
    assert.equal(await appIndicatorShim(folder, debian), folder)
    assert.equal(readlinkSync(join(folder, 'libappindicator3.so.1')), '/usr/lib/x86_64-linux-gnu/libayatana-appindicator3.so.1')
    assert.equal(await appIndicatorShim(folder, debian), folder, 'a second start links again')

    const ubuntu = async (name: string): Promise<string | undefined> => name === 'libappindicator3.so.1' ? '/usr/lib/libappindicator3.so.1' : undefined
    assert.equal(await appIndicatorShim(join(dir, 'unused'), ubuntu), undefined)

    await assert.rejects(appIndicatorShim(join(dir, 'none'), async () => undefined), { code: 'TRAY_UNAVAILABLE', message: /apt install libayatana-appindicator3-1/ })
  })
})
