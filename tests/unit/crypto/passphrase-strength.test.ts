import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { MemoryDatastore } from 'datastore-core'
import { checkPassphrase } from '../../../core/crypto/passphrase-strength.ts'
import { randomWords } from '../../../core/crypto/passphrase-example.ts'
import { KeyVault } from '../../../core/vault/key-vault.ts'
import { assertCode } from './stream-helpers.ts'

/** Passphrases people pick that crackers try early; the old character-counting check let the first four through. */
const WEAK = ['monkeydragon12', 'Sunflower1', 'correcthorse', 'iloveyoujohn',
  'password123', 'P@ssw0rd!!', 'Summer2024!', 'qwertyuiop', '1qaz2wsx3edc', 'aaaaaaaaaaaa', 'hunter2hunter2',
  '19840123456', 'ilovemydog', 'river stone', 'cairn vault 1']

const STRONG = ['correct horse battery staple 42', 'river stone copper window', 'purple monkey dishwasher lamp',
  'the otter sleeps under seven bridges', 'Grüne Äpfel fallen leise', 'lettuce tomato onion pickle', 'Kx9#mQ2!vLp7',
  'a long walk along the quiet river']

describe('passphrase strength (zxcvbn-ts)', () => {
  for (const passphrase of WEAK) {
    it(`refuses ${JSON.stringify(passphrase)}, says why and what would help, and offers a passing example`, async () => {
      const check = await checkPassphrase(passphrase)
      assert.equal(check.acceptable, false)
      assert.ok(check.score <= 2, `score ${check.score}`)
      assert.ok(check.reasons.length > 0 && check.reasons.every(r => r.length > 0), JSON.stringify(check.reasons))
      assert.ok(check.suggestions.length > 0, 'says what would pass')
      assert.equal(new Set(check.suggestions).size, check.suggestions.length, 'no suggestion twice')
      assert.ok(check.example !== undefined)
      assert.equal((await checkPassphrase(check.example)).acceptable, true, `the example ${check.example} passes`)
    })
  }

  for (const passphrase of STRONG) {
    it(`accepts ${JSON.stringify(passphrase)}`, async () => {
      const check = await checkPassphrase(passphrase)
      assert.equal(check.acceptable, true, JSON.stringify(check))
      assert.ok(check.score >= 3)
      assert.deepEqual(check.reasons, [])
      assert.deepEqual(check.suggestions, [])
      assert.equal(check.example, undefined)
    })
  }

  it('names the pattern it found', async () => {
    assert.match((await checkPassphrase('password123')).reasons.join(' '), /common/i)
    assert.match((await checkPassphrase('hunter2hunter2')).reasons.join(' '), /repeat/i)
    assert.match((await checkPassphrase('river stone')).reasons.join(' '), /too easy to guess/i)
  })

  it('refuses an empty passphrase', async () => {
    const check = await checkPassphrase('   ')
    assert.equal(check.acceptable, false)
    assert.deepEqual(check.reasons, ['It is empty.'])
  })

  it('scores grow with length', async () => {
    assert.ok((await checkPassphrase('river stone')).score < (await checkPassphrase('river stone copper window')).score)
    assert.equal((await checkPassphrase('river stone copper window lantern')).score, 4)
  })

  it('makes a fresh example each time, from the CSPRNG, with no bias from the word list', async () => {
    const examples = new Set(await Promise.all(Array.from({ length: 20 }, async () => (await checkPassphrase('Sunflower1')).example)))
    assert.equal(examples.size, 20)
    for (const example of examples) assert.match(example ?? '', /^[a-z]+( [a-z]+){4}$/)
    // Masking 16 random bits picks each of the 2048 words equally: the top and bottom values map to the ends of the list.
    assert.deepEqual(randomWords(3, (b) => b.fill(0)), ['abandon', 'abandon', 'abandon'])
    assert.deepEqual(randomWords(2, (b) => { b.set([0xffff, 2047]); return b }), ['zoo', 'zoo'])
  })
})

describe('the node refuses a weak passphrase itself, whatever the page shows', () => {
  for (const passphrase of ['monkeydragon12', 'Sunflower1', 'correcthorse', 'iloveyoujohn']) {
    it(`vault create with ${JSON.stringify(passphrase)}: WEAK_PASSPHRASE, nothing stored`, async () => {
      const datastore = new MemoryDatastore()
      const keys = new KeyVault(datastore)
      await assert.rejects(keys.create(passphrase), (err: unknown) => { assertCode(err, 'WEAK_PASSPHRASE'); return true })
      assert.equal(keys.exists, false)
      assert.equal(await new KeyVault(datastore).load(), false)
    })
  }
})
