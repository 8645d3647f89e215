import { CID } from 'multiformats/cid'
import { CairnError, FormatInvalidError, type ErrorPayload } from '../../errors.ts'
import { isDeviceId } from '../../index/ops.ts'
import { BACKUP_WIRE_VERSION, MAX_VAULT_DEVICES } from './constants.ts'
import { parseRevocationList, type SignedRevocationList } from './revocation.ts'

/**
 * The wire messages of `/cairn/backup/1`: one length-prefixed UTF-8 JSON
 * request, one length-prefixed JSON response, per stream. Every request is
 * signed by the vault signing key over all its fields but `sig` (see
 * request-signing.ts), and names the peer it is for, so it cannot be
 * replayed to another peer; `ts` and `nonce` stop replays to the same one.
 */
export type RequestKind = 'pair' | 'manifest' | 'status' | 'holds' | 'heads' | 'verify' | 'peers' | 'revoke' | 'rekey' | 'handover'

/** Fields every request carries. */
export interface RequestEnvelope {
  v: typeof BACKUP_WIRE_VERSION
  kind: RequestKind
  /** The vault id: base64url of its signing public key. */
  vault: string
  /** The PeerId (string) of the backup peer the request is for. */
  peer: string
  /** Sender's clock, ms since epoch. */
  ts: number
  /** 16 random bytes, base64url: a peer answers one (vault, nonce) once. */
  nonce: string
  /** base64url Ed25519 signature (see request-signing.ts). */
  sig: string
}

/** The head of one device's index chain, as the wire carries it. */
export interface WireHead {
  cid: string
  seq: number
  /**
   * HMAC of the head under a key of the vault (core/index/head-mac.ts). The
   * peer cannot check it and keeps it as sent; a restoring device checks it.
   * Absent on heads sent before heads were authenticated.
   */
  mac?: string
}

/** What a device asks a peer to hold or let go of; `seq` counts per device, from 1. */
export interface ManifestBody {
  device: string
  seq: number
  /** Roots to hold: UnixFS file roots (whole DAGs) and raw index op blocks. */
  pin: string[]
  /** Roots to let go of after the retention period. */
  unpin: string[]
  /** Index heads the device knows (for restore). */
  heads?: Record<string, WireHead>
  /** Optional sizes (DAG bytes) of the pins, so the peer can refuse an over-quota manifest at once. */
  sizes?: Record<string, number>
  /** Roots to free at once, without retention ("Stop sharing"); none may also be in `pin`. */
  drop?: string[]
  /**
   * For roots in `pin`: ms since epoch after which the peer frees the root by
   * itself, without retention. Pinning a root again without an entry clears it.
   */
  expires?: Record<string, number>
  /**
   * Roots in `pin` that are share copies: the peer serves them to anyone
   * (a share link's recipient), and a vault's other roots only to its own
   * devices (block-access.ts).
   */
  shares?: string[]
}

export interface PairRequest extends RequestEnvelope { kind: 'pair', code: string }
export interface ManifestRequest extends RequestEnvelope, ManifestBody { kind: 'manifest' }
export interface StatusRequest extends RequestEnvelope { kind: 'status' }
export interface HoldsRequest extends RequestEnvelope { kind: 'holds', cids: string[] }
export interface HeadsRequest extends RequestEnvelope { kind: 'heads' }
export interface VerifyRequest extends RequestEnvelope { kind: 'verify', sample: number }
/**
 * The vault's list of backup peers, sealed under a vault subkey (the peer
 * cannot read it): stored when `sealed` is given, answered always, so a
 * restore comes back paired with every peer the vault had.
 */
export interface PeersRequest extends RequestEnvelope { kind: 'peers', sealed?: string }

