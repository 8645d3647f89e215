import { Key, type Datastore } from 'interface-datastore'
import { CairnError } from '../errors.ts'
import { base64ToBytes } from '../crypto/base64.ts'
import { checkPassphrase } from '../crypto/passphrase-strength.ts'
import { phraseToVaultKey, vaultKeyToPhrase } from '../crypto/recovery-phrase.ts'
import { equalBytes } from '@noble/ciphers/utils.js'
import { createVaultKeyRecord, generateVaultKey, keyCheckValue, unwrapVaultKey, type VaultKeyRecord } from '../crypto/vault-key.ts'

const RECORD_KEY = new Key('/cairn/vault/key')

/**
 * Keeps the wrapped vault key (DESIGN §3): only the record produced by
 * Argon2id + XChaCha20-Poly1305 is stored; the vault key itself exists only
 * in memory while unlocked, owned by the caller.
 */
export class KeyVault {
  private record: VaultKeyRecord | undefined

  constructor (private readonly datastore: Datastore) {}

  async load (): Promise<boolean> {
    if (!(await this.datastore.has(RECORD_KEY))) return false
    this.record = JSON.parse(new TextDecoder().decode(await this.datastore.get(RECORD_KEY))) as VaultKeyRecord
    return true
  }

  get exists (): boolean {
    return this.record !== undefined
  }

  /** Makes a new vault key wrapped under `passphrase`; returns it with its recovery phrase. */
  async create (passphrase: string): Promise<{ vaultKey: Uint8Array, recoveryPhrase: string }> {
    if (this.record !== undefined) throw new CairnError('VAULT_EXISTS', 'This browser already holds a vault')
    await requireStrong(passphrase)
    const vaultKey = generateVaultKey()
    await this.save(await createVaultKeyRecord(vaultKey, passphrase))
    return { vaultKey, recoveryPhrase: vaultKeyToPhrase(vaultKey) }
  }

  /** A restored vault: keeps a vault key that came from a recovery phrase, under a new passphrase. */
  async adopt (vaultKey: Uint8Array, passphrase: string): Promise<void> {
    if (this.record !== undefined) throw new CairnError('VAULT_EXISTS', 'This browser already holds a vault')
    await requireStrong(passphrase)
    await this.save(await createVaultKeyRecord(vaultKey, passphrase))
  }

  /** Returns the vault key, or throws WRONG_PASSPHRASE and changes nothing. */
  async unlock (passphrase: string): Promise<Uint8Array> {
    return await unwrapVaultKey(this.requireRecord(), passphrase)
  }

  /** "Forgot passphrase": the recovery phrase opens the vault and a new passphrase replaces the old. */
  async recover (recoveryPhrase: string, newPassphrase: string): Promise<Uint8Array> {
    const record = this.requireRecord()
    await requireStrong(newPassphrase)
    const vaultKey = phraseToVaultKey(recoveryPhrase, base64ToBytes(record.keyCheck))
    await this.save(await createVaultKeyRecord(vaultKey, newPassphrase))
    return vaultKey
  }

  /** Rewraps the same vault key under a new passphrase; the old one stops working at once. */
  async changePassphrase (currentPassphrase: string, newPassphrase: string): Promise<void> {
    const vaultKey = await this.unlock(currentPassphrase)
    try {
      await requireStrong(newPassphrase)
      await this.save(await createVaultKeyRecord(vaultKey, newPassphrase))
    } finally {
      vaultKey.fill(0)
    }
  }

  /**
   * Remove and rotate keys: stores `newKey` wrapped under `passphrase` in
   * place of `currentKey` (which must be the stored one: its key-check value
   * matches). The recovery phrase changes with it.
   */
  async replaceKey (currentKey: Uint8Array, newKey: Uint8Array, passphrase: string): Promise<void> {
    const record = this.requireRecord()
    if (!equalBytes(keyCheckValue(currentKey), base64ToBytes(record.keyCheck))) throw new CairnError('KEY_UNWRAP_FAILED', 'the key to replace is not this vault\'s key')
    await this.save(await createVaultKeyRecord(newKey, passphrase))
  }

  async revealRecoveryPhrase (passphrase: string): Promise<string> {
    const vaultKey = await this.unlock(passphrase)
    try {
      return vaultKeyToPhrase(vaultKey)
    } finally {
      vaultKey.fill(0)
    }
  }

  private requireRecord (): VaultKeyRecord {
    if (this.record === undefined) throw new CairnError('VAULT_NOT_FOUND', 'There is no vault in this browser yet')
    return this.record
  }

  private async save (record: VaultKeyRecord): Promise<void> {
    await this.datastore.put(RECORD_KEY, new TextEncoder().encode(JSON.stringify(record)))
    this.record = record
  }
}

/** The node's own check: a page that skipped its meter still cannot set a weak passphrase. */
export async function requireStrong (passphrase: string): Promise<void> {
  const check = await checkPassphrase(passphrase)
  if (!check.acceptable) throw new CairnError('WEAK_PASSPHRASE', `That passphrase is too weak: ${check.reasons.join('; ')}`)
}
