import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { countWords, phraseCountWords } from '../../../web/models/phrase-word-count.ts'

describe('recovery phrase word count', () => {
  it('counts words however they are spaced, split or padded', () => {
    assert.equal(countWords(''), 0)
    assert.equal(countWords('   \n\t '), 0)
    assert.equal(countWords('orbit'), 1)
    assert.equal(countWords('  Orbit   canal\nmaple\t\tstone '), 4)
  })

  it('says how many words are still missing before Submit', () => {
    assert.equal(phraseCountWords(''), '24 words, in order, separated by spaces or new lines.')
    assert.equal(phraseCountWords('a'), '1 of 24 words — 23 words still missing.')
    assert.equal(phraseCountWords(Array(23).fill('w').join(' ')), '23 of 24 words — 1 word still missing.')
    assert.equal(phraseCountWords(Array(24).fill('w').join('\n')), 'All 24 words are there.')
    assert.equal(phraseCountWords(Array(26).fill('w').join(' ')), '26 words — 2 too many; a recovery phrase has 24.')
  })
})
