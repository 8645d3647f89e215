import { CairnError } from '../../errors.ts'
import type { Clock } from '../../clock.ts'
import { ManifestGapError } from './backup-errors.ts'
import { verifySample } from './block-verify.ts'
import { codeKey, encodeRecord, itemKey, vaultKey } from './peer-store.ts'
import { short } from './replicator.ts'
import { verifyRequestSignature } from './request-signing.ts'
import { repairBadBlocks } from './verify-repair.ts'
import type { BackupRequest, BackupResponse, ManifestRequest, PairRequest, PeersRequest } from './messages.ts'
import type { PairingCodeBook } from './pairing-code-book.ts'
import type { NonceCache } from './pairing.ts'
import type { PairingLimiter, PairingSource } from './pairing-limiter.ts'
import type { Replicator } from './replicator.ts'
import type { ManifestPolicy, VaultLedger } from './vault-ledger.ts'
import type { BlockChecker, StreamHost } from './node-parts.ts'
import type { Log } from '../../log.ts'
import type { Datastore } from 'interface-datastore'
import type { CID } from 'multiformats/cid'
import { handleRekey, handleRevoke, handleRotated, noHandover, refuseRevoked } from './revocation-handlers.ts'
import { RotationBook } from './rotation-book.ts'
import type { FetchedBlock } from '../blocks/fetched-block.ts'

export interface RequestHandlerComponents {
  helia: BlockChecker & StreamHost
  datastore: Datastore
  log: Log
  ledger: VaultLedger
  codes: PairingCodeBook
  replicator: Replicator
  failures: PairingLimiter
  nonces: NonceCache
  serial: <T>(fn: () => Promise<T>) => Promise<T>
  /** Vault ids moved to a new key (remove and rotate); none when not given. */
  rotations?: RotationBook
  /** Fetches a missing block from the vault's own devices (DeviceWants); without it a repair asks every connected peer. */
  fetchBlock?: (vault: string, cid: CID, signal: AbortSignal) => Promise<FetchedBlock>
}

export interface RequestHandlerSettings extends ManifestPolicy {
  maxClockSkewMs: number
  maxVerifySample: number
  /** The clock retention, expiries and pairing limits are judged by (request freshness stays on the system clock, the devices' own). */
  now: Clock
  verifyRepairTimeoutMs: number
}

/**
 * Answers one parsed request: checks it is meant for this peer, signed by
 * its vault, fresh and not replayed, and (but for `pair`) from a paired
 * vault; then does what it asks. Refusals are thrown as CairnErrors.
 */
export class RequestHandlers {
  private readonly rotations: RotationBook

  constructor (private readonly components: RequestHandlerComponents, private readonly settings: RequestHandlerSettings) {
    this.rotations = components.rotations ?? new RotationBook()
  }

  async handle (request: BackupRequest, source: PairingSource): Promise<BackupResponse> {
    const { helia, ledger } = this.components
    if (request.peer !== helia.libp2p.peerId.toString()) throw new CairnError('BAD_SIGNATURE', 'the request was signed for another peer')
    if (!verifyRequestSignature(request)) throw new CairnError('BAD_SIGNATURE', 'the signature does not match the vault and the request')
    if (Math.abs(Date.now() - request.ts) > this.settings.maxClockSkewMs) throw new CairnError('REQUEST_EXPIRED', 'the request time is too far from the peer\'s clock')
    // A removed device is refused everything, pairing again included (revocation-handlers.ts).
    refuseRevoked({ ledger, rotations: this.rotations }, request.vault, source.peer)
    if (request.kind === 'pair') return await this.pair(request, source)
    const entry = ledger.get(request.vault)
    if (entry === undefined) {
      const rotated = this.rotations.get(request.vault)
      if (rotated === undefined) throw new CairnError('NOT_PAIRED', 'this vault is not paired with the peer')
      this.acceptNonce(request)
      if (request.kind === 'rekey' && request.newVault === rotated.to) return { ok: true, moved: false }
      return handleRotated(rotated, request.kind, source.peer)
    }
    // Only a paired vault's requests are remembered: a stranger's cannot fill the nonce store.
    this.acceptNonce(request)
    switch (request.kind) {
      case 'manifest':
        return await this.manifest(request)
      case 'status':
        return { ok: true, ...ledger.status(request.vault, this.settings, this.settings.now()) }
      case 'holds':
        return { ok: true, held: request.cids.filter(cid => entry.items.get(cid)?.state === 'pinned') }
      case 'heads':
        return { ok: true, heads: { ...entry.record.heads } }
      case 'peers':
        return await this.peers(request)
      case 'verify': {
        const roots = [...entry.items.values()].filter(item => item.state === 'pinned').map(item => item.cid)
        const report = await verifySample(helia, roots, Math.min(request.sample, this.settings.maxVerifySample))
        const line = `backup: verify for vault ${short(request.vault)}: ${report.passed}/${report.checked} blocks sound`
        if (report.bad.length > 0) this.components.log.warn(`${line}; bad: ${report.bad.join(', ')}`)
        else this.components.log.info(line)
        // Found bad is fetched again at once (core/protocols/backup/verify-repair.ts).
        const repaired = report.bad.length > 0 ? await repairBadBlocks({ ...this.components, now: this.settings.now }, request.vault, report.roots ?? {}, this.settings.verifyRepairTimeoutMs) : []
        return { ok: true, ...report, repaired }
      }
      case 'revoke':
        return await handleRevoke(this.revocationParts(), request)
      case 'rekey':
        return await handleRekey(this.revocationParts(), request)
      case 'handover':
        return noHandover(request)
    }
  }

