import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { checkPassphrase } from '../../../core/crypto/passphrase-strength.ts'

function refused (passphrase: string, reason: RegExp): void {
  const check = checkPassphrase(passphrase)
  assert.equal(check.acceptable, false, `${JSON.stringify(passphrase)} should be refused`)
  assert.ok(check.reasons.some(r => reason.test(r)), `${JSON.stringify(passphrase)}: reasons ${JSON.stringify(check.reasons)} lack ${String(reason)}`)
  assert.ok(check.score <= 1)
}

describe('passphrase strength', () => {
  it('refuses anything shorter than 10 characters', () => {
    for (const p of ['', 'a', 'Kx9#mQ2!v', '🙂🙂🙂']) refused(p, /shorter than 10|empty/)
  })

  it('refuses very common passwords, also with case, digit and symbol dressing', () => {
    for (const p of ['password12', 'Password123!', 'P@ssw0rd!!', 'iloveyou2024', 'Summer2024!', 'letmein12345', 'correct horse battery staple']) {
      refused(p, /common/)
    }
  })

  it('refuses keyboard walks and alphabet runs', () => {
    for (const p of ['qwertyuiop', '1qaz2wsx3edc', 'zxcvbnmasdfg', 'abcdefghijkl', 'poiuytrewq', 'azertyuiop12']) refused(p, /neighbouring/)
  })

  it('refuses repeated characters and repeated patterns', () => {
    for (const p of ['aaaaaaaaaaaa', 'abcabcabcabc', 'hunter2hunter2', '!!!!!!!!!!!!!!']) refused(p, /repeated/)
  })

  it('refuses digits only', () => {
    for (const p of ['19840123456', '20240101999999']) refused(p, /only digits/)
  })

  it('refuses too little estimated entropy', () => {
    for (const p of ['aaaaabbbbbcccc', 'abababababcd']) {
      const check = checkPassphrase(p)
      assert.equal(check.acceptable, false, p)
    }
    refused('aaaaaaaaabbbbbbbbb', /too easy/)
  })

  it('accepts long passphrases of several words', () => {
    for (const p of ['river stone copper window', 'purple monkey dishwasher lamp', 'the otter sleeps under seven bridges',
      'Grüne Äpfel fallen leise', 'lettuce tomato onion pickle']) {
      const check = checkPassphrase(p)
      assert.equal(check.acceptable, true, `${p}: ${JSON.stringify(check.reasons)}`)
      assert.deepEqual(check.reasons, [])
      assert.ok(check.score >= 3, `${p} scored ${check.score}`)
    }
  })

  it('accepts a random-looking password of reasonable length', () => {
    const check = checkPassphrase('Kx9#mQ2!vLp7')
    assert.equal(check.acceptable, true)
    assert.ok(check.score >= 3)
  })

  it('scores grow with length and variety', () => {
    assert.ok(checkPassphrase('river stone').score <= checkPassphrase('river stone copper window').score)
    assert.equal(checkPassphrase('river stone copper window lantern').score, 4)
  })
})
