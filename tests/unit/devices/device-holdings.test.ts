import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { DeviceHoldings } from '../../../core/node/device-holdings.ts'
import { addressOf, MemoryLog, startNode, waitFor, type TestNode } from '../backup/helpers.ts'

interface Side { node: TestNode, holdings: DeviceHoldings, id: string, changes: number }

/** A device that holds `whole` and treats `members()` as the vault's other devices. */
async function side (whole: string[] | (() => string[]), roots: string[], members: () => string[], clock: () => number): Promise<Side> {
  const node = await startNode()
  const id = node.helia.libp2p.peerId.toString()
  const out: Side = { node, id, changes: 0, holdings: undefined as unknown as DeviceHoldings }
  out.holdings = new DeviceHoldings({
    libp2p: node.helia.libp2p,
    log: new MemoryLog(),
    roots: () => roots,
    heldWhole: async (asked) => asked.filter(r => (typeof whole === 'function' ? whole() : whole).includes(r)),
    isMember: (peerId) => members().includes(peerId),
    nameOf: () => 'Laptop',
    onChanged: () => { out.changes++ },
    now: clock
  })
  await out.holdings.attach()
  return out
}

describe('what the other devices hold', () => {
  it('a member says which files it holds whole; the answer counts only while fresh; a stranger is not answered', async () => {
    let now = 1_000_000
    const clock = (): number => now
    const members = { laptop: [] as string[], phone: [] as string[], stranger: [] as string[] }
    const laptop = await side(['bafy-a', 'bafy-b'], [], () => members.laptop, clock)
    const phone = await side([], ['bafy-a', 'bafy-c'], () => members.phone, clock)
    const stranger = await side([], ['bafy-a'], () => members.stranger, clock)
    // Laptop and phone are one vault; the stranger takes the laptop for one of its own.
    members.laptop = [phone.id]
    members.phone = [laptop.id]
    members.stranger = [laptop.id]
    try {
      await phone.node.helia.libp2p.dial(addressOf(laptop.node))
      await phone.holdings.askConnected()
      await waitFor(() => phone.changes > 0, 10_000, 'the laptop to answer')
      assert.deepEqual(phone.holdings.holders('bafy-a'), ['Laptop'])
      assert.deepEqual(phone.holdings.holders('bafy-b'), [], 'only what was asked about counts')
      assert.deepEqual(phone.holdings.holders('bafy-c'), [])
      now += 3 * 60_000
      assert.deepEqual(phone.holdings.holders('bafy-a'), [], 'a stale answer is not relied on')

      await stranger.node.helia.libp2p.dial(addressOf(laptop.node))
      await stranger.holdings.askConnected()
      assert.deepEqual(stranger.holdings.holders('bafy-a'), [], 'the laptop does not answer a device of another vault')
      assert.equal(stranger.changes, 0)
    } finally {
      for (const s of [laptop, phone, stranger]) await s.node.helia.stop()
    }
  })

  it('"Free up space" counts only devices that answered just now: one that went offline since its answer may have freed its copy', async () => {
    let now = 1_000_000
    const clock = (): number => now
    let laptopHolds = ['bafy-a']
    const members = { laptop: [] as string[], phone: [] as string[] }
    const laptop = await side(() => laptopHolds, ['bafy-a'], () => members.laptop, clock)
    const phone = await side(['bafy-a'], ['bafy-a'], () => members.phone, clock)
    members.laptop = [phone.id]
    members.phone = [laptop.id]
    try {
      await phone.node.helia.libp2p.dial(addressOf(laptop.node))
      await phone.holdings.askConnected()
      assert.deepEqual(phone.holdings.confirmedHolders('bafy-a'), ['Laptop'], 'asked just now: it counts')
      // The laptop frees its copy (the phone holds one) and goes offline.
      laptopHolds = []
      await phone.node.helia.libp2p.hangUp(laptop.node.helia.libp2p.peerId)
      now += 60_000
      // The phone presses "Free up space": the connected devices are asked again; the laptop is not among them.
      await phone.holdings.askConnected()
      assert.deepEqual(phone.holdings.holders('bafy-a'), ['Laptop'], 'the Files page may still show its last answer')
      assert.deepEqual(phone.holdings.confirmedHolders('bafy-a'), [], 'but freeing does not rely on it')
    } finally {
      for (const s of [laptop, phone]) await s.node.helia.stop()
    }
  })
})
