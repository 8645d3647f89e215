import { strict as assert } from 'node:assert'
import { describe, it } from 'node:test'
import { userCacheDir } from '../../../desktop/tray/tray-binary.ts'
import { findInLdconfig } from '../../../desktop/tray/tray-library.ts'

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
})
