import assert from 'node:assert/strict'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { isCairnError } from '../../../core/errors.ts'
import { parsePeerArgs, PEER_OPTIONS, peerConfig } from '../../../relay-server/peer/config.ts'
import { runCli } from './support.ts'

const RELAY = '/ip4/127.0.0.1/tcp/4101/ws/p2p/12D3KooWGRUVh4TsRtNzrtXhuH6Q8fKJjuVCQzB6ft2obpmrhhpE'
const noFile = (): string => { throw Object.assign(new Error('no such file'), { code: 'ENOENT' }) }

function configOf (argv: string[], env: Record<string, string> = {}, readFile: (path: string) => string = noFile): ReturnType<typeof peerConfig> {
  const parsed = parsePeerArgs(argv, env, readFile)
  assert.equal(parsed.help, false)
  if (parsed.help) throw new Error('unreachable')
  return parsed.config
}

const invalid = (err: unknown): boolean => isCairnError(err, 'CONFIG_INVALID')

describe('cairn-peer configuration', () => {
  it('has the documented defaults', () => {
    const config = configOf([])
    assert.deepEqual(config, {
      dataDir: './.cairn/peer',
      host: '127.0.0.1',
      wsPort: 4103,
      webrtcDirect: true,
      webrtcPort: 4103,
      relay: [],
      announce: [],
      quotaPerVault: 10 * 2 ** 30,
      fetchConcurrency: 3,
      retention: 30 * 86_400_000,
      pairingCodeTtl: 15 * 60_000,
      logLevel: 'info',
      appendOnly: false,
      maxRootsPerVault: 1_000_000
    })
    assert.equal(configOf(['--append-only']).appendOnly, true)
    assert.equal(configOf(['--max-roots-per-vault', '5000']).maxRootsPerVault, 5000)
    assert.deepEqual(peerConfig({ wsPort: 0 }).webrtcPort, 0, 'the UDP port follows the WebSocket port')
  })

  it('takes flags over environment over the config file', () => {
    const file = JSON.stringify({ wsPort: 5000, fetchConcurrency: 5, retention: '12h', dataDir: '/from/file' })
    const env = { CAIRN_PEER_WS_PORT: '6000', CAIRN_PEER_QUOTA_PER_VAULT: '2GiB', CAIRN_PEER_CONFIG: '/etc/cairn-peer.json' }
    const config = configOf(['--ws-port', '7000', '--relay', RELAY, '--no-webrtc-direct', '--log-level=debug'], env, (path) => {
      assert.equal(path, '/etc/cairn-peer.json')
      return file
    })
    assert.equal(config.wsPort, 7000)
    assert.equal(config.webrtcPort, 7000)
    assert.equal(config.quotaPerVault, 2 * 2 ** 30)
    assert.equal(config.fetchConcurrency, 5)
    assert.equal(config.retention, 12 * 3_600_000)
    assert.equal(config.dataDir, '/from/file')
    assert.deepEqual(config.relay, [RELAY])
    assert.equal(config.webrtcDirect, false)
    assert.equal(config.logLevel, 'debug')
  })

  it('reads the subcommand and --json', () => {
    const pair = parsePeerArgs(['pair', '--data-dir', '/d'], {})
    assert.equal(pair.command, 'pair')
    const status = parsePeerArgs(['status', '--json'], {})
    assert.ok(!status.help && status.command === 'status' && status.json)
    const run = parsePeerArgs(['--ws-port', '1'], {})
    assert.equal(run.command, 'run')
    assert.equal(parsePeerArgs(['status', '--help'], {}).help, true)
  })

  it('refuses bad values, saying where each came from', () => {
    assert.throws(() => parsePeerArgs(['backup'], {}), invalid)
    assert.throws(() => parsePeerArgs(['--relay', '/ip4/127.0.0.1/tcp/4101/ws'], {}), (err: Error) => invalid(err) && err.message.includes('/p2p/'))
    assert.throws(() => parsePeerArgs(['--fetch-concurrency', '0'], {}), invalid)
    assert.throws(() => parsePeerArgs([], { CAIRN_PEER_RETENTION: 'soon' }), (err: Error) => invalid(err) && err.message.includes('CAIRN_PEER_RETENTION'))
    assert.throws(() => parsePeerArgs(['--host', 'localhost'], {}), invalid)
    assert.throws(() => parsePeerArgs(['--json'], {}), invalid)
    assert.throws(() => parsePeerArgs(['--config', 'x.json'], {}, () => '{"wsport": 1}'), (err: Error) => invalid(err) && err.message.includes('wsport'))
  })

  it('--help documents every option with its default and variable and exits 0; a bad option exits 2; pair without a peer exits 1', async () => {
    // Spawns run side by side: each costs a second or two.
    const [help, bad, lonely] = await Promise.all([
      runCli(['--help']),
      runCli(['--ws-port', 'abc']),
      runCli(['pair', '--data-dir', join(tmpdir(), `cairn-peer-nobody-${process.pid}`)])
    ])
    assert.equal(help.code, 0)
    for (const spec of Object.values(PEER_OPTIONS)) {
      assert.ok(help.stdout.includes(`--${spec.flag}`) || help.stdout.includes(`--[no-]${spec.flag}`), `--${spec.flag} in --help`)
      assert.ok(help.stdout.includes(spec.env), `${spec.env} in --help`)
    }
    for (const text of ['Default: 3.', 'Default: 30d.', 'Default: 4103.', 'Default: ./.cairn/peer.', 'Default: 10GiB.', 'cairn-peer pair', 'cairn-peer status', 'CAIRN_PEER_READY']) {
      assert.ok(help.stdout.includes(text), `${text} in --help`)
    }

    assert.equal(bad.code, 2)
    assert.match(bad.stderr, /--ws-port: expected a whole number/)
    assert.equal(bad.stdout, '')

    assert.equal(lonely.code, 1)
    assert.match(lonely.stderr, /No cairn-peer is running on/)
  })
})
