import { isMultiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { AddressInvalidError, CairnError, FormatInvalidError, PeerUnreachableError } from '../../errors.ts'
import { checkAnswer } from './answer-shapes.ts'
import { fromErrorResponse } from './backup-errors.ts'
import { BACKUP_PROTOCOL, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_RESPONSE_BYTES } from './constants.ts'
import { signRequest, type RequestFields } from './request-signing.ts'
import { signRekeyRequest, type RekeyFields } from './rekey-signing.ts'
import type { SignedRevocationList } from './revocation.ts'
import { jsonSize, jsonStream, readJson, writeJson } from './wire.ts'
import type { VaultSigner } from '../../crypto/vault-signing.ts'
import type { BackupRequest, ErrorResponse, ManifestBody, RequestKind, ResultByKind, VaultBackupStatus, VerifyReport, WireHead } from './messages.ts'
import type { Libp2p, PeerId, Stream } from '@libp2p/interface'

export interface BackupClientComponents {
  libp2p: Libp2p
}

export interface BackupClientInit {
  /** The vault signing key (`vaultSigner(vk)`); it signs every request. */
  signer: VaultSigner
  /** Per-request time limit in ms (default 30 s; verify gets four times that). */
  timeoutMs?: number
  /** Largest request sent (default 1 MiB, the peer's default limit). */
  maxMessageBytes?: number
  maxResponseBytes?: number
}

/** A backup peer: its PeerId (when connected or known) or an address ending in `/p2p/<id>`. */
export type BackupPeer = PeerId | Multiaddr

/** CIDs per `holds` request, so each stays far below the peer's size limit. */
const HOLDS_BATCH = 5000

/**
 * The device side of `/cairn/backup/1`. Each call opens one stream, sends
 * one signed request and reads one answer. Failures are CairnErrors:
 * PEER_UNREACHABLE when the peer cannot be dialled or does not speak the
 * protocol, otherwise the peer's own code (PAIRING_REFUSED, NOT_PAIRED,
 * BAD_SIGNATURE, QUOTA_EXCEEDED, MANIFEST_GAP as ManifestGapError, …).
 */
export class BackupClient {
  private readonly libp2p: Libp2p
  private readonly signer: VaultSigner
  private readonly timeoutMs: number
  private readonly maxMessageBytes: number
  private readonly maxResponseBytes: number

  constructor (components: BackupClientComponents, init: BackupClientInit) {
    this.libp2p = components.libp2p
    this.signer = init.signer
    this.timeoutMs = init.timeoutMs ?? 30_000
    this.maxMessageBytes = init.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES
    this.maxResponseBytes = init.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES
  }

  /** Pairs the vault with the peer using the one-time code it printed. A vault paired before needs no valid code. */
  async pair (peer: BackupPeer, code: string): Promise<{ alreadyPaired: boolean }> {
    const { alreadyPaired } = await this.request(peer, 'pair', { code })
    return { alreadyPaired }
  }

  /** Sends one manifest; `applied` is false when the peer had applied this seq before. Throws ManifestGapError. */
  async sendManifest (peer: BackupPeer, manifest: ManifestBody): Promise<{ seq: number, applied: boolean }> {
    const fields: Record<string, unknown> = { device: manifest.device, seq: manifest.seq, pin: manifest.pin, unpin: manifest.unpin }
    if (manifest.heads !== undefined) fields.heads = manifest.heads
    if (manifest.sizes !== undefined) fields.sizes = manifest.sizes
    if (manifest.drop !== undefined) fields.drop = manifest.drop
    if (manifest.expires !== undefined) fields.expires = manifest.expires
    if (manifest.shares !== undefined) fields.shares = manifest.shares
    const { seq, applied } = await this.request(peer, 'manifest', fields as RequestFields<BackupRequest & { kind: 'manifest' }>)
    return { seq, applied }
  }

  /** What the peer holds for this vault. */
  async status (peer: BackupPeer): Promise<VaultBackupStatus> {
    const { ok, ...status } = await this.request(peer, 'status', {})
    void ok
    return status
  }

  /** Which of `cids` the peer holds completely (as pinned roots of this vault). */
  async holds (peer: BackupPeer, cids: string[]): Promise<Set<string>> {
    const held = new Set<string>()
    for (let i = 0; i < cids.length; i += HOLDS_BATCH) {
      const answer = await this.request(peer, 'holds', { cids: cids.slice(i, i + HOLDS_BATCH) })
      for (const cid of answer.held) held.add(cid)
    }
    return held
  }

  /** The newest index head of each device, as the vault's manifests told the peer (for restore). */
  async heads (peer: BackupPeer): Promise<Record<string, WireHead>> {
    return (await this.request(peer, 'heads', {})).heads
  }

  /** Stores the vault's sealed peer list on the peer (when given) and returns what it keeps (null: none). */
  async peerList (peer: BackupPeer, sealed?: string): Promise<string | null> {
    return (await this.request(peer, 'peers', sealed !== undefined ? { sealed } : {})).sealed
  }

  /** Asks the peer to re-read and re-hash up to `sample` random blocks it holds for the vault. */
  async verify (peer: BackupPeer, sample: number): Promise<VerifyReport> {
    const { checked, passed, bad, roots, repaired } = await this.request(peer, 'verify', { sample }, this.timeoutMs * 4)
    // An older peer sends neither: nothing was repaired, no root is known.
    return { checked, passed, bad, ...(isStringRecord(roots) ? { roots } : {}), ...(Array.isArray(repaired) ? { repaired: repaired.filter(r => typeof r === 'string') } : {}) }
  }

  /** Sends the vault's newest revocation list; `applied` is false when the peer holds that seq or a later one. */
  async revoke (peer: BackupPeer, list: SignedRevocationList): Promise<{ seq: number, applied: boolean }> {
    const { seq, applied } = await this.request(peer, 'revoke', { list })
    return { seq, applied }
  }

  /**
   * Moves the vault's pairing at the peer to `newSigner`'s key (remove and
   * rotate), signed by this client's key and the new one; `moved` is false
   * when the peer had moved it already.
   */
  async rekey (peer: BackupPeer, newSigner: VaultSigner, fields: RekeyFields): Promise<{ moved: boolean }> {
    const request = signRekeyRequest(this.signer, newSigner, peerIdOf(peer), fields)
    const { moved } = await this.exchange(peer, request, this.timeoutMs)
    return { moved }
  }

  /** After the vault moved to a new key: the new key sealed to this device (null: none), and the new vault id. */
  async handover (peer: BackupPeer): Promise<{ sealed: string | null, vault: string }> {
    const { sealed, vault } = await this.request(peer, 'handover', {})
    return { sealed: typeof sealed === 'string' ? sealed : null, vault }
  }

  private async request<K extends RequestKind> (peer: BackupPeer, kind: K, fields: RequestFields<BackupRequest & { kind: K }>, timeoutMs = this.timeoutMs): Promise<{ ok: true } & ResultByKind[K]> {
    const request = signRequest(this.signer, peerIdOf(peer), kind, fields as RequestFields<BackupRequest>)
    return await this.exchange<K>(peer, request as BackupRequest & { kind: K }, timeoutMs)
  }

  private async exchange<K extends RequestKind> (peer: BackupPeer, request: BackupRequest & { kind: K }, timeoutMs: number): Promise<{ ok: true } & ResultByKind[K]> {
    const peerId = request.peer
    const kind = request.kind
    if (jsonSize(request) > this.maxMessageBytes) throw new CairnError('REQUEST_TOO_LARGE', `the ${kind} request is larger than the peer accepts`)
    const signal = AbortSignal.timeout(timeoutMs)
    const stream = await this.openStream(peer, peerId, signal)
    const lp = jsonStream(stream, this.maxResponseBytes)
    try {
      // Read while writing: a peer that refuses a request (too large) answers
      // before it has read all of it.
      const reply = readJson(lp, signal)
      reply.catch(() => {})
      let writeError: unknown
      await writeJson(lp, request, signal).catch((err: unknown) => { writeError = err })
      let answer: unknown
      try {
        answer = await reply
      } catch (err) {
        throw unreachable(peerId, writeError ?? err)
      }
      if (typeof answer !== 'object' || answer === null || typeof (answer as { ok?: unknown }).ok !== 'boolean') {
        throw new FormatInvalidError('the backup peer sent a malformed answer')
      }
      if ((answer as { ok: boolean }).ok) {
        checkAnswer(kind, answer as Record<string, unknown>)
        return answer as { ok: true } & ResultByKind[K]
      }
      throw fromErrorResponse(answer as ErrorResponse)
    } finally {
      await stream.close({ signal }).catch(() => { stream.abort(new Error('closing failed')) })
    }
  }

  /**
   * Opens a protocol stream. When the peer restarted, libp2p may still hold
   * the old connection (a dead socket is not noticed at once) and reuse it;
   * so after a failure that is not a timeout, drop the connections to that
   * peer and try once more on a freshly dialled one.
   */
  private async openStream (peer: BackupPeer, peerId: string, signal: AbortSignal): Promise<Stream> {
    try {
      return await this.libp2p.dialProtocol(peer, BACKUP_PROTOCOL, { signal, runOnLimitedConnection: true })
    } catch (err) {
      if (signal.aborted) throw unreachable(peerId, err, 'could not open a backup stream to')
      for (const connection of this.libp2p.getConnections()) {
        if (connection.remotePeer.toString() === peerId) connection.abort(new Error('a backup stream could not be opened on this connection'))
      }
    }
    try {
      const connection = await this.libp2p.dial(peer, { signal, force: true })
      return await connection.newStream(BACKUP_PROTOCOL, { signal, runOnLimitedConnection: true })
    } catch (err) {
      throw unreachable(peerId, err, 'could not open a backup stream to')
    }
  }
}

function unreachable (peerId: string, err: unknown, what = 'no answer from the backup peer'): CairnError {
  if (err instanceof CairnError) return err
  return new PeerUnreachableError(`${what} ${peerId}: ${(err as Error).message}`, { cause: err })
}

/** The PeerId string a request is signed for. */
export function peerIdOf (peer: BackupPeer): string {
  if (isMultiaddr(peer)) {
    const id = peer.getComponents().findLast(c => c.name === 'p2p')?.value
    if (id === undefined) throw new AddressInvalidError('a backup peer address must end in /p2p/<peer id>')
    return id
  }
  return peer.toString()
}

function isStringRecord (value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every(v => typeof v === 'string')
}