  private revocationParts (): Parameters<typeof handleRevoke>[0] {
    return { ...this.components, rotations: this.rotations, now: this.settings.now }
  }

  private acceptNonce (request: BackupRequest): void {
    if (!this.components.nonces.accept(request.vault, request.nonce)) throw new CairnError('REQUEST_EXPIRED', 'this request was already answered (a replay)')
  }

  private async pair (request: PairRequest, source: PairingSource): Promise<BackupResponse<'pair'>> {
    const { ledger, codes, failures, log, datastore } = this.components
    const now = this.settings.now
    const remotePeer = source.peer
    return await this.components.serial(async () => {
      // A vault pairs once; its other devices hold the same signing key and need no code.
      if (ledger.get(request.vault) !== undefined) {
        this.acceptNonce(request)
        return { ok: true, alreadyPaired: true }
      }
      if (!failures.allows(source, now())) throw new CairnError('PAIRING_REFUSED', 'too many wrong pairing codes; wait a minute and try again')
      const code = codes.match(request.code)
      if (code === undefined) {
        failures.record(source, now())
        throw new CairnError('PAIRING_REFUSED', 'that pairing code is wrong, expired or already used')
      }
      this.acceptNonce(request)
      const record = ledger.pair(request.vault, now())
      const batch = datastore.batch()
      batch.put(vaultKey(request.vault), encodeRecord(record))
      batch.delete(codeKey(code))
      await batch.commit()
      codes.forget(code)
      log.info(`backup: paired vault ${short(request.vault)} (from ${remotePeer})`)
      return { ok: true, alreadyPaired: false }
    })
  }

  private async peers (request: PeersRequest): Promise<BackupResponse<'peers'>> {
    return await this.components.serial(async () => {
      const entry = this.components.ledger.get(request.vault)
      if (entry === undefined) throw new CairnError('NOT_PAIRED', 'this vault is not paired with the peer')
      if (request.sealed !== undefined && request.sealed !== entry.record.peers) {
        entry.record.peers = request.sealed
        await this.components.datastore.put(vaultKey(request.vault), encodeRecord(entry.record))
      }
      return { ok: true, sealed: entry.record.peers ?? null }
    })
  }

  private async manifest (request: ManifestRequest): Promise<BackupResponse<'manifest'>> {
    const { ledger, datastore, replicator, log } = this.components
    const { answer, dropped } = await this.components.serial(async () => {
      const entry = ledger.get(request.vault)
      if (entry === undefined) throw new CairnError('NOT_PAIRED', 'this vault is not paired with the peer')
      const last = entry.record.lastSeq[request.device] ?? 0
      if (request.seq <= last) return { answer: { ok: true as const, seq: request.seq, applied: false }, dropped: [] }
      if (request.seq !== last + 1) throw new ManifestGapError(last + 1, `manifest ${request.seq} of device ${request.device} arrived but ${last + 1} is next`)
      const now = this.settings.now()
      const change = ledger.applyManifest(request.vault, request, this.settings, now)
      const batch = datastore.batch()
      batch.put(vaultKey(request.vault), encodeRecord(change.record))
      for (const item of change.items) batch.put(itemKey(item.vault, item.cid), encodeRecord(item))
      await batch.commit()
      ledger.hurry(request.vault, now)
      replicator.wake()
      const drops = request.drop !== undefined ? `, ${request.drop.length} drop` : ''
      const expiring = Object.keys(request.expires ?? {}).length
      log.info(`backup: manifest ${request.seq} from device ${request.device} of vault ${short(request.vault)}: ${request.pin.length} pin${expiring > 0 ? ` (${expiring} expiring)` : ''}, ${request.unpin.length} unpin${drops}`)
      return { answer: { ok: true as const, seq: request.seq, applied: true }, dropped: change.dropped }
    })
    // Outside the serial section, which freeing needs: answer once the dropped roots are gone.
    if (dropped.length > 0) await replicator.freeNow(dropped)
    return answer
  }
}
