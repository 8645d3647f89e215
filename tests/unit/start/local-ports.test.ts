import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { choosePorts, readSavedPorts, savePorts, type PortProbe, type Protocol } from '../../../scripts/local-ports.ts'

/** A probe that says every port is free except the `taken` ones ("4101/udp"). */
function fakeProbe (taken: string[]): PortProbe & { asked: string[] } {
  const asked: string[] = []
  const probe = async (port: number, protocol: Protocol): Promise<boolean> => {
    asked.push(`${port}/${protocol}`)
    return !taken.includes(`${port}/${protocol}`)
  }
  return Object.assign(probe, { asked })
}

describe('npm start: the port store', () => {
  it('saves the ports and reads them back; a missing or damaged file is no preference', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-ports-'))
    try {
      const file = join(dir, 'nested', 'ports.json')
      assert.deepEqual(readSavedPorts(file), {})
      savePorts(file, { relay: 4201, peer: 4203, app: 5174 })
      assert.deepEqual(readSavedPorts(file), { relay: 4201, peer: 4203, app: 5174 })
      writeFileSync(file, '{"relay": 4201, "peer": "x", "app": 70000')
      assert.deepEqual(readSavedPorts(file), {})
      writeFileSync(file, '{"relay": 4201, "peer": "x", "app": 70000}')
      assert.deepEqual(readSavedPorts(file), { relay: 4201 }, 'only valid ports are kept')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('takes 4101–4103 when they are free', async () => {
    assert.deepEqual(await choosePorts({ saved: {}, probe: fakeProbe([]), host: '127.0.0.1' }), { relay: 4101, peer: 4103 })
  })

  it('reuses saved ports when they are free', async () => {
    assert.deepEqual(await choosePorts({ saved: { relay: 4301, peer: 4310 }, probe: fakeProbe([]), host: '127.0.0.1' }), { relay: 4301, peer: 4310 })
  })

  it('moves past a taken TCP or UDP port to the next free ones, never giving two services one port', async () => {
    // The relay needs 4101 tcp+udp and 4102 tcp (HTTP); the peer 4103 tcp+udp.
    const ports = await choosePorts({ saved: {}, probe: fakeProbe(['4101/udp']), host: '127.0.0.1' })
    assert.deepEqual(ports, { relay: 4102, peer: 4104 }, 'the relay moves to 4102 (HTTP on 4103), so the peer moves past 4103')
    assert.deepEqual(await choosePorts({ saved: {}, probe: fakeProbe(['4102/tcp']), host: '127.0.0.1' }), { relay: 4103, peer: 4105 },
      'a taken HTTP port (4102) moves the relay to 4103 (HTTP on 4104), and the peer past both')
    const saved = await choosePorts({ saved: { relay: 4301, peer: 4310 }, probe: fakeProbe(['4310/udp']), host: '127.0.0.1' })
    assert.deepEqual(saved, { relay: 4301, peer: 4311 }, 'a taken saved port is replaced by the next free one')
  })
})
