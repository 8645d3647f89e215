import assert from 'node:assert/strict'
import { test } from 'node:test'
import { signal } from '@preact/signals'
import { memoryHashLocation } from '../../../web/lib/hash-location.ts'
import { PAIRING_LINK_PREFIX, pairingLinkHash, parsePairingLink } from '../../../web/lib/pairing-link.ts'
import { startPairingLink } from '../../../web/models/pairing-link-model.ts'
import type { Page } from '../../../web/models/route-model.ts'
import { settle } from './fake-rpc.ts'

const PEER = '/ip4/127.0.0.1/tcp/4103/ws/p2p/12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo'

test('a pairing link carries the peer address and code in the fragment, and reads back', () => {
  const hash = pairingLinkHash({ peer: PEER, code: 'GK53-AAXD-KSRA-KQ24' })
  assert.ok(hash.startsWith(PAIRING_LINK_PREFIX))
  assert.deepEqual(parsePairingLink(hash), { peer: PEER, code: 'GK53-AAXD-KSRA-KQ24' })
  assert.equal(parsePairingLink('#/backup'), undefined)
  assert.equal(parsePairingLink(`${PAIRING_LINK_PREFIX}peer=${encodeURIComponent(PEER)}`), undefined, 'no code: not a link')
  assert.equal(parsePairingLink('#/s/abc'), undefined)
})

test('the link leaves the address bar at once and fills the form only once the vault is unlocked', async () => {
  const location = memoryHashLocation(pairingLinkHash({ peer: PEER, code: 'CODE-1' }))
  const replaced: string[] = []
  const screen = signal('locked')
  const filled: Array<{ peer: string, code: string }> = []
  const pages: Page[] = []
  const codes = (): string[] => filled.map(l => l.code)
  const stop = startPairingLink({
    location,
    replaceHash: (hash) => { replaced.push(hash) },
    screen,
    backup: { fillFromLink: (link) => { filled.push(link) } },
    route: { go: (page) => { pages.push(page) } }
  })
  try {
    assert.deepEqual(replaced, ['#/backup'], 'the code is out of the address bar before anything else')
    await settle()
    assert.deepEqual(filled, [], 'nothing is filled while the vault is locked')
    screen.value = 'unlocked'
    await settle()
    assert.deepEqual(filled, [{ peer: PEER, code: 'CODE-1' }])
    assert.deepEqual(pages, ['backup'])
    // A link opened later in the running app works too, once.
    location.set(pairingLinkHash({ peer: PEER, code: 'CODE-2' }))
    await settle()
    assert.deepEqual(codes(), ['CODE-1', 'CODE-2'])
    screen.value = 'locked'
    screen.value = 'unlocked'
    await settle()
    assert.equal(codes().length, 2, 'a link fills the form once')
  } finally {
    stop()
  }
})
