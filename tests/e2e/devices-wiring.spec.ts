import type { Page } from '@playwright/test'
import { startRelay, removeDir, wsAddress } from './support/backup-servers.ts'
import { launchProfile, type Profile } from './support/browser.ts'
import { CairnApp } from './support/cairn-app.ts'
import { expect, test } from './support/fixtures.ts'
import type { ArgsOf, DeviceInfo, DeviceOffer, JoinStarted, MethodName, PairingEvent, ResultOf, VaultStatus } from '../../core/rpc/api.ts'

/**
 * The node worker's devices wiring, before the Devices UI lands: two browser
 * profiles (devices A and B) and a real relay. Each page reaches its node
 * the way a second tab does (a MessageChannel handed to the service worker,
 * core/rpc/node-port-messages.ts), so the test calls the RPC the UI will call.
 */

interface PageRpc {
  call: <M extends MethodName>(method: M, args: ArgsOf<M>) => Promise<ResultOf<M>>
  /** `devices.pairing` events this page's port heard so far. */
  pairing: () => Promise<PairingEvent[]>
}

async function nodeRpc (page: Page): Promise<PageRpc> {
  await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready
    const channel = new MessageChannel()
    const pending = new Map<string, { resolve: (v: unknown) => void, reject: (e: unknown) => void }>()
    const pairing: unknown[] = []
    let ready!: () => void
    const isReady = new Promise<void>((resolve) => { ready = resolve })
    channel.port1.onmessage = (ev: MessageEvent<{ kind: string, id?: string, ok?: boolean, value?: unknown, error?: unknown, event?: string, data?: unknown }>) => {
      const m = ev.data
      if (m.kind === 'port-ready') ready()
      else if (m.kind === 'event' && m.event === 'devices.pairing') pairing.push(m.data)
      else if (m.kind === 'result' && m.id !== undefined) {
        const waiter = pending.get(m.id)
        pending.delete(m.id)
        if (m.ok === true) waiter?.resolve(m.value); else waiter?.reject(m.error)
      }
    }
    registration.active?.postMessage({ kind: 'node-port-offer', port: channel.port2 }, [channel.port2])
    await isReady
    let next = 0
    ;(globalThis as unknown as Record<string, unknown>).__testRpc = {
      pairing: () => pairing.slice(),
      call: async (method: string, args: unknown) => await new Promise((resolve, reject) => {
        const id = `test-${next++}`
        pending.set(id, { resolve, reject })
        channel.port1.postMessage({ kind: 'call', id, method, args })
      })
    }
  })
  return {
    call: async (method, args) => await page.evaluate(async ([m, a]) => {
      const rpc = (globalThis as unknown as { __testRpc: { call: (m: string, a: unknown) => Promise<unknown> } }).__testRpc
      try {
        return { ok: true as const, value: await rpc.call(m, a) }
      } catch (error) {
        return { ok: false as const, error }
      }
    }, [method, args] as const).then((r) => {
      if (!r.ok) throw Object.assign(new Error(`${method}: ${JSON.stringify(r.error)}`), r.error as object)
      return r.value as never
    }),
    pairing: async () => await page.evaluate(() => (globalThis as unknown as { __testRpc: { pairing: () => PairingEvent[] } }).__testRpc.pairing())
  }
}

test('two browsers pair by link through a real relay: same safety number, B opens the vault, both list both devices', async () => {
  const relay = await startRelay()
  const profiles: Profile[] = []
  try {
    const relayAddress = wsAddress(relay.ready.multiaddrs)
    const open = async (): Promise<{ page: Page, rpc: PageRpc }> => {
      const profile = await launchProfile()
      profiles.push(profile)
      const page = await profile.context.newPage()
      await page.goto(CairnApp.appUrl())
      // The app's own tab leads and runs the node; this page's port reaches it through the service worker.
      await expect(page.getByLabel('Passphrase', { exact: true })).toBeVisible()
      const rpc = await nodeRpc(page)
      await rpc.call('network.setRelays', { relays: [relayAddress] })
      return { page, rpc }
    }
    const a = await open()
    const b = await open()

    await a.rpc.call('vault.create', { passphrase: 'device A keeps the vault' })
    // A is reachable through the relay once it holds a reservation there.
    await expect.poll(async () => (await a.rpc.call('node.info', undefined)).multiaddrs.some(ma => ma.includes('/p2p-circuit')), { timeout: 60_000 }).toBe(true)
    const offer: DeviceOffer = await a.rpc.call('devices.offer', undefined)
    expect(offer.link.startsWith(`${CairnApp.appUrl()}/#/join?offer=`)).toBe(true)
    expect(offer.code).toMatch(/^\d{4}-\d{4}-\d{4}$/)

    const started: JoinStarted = await b.rpc.call('devices.join', { offer: offer.link })
    await expect.poll(async () => (await a.rpc.pairing()).find(e => e.stage === 'compare'), { timeout: 30_000 }).toBeTruthy()
    const compare = (await a.rpc.pairing()).find(e => e.stage === 'compare')
    expect(compare?.stage === 'compare' ? compare.safetyNumber : '').toBe(started.safetyNumber)

    await a.rpc.call('devices.confirm', { id: offer.offerId, accept: true })
    await expect.poll(async () => (await b.rpc.pairing()).some(e => e.id === started.id && e.stage === 'received'), { timeout: 30_000 }).toBe(true)
    const status: VaultStatus = await b.rpc.call('devices.finishJoin', { id: started.id, newPassphrase: 'device B has its own passphrase' })
    expect(status.state).toBe('unlocked')
    await expect.poll(async () => (await a.rpc.pairing()).some(e => e.stage === 'paired'), { timeout: 30_000 }).toBe(true)

    const listed = async (rpc: PageRpc): Promise<string[]> => ((await rpc.call('devices.list', undefined)) as DeviceInfo[]).map(d => `${d.thisDevice ? 'this' : 'other'} ${d.fingerprint}`).sort()
    await expect.poll(async () => (await listed(a.rpc)).length, { timeout: 15_000 }).toBe(2)
    await expect.poll(async () => (await listed(b.rpc)).length, { timeout: 15_000 }).toBe(2)
    const onA = await a.rpc.call('devices.list', undefined)
    const onB = await b.rpc.call('devices.list', undefined)
    expect(onA.map(d => d.peerId).sort()).toEqual(onB.map(d => d.peerId).sort())
    expect(onA.find(d => !d.thisDevice)?.online).toBe(true)
    // B's own page shows the vault open with B's passphrase.
    await expect(b.page.getByRole('button', { name: 'Add files' })).toBeVisible()
  } finally {
    for (const profile of profiles) await profile.dispose()
    await relay.stop()
    removeDir(relay.dir)
  }
})
