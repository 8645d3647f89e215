import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CairnError } from '../../../core/errors.ts'
import { parseRelayArgs, RELAY_OPTIONS, relayConfig, relayHelp, type RelayConfig } from '../../../relay-server/relay/config.ts'

function parse (argv: string[], env: Record<string, string> = {}, files: Record<string, string> = {}): RelayConfig {
  const result = parseRelayArgs(argv, env, (path) => {
    const text = files[path]
    if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' })
    return text
  })
  assert.equal(result.help, false)
  return result.help ? assert.fail() : result.config
}

function refused (argv: string[], env: Record<string, string> = {}, files: Record<string, string> = {}): string {
  try {
    parse(argv, env, files)
  } catch (err) {
    assert.ok(err instanceof CairnError, String(err))
    assert.equal(err.code, 'CONFIG_INVALID')
    return err.message
  }
  return assert.fail(`accepted ${argv.join(' ')}`)
}

describe('relay config', () => {
  it('has safe defaults', () => {
    assert.deepEqual(parse([]), {
      host: '127.0.0.1',
      wsPort: 4101,
      webrtcDirect: true,
      webrtcPort: 4101,
      httpPort: 4102,
      announce: [],
      keyFile: './.cairn/relay/key',
      maxConnections: 512,
      maxConnectionsPerIp: 32,
      maxConnectionsPerPeer: 8,
      connectionRatePerIp: 10,
      maxPendingConnections: 64,
      maxReservations: 128,
      maxReservationsPerIp: 16,
      maxRelayedConnections: 256,
      maxRelayedConnectionsPerPeer: 16,
      maxRelayedConnectionsPerIp: 32,
      relayMaxBytes: 4 * 2 ** 30,
      relayMaxDuration: 3_600_000,
      trustedProxy: [],
      logLevel: 'info'
    })
    assert.deepEqual(relayConfig(), parse([]))
  })

  it('takes flags over environment over config file over defaults', () => {
    const files = { '/etc/relay.json': JSON.stringify({ wsPort: 5000, host: '0.0.0.0', maxReservations: 7, relayMaxBytes: '1MiB', announce: ['/dns4/relay.example.com/tcp/443/wss'] }) }
    const env = { CAIRN_RELAY_WS_PORT: '6000', CAIRN_RELAY_MAX_RESERVATIONS: '8', CAIRN_RELAY_LOG_LEVEL: 'warn' }
    const config = parse(['--config', '/etc/relay.json', '--ws-port', '7000'], env, files)
    assert.equal(config.wsPort, 7000) // flag
    assert.equal(config.maxReservations, 8) // environment over file
    assert.equal(config.logLevel, 'warn') // environment
    assert.equal(config.host, '0.0.0.0') // file
    assert.equal(config.relayMaxBytes, 2 ** 20) // file, with a unit
    assert.deepEqual(config.announce, ['/dns4/relay.example.com/tcp/443/wss'])
    assert.equal(config.httpPort, 7001) // computed from the winning ws port
    assert.equal(config.maxReservationsPerIp, 16) // default
    // The file can also be named by the environment; a flag names it first.
    assert.equal(parse([], { CAIRN_RELAY_CONFIG: '/etc/relay.json' }, files).wsPort, 5000)
    assert.equal(parse(['--config=/b.json'], { CAIRN_RELAY_CONFIG: '/etc/relay.json' }, { ...files, '/b.json': '{"wsPort": 9}' }).wsPort, 9)
  })

  it('reads units, booleans, lists and --flag=value', () => {
    const config = parse(['--relay-max-bytes=512KiB', '--relay-max-duration', '30m', '--no-webrtc-direct', '--announce', '/ip4/1.2.3.4/tcp/443/wss, /dns4/a.example/tcp/443/wss', '--ws-port=0'])
    assert.equal(config.relayMaxBytes, 512 * 1024)
    assert.equal(config.relayMaxDuration, 30 * 60_000)
    assert.equal(config.webrtcDirect, false)
    assert.deepEqual(config.announce, ['/ip4/1.2.3.4/tcp/443/wss', '/dns4/a.example/tcp/443/wss'])
    assert.equal(config.httpPort, 0, 'a free HTTP port when the ws port is free too')
    assert.equal(config.webrtcPort, 0)
    assert.equal(parse([], { CAIRN_RELAY_RELAY_MAX_DURATION: '90' }).relayMaxDuration, 90_000, 'plain numbers are seconds')
    assert.equal(parse([], { CAIRN_RELAY_WEBRTC_DIRECT: 'off' }).webrtcDirect, false)
    assert.equal(parse(['--webrtc-direct=no']).webrtcDirect, false)
    assert.equal(parse(['--webrtc-direct'], { CAIRN_RELAY_WEBRTC_DIRECT: 'false' }).webrtcDirect, true)
    assert.equal(parse(['--relay-max-bytes', '0']).relayMaxBytes, 0)
    assert.deepEqual(parse(['--trusted-proxy', '10.0.0.2, ::1']).trustedProxy, ['10.0.0.2', '::1'])
    assert.deepEqual(parse([], { CAIRN_RELAY_TRUSTED_PROXY: '10.0.0.2' }).trustedProxy, ['10.0.0.2'])
    assert.match(refused(['--trusted-proxy', 'proxy.example']), /--trusted-proxy: item 1: expected an IP address/)
  })

  it('refuses bad values, naming where each came from', () => {
    assert.match(refused(['--ws-port', '70000']), /--ws-port: expected a number from 0 to 65535, got 70000/)
    assert.match(refused(['--ws-port', 'abc']), /--ws-port: expected a whole number/)
    assert.match(refused(['--max-reservations', '0']), /--max-reservations: expected a number from 1/)
    assert.match(refused(['--relay-max-bytes', '12 parsecs']), /--relay-max-bytes: expected a size/)
    assert.match(refused(['--relay-max-duration', '-5']), /--relay-max-duration: expected a duration/)
    assert.match(refused(['--log-level', 'loud']), /--log-level: expected one of debug, info, warn, error, silent/)
    assert.match(refused(['--host', 'example.com']), /--host: expected an IP address/)
    assert.match(refused(['--announce', '/ip4/1.2.3.4/tcp/x']), /--announce: item 1: expected a multiaddr/)
    assert.match(refused([], { CAIRN_RELAY_MAX_CONNECTIONS: 'many' }), /CAIRN_RELAY_MAX_CONNECTIONS: expected a whole number/)
    assert.match(refused([], { CAIRN_RELAY_WEBRTC_DIRECT: 'maybe' }), /CAIRN_RELAY_WEBRTC_DIRECT: expected true or false/)
    assert.match(refused(['--wat']), /Unknown option --wat/)
    assert.match(refused(['--ws-port']), /--ws-port needs a value \(PORT\)/)
    assert.match(refused(['4101']), /Unexpected argument "4101"/)
    assert.match(refused(['--ws-port', '1', '--ws-port', '2']), /--ws-port is given more than once/)
    assert.match(refused(['--ws-port', '4000', '--http-port', '4000']), /--http-port and --ws-port are both 4000/)
  })

  it('refuses a bad config file clearly', () => {
    assert.match(refused(['--config', '/nope.json']), /Cannot read the config file \/nope.json: no such file/)
    assert.match(refused(['--config', '/c.json'], {}, { '/c.json': '{ wsPort: 1 ' }), /Cannot read the config file \/c.json/)
    assert.match(refused(['--config', '/c.json'], {}, { '/c.json': '[1]' }), /must hold a JSON object/)
    assert.match(refused(['--config', '/c.json'], {}, { '/c.json': '{"wsport": 1}' }), /Unknown key "wsport" in the config file/)
    assert.match(refused(['--config', '/c.json'], {}, { '/c.json': '{"wsPort": 1.5}' }), /"wsPort" in \/c.json: expected a whole number/)
  })

  it('lists every problem at once', () => {
    const message = refused(['--ws-port', 'x', '--max-reservations', '-1'], { CAIRN_RELAY_HOST: 'nowhere' })
    assert.match(message, /--ws-port/)
    assert.match(message, /--max-reservations/)
    assert.match(message, /CAIRN_RELAY_HOST/)
  })

  it('--help documents every option with its default and variable', () => {
    assert.deepEqual(parseRelayArgs(['--ws-port', '1', '--help'], {}), { help: true })
    const help = relayHelp()
    // One block per option: its flag line and the wrapped lines under it, joined.
    const blocks = help.split(/\n(?=  -)/).map(block => block.replace(/\s+/g, ' '))
    for (const [key, spec] of Object.entries(RELAY_OPTIONS)) {
      const block = blocks.find(b => b.startsWith(` --${spec.flag} `) || b.startsWith(` --[no-]${spec.flag} `))
      assert.ok(block !== undefined, `--${spec.flag} is in --help`)
      assert.ok(block.includes(` Env ${spec.env}.`) && block.includes(`[${key}]`) && block.includes('Default: '), block)
    }
    assert.ok(help.split('\n').every(line => line.length <= 120), 'lines are wrapped')
    assert.match(help, /--config FILE/)
  })
})
