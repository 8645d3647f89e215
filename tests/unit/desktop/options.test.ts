import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isCairnError } from '../../../core/errors.ts'
import { CAIRN_VERSION } from '../../../relay-server/shared/version.ts'
import { parseDesktopArgs } from '../../../desktop/options.ts'

import { runDesktopBin as runBin } from './desktop-bin.ts'
const RELAY = '/ip4/127.0.0.1/tcp/4101/ws/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'

function refused (argv: string[], pattern: RegExp): void {
  assert.throws(() => parseDesktopArgs(argv, {}, 'linux', '/home/ann'), (err: unknown) => isCairnError(err, 'CONFIG_INVALID') && pattern.test(err.message), argv.join(' '))
}

describe('cairn-desktop options', () => {
  it('reads every option, with the platform data folder by default', () => {
    assert.deepEqual(parseDesktopArgs([], { XDG_DATA_HOME: '/data' }, 'linux', '/home/ann'),
      { kind: 'run', args: { dataDir: '/data/cairn', openWindow: true, listenNetwork: false, relays: [] } })
    assert.deepEqual(parseDesktopArgs(['--data-dir', '/tmp/c', '--port', '47611', '--no-window', '--listen-network', '--relay', RELAY, `--relay=${RELAY}`], {}, 'linux', '/home/ann'),
      { kind: 'run', args: { dataDir: '/tmp/c', port: 47_611, openWindow: false, listenNetwork: true, relays: [RELAY, RELAY] } })
    assert.deepEqual(parseDesktopArgs(['--help'], {}, 'linux', '/'), { kind: 'help' })
    assert.deepEqual(parseDesktopArgs(['--version'], {}, 'linux', '/'), { kind: 'version' })
  })

  it('--share-origin: where share links made here point, an http(s) origin and nothing else', () => {
    const parsed = parseDesktopArgs(['--share-origin', 'https://cairn.example.com/'], {}, 'linux', '/home/ann')
    assert.equal(parsed.kind === 'run' ? parsed.args.shareOrigin : undefined, 'https://cairn.example.com')
    refused(['--share-origin', 'cairn.example.com'], /share-origin: .*not a web address/)
    refused(['--share-origin', 'https://cairn.example.com/app'], /share-origin: .*no path/)
    refused(['--share-origin', 'ftp://cairn.example.com'], /share-origin: .*http\(s\)/)
  })

  it('refuses what it does not know, saying what is wrong', () => {
    refused(['--bogus'], /^Unknown option --bogus \(see --help\)$/)
    refused(['open'], /^Unexpected argument "open"/)
    refused(['--port'], /--port/)
    refused(['--port', '0'], /must be fixed/)
    refused(['--port', 'x', '--relay', 'nope'], /--port: expected a whole number[\s\S]*--relay: expected a multiaddr/)
    refused(['--no-window=yes'], /--no-window/)
  })

  it('the bin prints its version and help, and exits 2 on an unknown option', async () => {
    const [version, help, bad] = await Promise.all([runBin(['--version']), runBin(['--help']), runBin(['--frobnicate'])])
    assert.equal(version.code, 0)
    assert.equal(version.stdout, `cairn-desktop ${CAIRN_VERSION}\n`)
    assert.equal(help.code, 0)
    assert.match(help.stdout, /--listen-network/)
    assert.equal(bad.code, 2)
    assert.equal(bad.stdout, '')
    assert.match(bad.stderr, /^cairn-desktop: Unknown option --frobnicate \(see --help\)\n$/)
  })
})