/** The vault's newest revocation list (revocation.ts): from then on the peer refuses the devices it names. */
export interface RevokeRequest extends RequestEnvelope { kind: 'revoke', list: SignedRevocationList }
/**
 * "Remove and rotate keys": moves the vault's pairing to the new signing key
 * `newVault`. Signed by the old key (the envelope) and by the new one
 * (`newSig`, under `cairn/v1/backup/rekey-new`, over every field but `sig`
 * and `newSig`), so neither key alone can move a vault; `revocation` is the
 * new vault's list (signed by the new key), `handovers` the new key sealed
 * to each remaining device (opaque here), kept for them under the old id.
 */
export interface RekeyRequest extends RequestEnvelope {
  kind: 'rekey'
  newVault: string
  newSig: string
  revocation: SignedRevocationList
  handovers?: Record<string, string>
}
/** A remaining device, still on the old key, asks for the hand-over sealed to it (answered under a rotated vault id only). */
export interface HandoverRequest extends RequestEnvelope { kind: 'handover' }

export type BackupRequest = PairRequest | ManifestRequest | StatusRequest | HoldsRequest | HeadsRequest | VerifyRequest | PeersRequest | RevokeRequest | RekeyRequest | HandoverRequest

export interface FailedItem {
  cid: string
  reason: string
  attempts: number
}

/** What a peer holds for one vault. */
export interface VaultBackupStatus {
  /** Roots held completely. */
  pinned: number
  /** Bytes of blocks held for the vault (including unpinned ones still in their retention period). */
  bytes: number
  quotaBytes: number
  /** Roots still being fetched. */
  pending: number
  /** Roots given up on; the list holds at most the first 100 (see `failedCount`). */
  failed: FailedItem[]
  failedCount: number
  /** Roots unpinned and waiting out the retention period (or dropped or expired, and not yet freed). */
  unpinning: number
  /** Last manifest seq applied, per device. */
  lastSeq: Record<string, number>
  /** How long the peer keeps what the vault unpins or drops (share copies aside) before it frees it, in ms (older peers: absent). */
  retentionMs?: number
  /** True when the peer is append-only: it refuses every deletion and keeps everything (older peers: absent). */
  appendOnly?: boolean
  /** Bytes of roots being fetched that have arrived so far; they count toward the quota (older peers: absent). */
  inFlightBytes?: number
}

export interface VerifyReport {
  checked: number
  passed: number
  bad: string[]
  /** The pinned root each bad block was found under, so the device can name the file (the peer never learns names). */
  roots?: Record<string, string>
  /** Bad blocks the peer dropped and fetched again (from the device that asked, or another connected member). */
  repaired?: string[]
}

/** The result fields of a successful answer, per request kind. */
export interface ResultByKind {
  pair: { alreadyPaired: boolean }
  manifest: { seq: number, applied: boolean }
  status: VaultBackupStatus
  holds: { held: string[] }
  heads: { heads: Record<string, WireHead> }
  verify: VerifyReport
  peers: { sealed: string | null }
  revoke: { seq: number, applied: boolean }
  rekey: { moved: boolean }
  handover: { sealed: string | null, vault: string }
}

export type SuccessResponse<K extends RequestKind> = { ok: true } & ResultByKind[K]

/** A refusal; `expected` comes with MANIFEST_GAP (the seq the peer wants next). */
export interface ErrorResponse {
  ok: false
  error: ErrorPayload
  expected?: number
}

export type BackupResponse<K extends RequestKind = RequestKind> = SuccessResponse<K> | ErrorResponse

const KINDS = new Set<string>(['pair', 'manifest', 'status', 'holds', 'heads', 'verify', 'peers', 'revoke', 'rekey', 'handover'])
const B64URL = /^[A-Za-z0-9_-]+$/

function invalid (message: string): CairnError {
  return new FormatInvalidError(`malformed backup request: ${message}`)
}

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A CID string in its canonical spelling (the one `CID.toString()` gives), so signatures and keys agree. */
export function isCanonicalCid (value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 200) return false
  try {
    return CID.parse(value).toString() === value
  } catch {
    return false
  }
}

