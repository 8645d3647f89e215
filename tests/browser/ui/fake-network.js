// Fake handlers for the Peers and Backup pages and vault.restore, mixed into
// the visual-review fake client (fake-client.js). A review tool only: plain
// JS for the same reason as fake-client.js; nothing here talks to a network.
import { CairnError } from '../../../core/errors.ts'

const ME = '12D3KooWRfakePeerIdForTheVisualReviewHarnessOnly9aBcD'
const RELAY = '12D3KooWFakeRelayPeerIdAbCdEfGhIjKlMnOpQrStUvWxYz12'
const PEER = '12D3KooWFakeBackupPeerIdZyXwVuTsRqPoNmLkJiHgFeDcBa98'
const FRIEND = '12D3KooWFakeFriendBrowserIdQwErTyUiOpAsDfGhJkLzXcVb'
export const RELAY_ADDRESS = `/ip4/127.0.0.1/tcp/4101/ws/p2p/${RELAY}`
export const PEER_ADDRESS = `/ip4/127.0.0.1/tcp/4201/ws/p2p/${PEER}`
/** The pairing code the fake backup peer accepts. */
export const PAIRING_CODE = 'K7QM-2XFD-9RTA'

/**
 * ctx: { emit, wait, getFiles, setFiles, setState, words, sampleFiles }
 * options: { backup: 'none' | 'sample', network: 'none' | 'sample' }
 */
