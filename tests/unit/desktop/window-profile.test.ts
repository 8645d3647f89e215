import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { prepareWindowProfile } from '../../../desktop/window-profile.ts'

const preferencesOf = (profile: string): Record<string, unknown> => JSON.parse(readFileSync(join(profile, 'Default', 'Preferences'), 'utf8')) as Record<string, unknown>

test('a new window profile starts with the password manager off (no offer to save the passphrase)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-window-profile-'))
  try {
    const profile = join(dir, 'window-profile')
    prepareWindowProfile(profile)
    const prefs = preferencesOf(profile)
    assert.equal(prefs.credentials_enable_service, false)
    assert.equal(prefs.credentials_enable_autosignin, false)
    assert.deepEqual(prefs.profile, { password_manager_enabled: false })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test("a profile Chromium already wrote keeps its preferences; only Cairn's are set", () => {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-window-profile-'))
  try {
    mkdirSync(join(dir, 'Default'), { recursive: true })
    writeFileSync(join(dir, 'Default', 'Preferences'), JSON.stringify({ credentials_enable_service: true, profile: { name: 'Cairn', password_manager_enabled: true }, browser: { window_placement: { top: 10 } } }))
    prepareWindowProfile(dir)
    const prefs = preferencesOf(dir)
    assert.equal(prefs.credentials_enable_service, false)
    assert.deepEqual(prefs.profile, { name: 'Cairn', password_manager_enabled: false })
    assert.deepEqual(prefs.browser, { window_placement: { top: 10 } })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('an unreadable Preferences file is replaced by Cairn\'s', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-window-profile-'))
  try {
    mkdirSync(join(dir, 'Default'), { recursive: true })
    writeFileSync(join(dir, 'Default', 'Preferences'), '{not json')
    prepareWindowProfile(dir)
    assert.equal(preferencesOf(dir).credentials_enable_service, false)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
