import { CairnApp } from './support/cairn-app.ts'
import { expect, test } from './support/fixtures.ts'
import { vaultJourney } from './support/journey-steps.ts'
import { PHONE } from './support/phone.ts'

const PASSPHRASE = 'my pocket holds my files'

test('on a phone-sized screen (390 × 844, touch): create, upload three files, reload, unlock, download intact, rename, delete, lock', async ({ phone, files }) => {
  const app = new CairnApp(await phone.context.newPage())
  await vaultJourney(app, files, PASSPHRASE)
  expect(app.page.viewportSize()).toEqual(PHONE.viewport)
  expect(await app.page.evaluate(() => matchMedia('(pointer: coarse)').matches), 'a touch screen').toBe(true)
  // Every page is reachable from the navigation on a phone, and the Files page comes back.
  await app.goTo('Settings')
  await expect(app.page.getByLabel('Auto-lock after (minutes)')).toBeVisible()
  await app.goTo('Files')
  await app.expectListed(['renamed.txt'])
})