export function createFakeNetwork (ctx, options = {}) {
  const now = () => Date.now()
  const sample = options.network !== 'none'
  let relays = sample ? [RELAY_ADDRESS] : []
  let connections = sample
    ? [
        { peerId: RELAY, remoteAddr: RELAY_ADDRESS, transport: 'direct', direction: 'outbound', latencyMs: 3, openedAt: now() - 42 * 60_000 },
        { peerId: PEER, remoteAddr: PEER_ADDRESS, transport: 'direct', direction: 'outbound', latencyMs: 5, openedAt: now() - 40 * 60_000 },
        { peerId: FRIEND, remoteAddr: `${RELAY_ADDRESS}/p2p-circuit/p2p/${FRIEND}`, transport: 'relayed', direction: 'inbound', openedAt: now() - 95_000 }
      ]
    : []
  let backups = options.backup === 'sample'
    ? [
        { peerId: PEER, address: PEER_ADDRESS, online: true, lastSeen: now() - 4000, filesReplicated: 7, bytesReplicated: 129_190_915, pending: 0, failed: [] },
        {
          peerId: '12D3KooWFakeOldLaptopPeerIdMnBvCxZaSdFgHjKlPoIuYt77',
          address: '/dns4/old-laptop.local/tcp/4201/ws/p2p/12D3KooWFakeOldLaptopPeerIdMnBvCxZaSdFgHjKlPoIuYt77',
          online: false,
          lastSeen: now() - 3 * 86_400_000,
          filesReplicated: 4,
          bytesReplicated: 8_120_332,
          pending: 3,
          failed: [
            { cid: 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku', reason: 'block not found on any connected peer after 5 attempts' },
            { cid: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy', reason: 'peer over its quota for this vault' }
          ],
          lastError: 'Could not reach the peer (connection refused)'
        }
      ]
    : []

  const kept = () => [
    ...relays.map(address => ({ address, peerId: address.split('/p2p/').at(-1), connected: true })),
    ...backups.map(b => ({ address: b.address, peerId: b.peerId, connected: b.online, ...(b.online ? {} : { lastError: b.lastError ?? 'connection refused' }) }))
  ]
  const status = () => ({
    peerId: ME,
    multiaddrs: relays.map(r => `${r}/p2p-circuit/p2p/${ME}`),
    connections: [...connections],
    kept: kept(),
    relays: [...relays]
  })
  const changed = () => { ctx.emit('network.changed', undefined) }

  // Replication: one pending file goes across every 700 ms.
  const replicate = (peer) => {
    const timer = setInterval(() => {
      const current = backups.find(b => b.peerId === peer.peerId)
      if (current === undefined) { clearInterval(timer); return }
      const files = ctx.getFiles()
      const next = files.find(f => !f.onBackup)
      if (next === undefined) {
        backups = backups.map(b => b.peerId === peer.peerId ? { ...b, pending: 0 } : b)
        ctx.emit('backup.changed', undefined)
        clearInterval(timer)
        return
      }
      ctx.setFiles(files.map(f => f === next ? { ...f, onBackup: true } : f))
      const done = ctx.getFiles().filter(f => f.onBackup)
      backups = backups.map(b => b.peerId === peer.peerId
        ? { ...b, lastSeen: now(), filesReplicated: done.length, bytesReplicated: done.reduce((s, f) => s + f.size, 0), pending: files.length - done.length }
        : b)
      ctx.emit('files.changed', undefined)
      ctx.emit('backup.changed', undefined)
    }, 700)
  }

  return {
    'network.status': async () => status(),
    'network.connect': async ({ address }) => {
      await ctx.wait(500)
      if (!address.startsWith('/')) throw new CairnError('ADDRESS_INVALID', 'bad')
      const peerId = address.split('/p2p/').at(-1)
      if (!peerId?.startsWith('12D3KooW')) throw new CairnError('ADDRESS_INVALID', 'no peer id')
      if (address.includes('/tcp/9/')) throw new CairnError('PEER_UNREACHABLE', 'refused')
      const info = { peerId, remoteAddr: address, transport: address.includes('p2p-circuit') ? 'relayed' : 'direct', direction: 'outbound', openedAt: now() }
      connections = [...connections, info]
      changed()
      return info
    },
    'network.disconnect': async ({ peerId }) => { connections = connections.filter(c => c.peerId !== peerId); changed() },
    'network.ping': async ({ peerId }) => {
      await ctx.wait(150)
      if (!connections.some(c => c.peerId === peerId)) throw new CairnError('PEER_UNREACHABLE', 'gone')
      return { latencyMs: 2 + Math.round(Math.random() * 40) }
    },
    'network.setRelays': async ({ relays: next }) => {
      await ctx.wait(200)
      for (const r of next) if (!/^\/(ip4|ip6|dns4?|dns6)\//.test(r)) throw new CairnError('ADDRESS_INVALID', r)
      relays = [...next]
      changed()
      return status()
    },
    'network.pingRelay': async ({ url }) => {
      await ctx.wait(300)
      if (!url.includes(':4102/')) throw new CairnError('PEER_UNREACHABLE', 'no answer')
      return { service: 'cairn-relay', version: '0.1.0', peerId: RELAY, multiaddrs: [RELAY_ADDRESS], capabilities: ['circuit-relay-v2', 'websocket', 'webrtc-direct', 'unlimited-relay'] }
    },
    'backup.list': async () => backups.map(b => ({ ...b, failed: [...b.failed] })),
    'backup.add': async ({ address, code }) => {
      await ctx.wait(700)
      if (!address.startsWith('/')) throw new CairnError('ADDRESS_INVALID', 'bad')
      if (address.includes('/tcp/9/')) throw new CairnError('PEER_UNREACHABLE', 'refused')
      if (code !== PAIRING_CODE) throw new CairnError('PAIRING_REFUSED', 'wrong code')
      const peerId = address.split('/p2p/').at(-1) ?? PEER
      const peer = { peerId, address, online: true, lastSeen: now(), filesReplicated: 0, bytesReplicated: 0, pending: ctx.getFiles().length, failed: [] }
      backups = [...backups.filter(b => b.peerId !== peerId), peer]
      ctx.emit('backup.changed', undefined)
      replicate(peer)
      return peer
    },
    'backup.remove': async ({ peerId }) => { backups = backups.filter(b => b.peerId !== peerId); ctx.emit('backup.changed', undefined) },
    'backup.verify': async ({ peerId }) => {
      await ctx.wait(900)
      const peer = backups.find(b => b.peerId === peerId)
      if (peer === undefined) throw new CairnError('NOT_PAIRED', 'unknown')
      if (!peer.online) throw new CairnError('PEER_UNREACHABLE', 'offline')
      return { checked: 32, ok: 32, bad: [] }
    },
    'vault.restore': async ({ recoveryPhrase, peerAddress, newPassphrase }) => {
      await ctx.wait(1500)
      if (recoveryPhrase.split(' ').length !== 24) throw new CairnError('BAD_RECOVERY_PHRASE', 'bad')
      if (!peerAddress.startsWith('/')) throw new CairnError('ADDRESS_INVALID', 'bad')
      if (peerAddress.includes('/tcp/9/')) throw new CairnError('PEER_UNREACHABLE', 'refused')
      if (recoveryPhrase !== ctx.words) throw new CairnError('NOT_PAIRED', 'no such vault')
      ctx.setFiles(ctx.sampleFiles().map(f => ({ ...f, onBackup: true })))
      return ctx.setState('unlocked', newPassphrase)
    }
  }
}
