import assert from 'node:assert/strict'
import { test } from 'node:test'
import { CairnError, ERROR_CODES } from '../../../core/errors.ts'
import { errorCodeOf, errorMessage, messageForCode } from '../../../web/error-messages.ts'

test('every error code has its own words, none of them the raw code', () => {
  for (const code of ERROR_CODES) {
    const words = messageForCode(code)
    assert.ok(words.length > 10, code)
    assert.ok(!words.includes(code), `${code} shows the code`)
  }
})

test('the unlock and recovery messages say what went wrong in the terms the user used', () => {
  assert.match(errorMessage(new CairnError('WRONG_PASSPHRASE', 'x')), /passphrase doesn't open this vault/)
  assert.match(errorMessage(new CairnError('BAD_RECOVERY_PHRASE', 'x')), /recovery phrase/)
  assert.match(errorMessage(new CairnError('WRONG_RECOVERY_PHRASE', 'x')), /recovery phrase/)
  assert.match(errorMessage(new CairnError('QUOTA_EXCEEDED', 'x')), /full/)
})

test('anything else becomes the INTERNAL words, never its message or stack', () => {
  const err = new Error('secret detail at foo.ts:12')
  assert.equal(errorCodeOf(err), 'INTERNAL')
  assert.equal(errorMessage(err), messageForCode('INTERNAL'))
  assert.ok(!errorMessage(err).includes('foo.ts'))
  // A plain {code} object (as rebuilt after postMessage) is understood too.
  assert.equal(errorCodeOf({ code: 'VAULT_LOCKED' }), 'VAULT_LOCKED')
  assert.equal(errorCodeOf({ code: 'NOT_A_CODE' }), 'INTERNAL')
})

test('a setting Cairn cannot use is named: CONFIG_INVALID carries its own words (which file or value, and what to do)', () => {
  const damaged = new CairnError('CONFIG_INVALID', '/home/ann/.local/share/cairn/desktop.json is damaged (not JSON). Repair it, or move it away')
  const words = errorMessage(damaged)
  assert.match(words, /^A setting has a value Cairn cannot use\. /)
  assert.match(words, /desktop\.json is damaged \(not JSON\)\. Repair it, or move it away\.$/)
  // Rebuilt after postMessage, or with no words of its own: the general words alone.
  assert.equal(errorMessage({ code: 'CONFIG_INVALID' }), messageForCode('CONFIG_INVALID'))
  assert.equal(errorMessage(new CairnError('CONFIG_INVALID', '  ')), messageForCode('CONFIG_INVALID'))
})