function cidList (value: unknown, field: string): string[] {
  if (!Array.isArray(value) || !value.every(isCanonicalCid)) throw invalid(`${field} must be a list of CIDs`)
  return value
}

/** A head MAC is 32 bytes in base64 (43 characters); room for a longer one later. */
const MAX_HEAD_MAC_LENGTH = 128

function heads (value: unknown): Record<string, WireHead> {
  if (!isRecord(value)) throw invalid('heads must be an object')
  // One head per device, and a vault has at most MAX_VAULT_DEVICES devices.
  const count = Object.keys(value).length
  if (count > MAX_VAULT_DEVICES) throw new CairnError('REQUEST_TOO_LARGE', `the manifest's heads name ${count} devices; a vault has at most ${MAX_VAULT_DEVICES}`)
  for (const [device, head] of Object.entries(value)) {
    if (!isDeviceId(device) || !isRecord(head) || !isCanonicalCid(head.cid) || !isSeq(head.seq)) throw invalid('heads entries are {cid, seq, mac?} per device')
    if (head.mac !== undefined && (typeof head.mac !== 'string' || head.mac.length > MAX_HEAD_MAC_LENGTH)) throw invalid('a head mac is a short string')
  }
  return value as Record<string, WireHead>
}

function sizes (value: unknown): Record<string, number> {
  if (!isRecord(value)) throw invalid('sizes must be an object')
  for (const [cid, size] of Object.entries(value)) {
    if (!isCanonicalCid(cid) || !Number.isSafeInteger(size) || (size as number) < 0) throw invalid('sizes map CIDs to byte counts')
  }
  return value as Record<string, number>
}

function expires (value: unknown, pin: string[]): Record<string, number> {
  if (!isRecord(value)) throw invalid('expires must be an object')
  const pinned = new Set(pin)
  for (const [cid, at] of Object.entries(value)) {
    if (!isCanonicalCid(cid) || !isSeq(at)) throw invalid('expires maps CIDs to times in ms')
    if (!pinned.has(cid)) throw invalid('expires may only name roots the manifest pins')
  }
  return value as Record<string, number>
}

function dropList (value: unknown, pin: string[]): string[] {
  const drop = cidList(value, 'drop')
  const pinned = new Set(pin)
  if (drop.some(cid => pinned.has(cid))) throw invalid('a root cannot be pinned and dropped at once')
  return drop
}

function shareList (value: unknown, pin: string[]): string[] {
  const shares = cidList(value, 'shares')
  const pinned = new Set(pin)
  if (!shares.every(cid => pinned.has(cid))) throw invalid('shares may only name roots the manifest pins')
  return shares
}

function isSeq (value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 1
}

/**
 * Checks the shape of a decoded request (not its signature). Anything
 * malformed throws FORMAT_INVALID; unknown fields are refused so everything
 * the peer acts on is covered by the signature check that follows.
 */
