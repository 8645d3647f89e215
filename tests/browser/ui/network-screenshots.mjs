// Visual review of the relay and backup-peer screens (Peers, Backup, Settings →
// Relays, Restore, the file badges) at desktop and phone widths, light and dark.
//
//   npx tsx tests/browser/ui/network-screenshots.mjs [outDir]   (default /tmp/cairn-ui-shots)
//
// Drives the fake client (fake-network.js); checks the texts the e2e tests wait for.
import { PAIRING_CODE, PEER_ADDRESS } from './fake-network.js'
import { startReview, VIEWPORTS } from './review-server.mjs'

const outDir = process.argv[2] ?? '/tmp/cairn-ui-shots'
const review = await startReview(outDir)
const { open, shot, problems } = review

const WORDS = 'orbit canal maple tender silver humble quarter pilot museum garden velvet anchor ' +
  'ribbon tunnel ladder copper smile forest echo marble window lunar basket thunder'
const NEW_PASS = 'a brand new passphrase for cairn'
const expectText = async (page, text, what) => {
  try {
    await page.getByText(text).first().waitFor({ timeout: 15_000 })
  } catch {
    problems.push(`${what}: never showed ${text}`)
  }
}

for (const v of VIEWPORTS) {
  for (const dark of [false, true]) {
    const tag = `${v.tag}${dark ? '-dark' : ''}`
    // Restore from a backup peer on a fresh browser
    {
      const { page, context } = await open('none', { ...v, dark })
      await page.getByRole('button', { name: 'Restore a vault' }).waitFor()
      await shot(page, `${tag}-30-start-with-restore`)
      await page.getByRole('button', { name: 'Restore a vault' }).click()
      await page.getByLabel('Recovery phrase').fill(WORDS.replace('orbit', 'obey'))
      await page.getByLabel('Backup peer address').fill(PEER_ADDRESS)
      await page.getByLabel('New passphrase', { exact: true }).fill(NEW_PASS)
      await page.getByLabel('Confirm passphrase').fill(NEW_PASS)
      await page.getByRole('button', { name: 'Restore vault' }).click()
      await page.getByRole('alert').waitFor()
      await shot(page, `${tag}-31-restore-not-paired`)
      await page.getByLabel('Recovery phrase').fill(`  ${WORDS.toUpperCase()}\n`)
      await page.getByRole('button', { name: 'Restore vault' }).click()
      await expectText(page, 'Restoring from your backup peer…', 'restore')
      await shot(page, `${tag}-32-restoring`)
      await page.getByRole('button', { name: 'Add files' }).waitFor()
      await expectText(page, 'Backup peer', 'restored files')
      await shot(page, `${tag}-33-restored-files`)
      await context.close()
    }
    // Backup page: two paired peers, verify, failures, remove, pair a new one
    {
      const { page, context } = await open('files', { ...v, dark, query: '&backup=sample' })
      await page.getByRole('row').nth(3).waitFor()
      await shot(page, `${tag}-34-files-badges`)
      await page.getByRole('navigation').getByRole('link', { name: 'Backup' }).click()
      await expectText(page, 'All files replicated', 'backup sample')
      await page.getByText(/items? failed/).click()
      await page.getByRole('button', { name: 'Verify now' }).first().click()
      await expectText(page, /Checked 32 blocks: all good/, 'verify')
      await page.getByRole('button', { name: 'Verify now' }).nth(1).click()
      await page.getByRole('alert').first().waitFor()
      await shot(page, `${tag}-35-backup`)
      await page.getByRole('button', { name: 'Remove' }).first().click()
      await shot(page, `${tag}-36-remove-dialog`)
      await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click()
      await page.getByRole('dialog').waitFor({ state: 'detached' })
      await page.getByLabel('Backup peer address').fill(PEER_ADDRESS)
      await page.getByLabel('Pairing code').fill('WRONG-CODE')
      await page.getByRole('button', { name: 'Add backup peer' }).click()
      await expectText(page, /refused to pair/, 'pairing refused')
      await shot(page, `${tag}-37-pairing-refused`)
      await page.getByLabel('Pairing code').fill(PAIRING_CODE)
      await page.getByRole('button', { name: 'Add backup peer' }).click()
      await expectText(page, /^Paired with /, 'paired')
      await page.waitForTimeout(1000)
      await shot(page, `${tag}-38-replicating`)
      await page.getByText('All files replicated').first().waitFor({ timeout: 20_000 }).catch(() => { problems.push('never all replicated') })
      await page.getByRole('navigation').getByRole('link', { name: 'Files' }).click()
      await page.getByRole('row').nth(3).waitFor()
      await shot(page, `${tag}-39-files-all-on-backup`)
      await context.close()
    }
    // Peers page and Settings → Relays
    {
      const { page, context } = await open('files', { ...v, dark })
      await page.getByRole('navigation').getByRole('link', { name: 'Peers' }).click()
      await page.getByRole('button', { name: 'Ping' }).first().waitFor()
      await page.getByRole('row').filter({ hasText: 'relayed' }).getByRole('button', { name: 'Ping' }).click()
      await page.getByRole('button', { name: 'Check relay' }).first().click()
      await expectText(page, 'cairn-relay', 'relay check')
      await page.getByLabel('Relay status URL').fill('http://127.0.0.1:9999')
      await page.getByRole('button', { name: 'Check relay' }).last().click()
      await page.getByRole('alert').first().waitFor()
      await page.getByLabel('Peer address').fill('not an address')
      await page.getByRole('button', { name: 'Connect', exact: true }).click()
      await page.waitForTimeout(300)
      await shot(page, `${tag}-40-peers`)
      await page.getByLabel('Peer address').fill('/ip4/127.0.0.1/tcp/4301/ws/p2p/12D3KooWFakeNewPeerIdForTheReviewOnlyAaBbCcDdEeFf')
      await page.getByRole('button', { name: 'Connect', exact: true }).click()
      await expectText(page, /^Connected to /, 'connect')
      await page.getByRole('row').filter({ hasText: 'relayed' }).getByRole('button', { name: 'Disconnect' }).click()
      await page.getByRole('row').filter({ hasText: 'relayed' }).waitFor({ state: 'detached' })
      await shot(page, `${tag}-41-peers-connected`)
      await page.getByRole('navigation').getByRole('link', { name: 'Settings' }).click()
      await page.getByLabel('Relay addresses').fill('/ip4/127.0.0.1/tcp/4101/ws\nrelay.example.org:4101')
      await page.getByRole('button', { name: 'Save relays' }).click()
      await page.getByRole('alert').waitFor()
      await page.getByRole('heading', { name: 'Relays' }).scrollIntoViewIfNeeded()
      await shot(page, `${tag}-42-settings-relays-bad`)
      await page.getByLabel('Relay addresses').fill('/ip4/127.0.0.1/tcp/4101/ws\n/ip4/192.168.1.20/tcp/4101/ws')
      await page.getByRole('button', { name: 'Save relays' }).click()
      await expectText(page, /^Saved\. Cairn connects/, 'save relays')
      await context.close()
    }
    // No relay, no connections
    {
      const { page, context } = await open('files', { ...v, dark, query: '&network=none' })
      await page.getByRole('navigation').getByRole('link', { name: 'Peers' }).click()
      await expectText(page, 'Not connected to any peer right now.', 'empty peers')
      await page.getByRole('navigation').getByRole('link', { name: 'Backup' }).click()
      await expectText(page, 'No backup peer yet', 'empty backup')
      await shot(page, `${tag}-43-backup-empty`)
      await context.close()
    }
  }
}

await review.close()