export function parseRequest (value: unknown): BackupRequest {
  if (!isRecord(value)) throw invalid('not an object')
  if (typeof value.v !== 'number') throw invalid('v must be the wire version')
  if (value.v !== BACKUP_WIRE_VERSION) throw new CairnError('UNSUPPORTED_VERSION', `backup wire version ${String(value.v)} is not supported`)
  if (typeof value.kind !== 'string' || !KINDS.has(value.kind)) throw invalid('unknown kind')
  if (typeof value.vault !== 'string' || value.vault.length !== 43 || !B64URL.test(value.vault)) throw invalid('vault must be a vault id')
  if (typeof value.peer !== 'string' || value.peer.length > 128) throw invalid('peer must be a peer id')
  if (typeof value.ts !== 'number' || !Number.isSafeInteger(value.ts)) throw invalid('ts must be a time in ms')
  if (typeof value.nonce !== 'string' || value.nonce.length < 16 || value.nonce.length > 64 || !B64URL.test(value.nonce)) throw invalid('nonce must be base64url')
  if (typeof value.sig !== 'string' || value.sig.length !== 86 || !B64URL.test(value.sig)) throw invalid('sig must be a base64url signature')
  const allowed = new Set(['v', 'kind', 'vault', 'peer', 'ts', 'nonce', 'sig', ...FIELDS[value.kind as RequestKind]])
  for (const key of Object.keys(value)) if (!allowed.has(key)) throw invalid(`unexpected field ${key}`)
  switch (value.kind as RequestKind) {
    case 'pair':
      if (typeof value.code !== 'string' || value.code.length > 64) throw invalid('code must be a string')
      break
    case 'manifest': {
      if (typeof value.device !== 'string' || !isDeviceId(value.device)) throw invalid('device must be a device id')
      if (!isSeq(value.seq)) throw invalid('seq must be a positive integer')
      const pin = cidList(value.pin, 'pin')
      cidList(value.unpin, 'unpin')
      if (value.heads !== undefined) heads(value.heads)
      if (value.sizes !== undefined) sizes(value.sizes)
      if (value.drop !== undefined) dropList(value.drop, pin)
      if (value.expires !== undefined) expires(value.expires, pin)
      if (value.shares !== undefined) shareList(value.shares, pin)
      break
    }
    case 'holds':
      cidList(value.cids, 'cids')
      break
    case 'verify':
      if (!isSeq(value.sample)) throw invalid('sample must be a positive integer')
      break
    case 'peers':
      if (value.sealed !== undefined && (typeof value.sealed !== 'string' || value.sealed.length > MAX_SEALED_PEERS || !B64URL.test(value.sealed))) throw invalid('sealed must be base64url, at most 16 KiB')
      break
    case 'revoke':
      if (parseRevocationList(value.list).vault !== value.vault) throw invalid('the revocation list is of another vault')
      break
    case 'rekey':
      if (typeof value.newVault !== 'string' || value.newVault.length !== 43 || !B64URL.test(value.newVault) || value.newVault === value.vault) throw invalid('newVault must be another vault id')
      if (typeof value.newSig !== 'string' || value.newSig.length !== 86 || !B64URL.test(value.newSig)) throw invalid('newSig must be a base64url signature')
      if (parseRevocationList(value.revocation).vault !== value.newVault) throw invalid('the revocation list must be the new vault\'s')
      if (value.handovers !== undefined) handoverMap(value.handovers)
      break
    case 'status':
    case 'heads':
    case 'handover':
      break
  }
  return value as unknown as BackupRequest
}

const FIELDS: Record<RequestKind, string[]> = {
  pair: ['code'],
  manifest: ['device', 'seq', 'pin', 'unpin', 'heads', 'sizes', 'drop', 'expires', 'shares'],
  status: [],
  holds: ['cids'],
  heads: [],
  verify: ['sample'],
  peers: ['sealed'],
  revoke: ['list'],
  rekey: ['newVault', 'newSig', 'revocation', 'handovers'],
  handover: []
}

/** Most hand-overs one rekey carries, and the largest one (base64url characters). */
const MAX_HANDOVERS = 1000
const MAX_HANDOVER_CHARS = 512

function handoverMap (value: unknown): void {
  if (!isRecord(value)) throw invalid('handovers must map device ids to sealed keys')
  const entries = Object.entries(value)
  if (entries.length > MAX_HANDOVERS) throw invalid(`at most ${MAX_HANDOVERS} hand-overs`)
  for (const [device, sealed] of entries) {
    if (!isDeviceId(device) || typeof sealed !== 'string' || sealed.length > MAX_HANDOVER_CHARS || !B64URL.test(sealed)) throw invalid('handovers map device ids to base64url sealed keys')
  }
}

/** Largest sealed peer list a peer keeps for a vault (base64url characters). */
const MAX_SEALED_PEERS = 16 * 1024
