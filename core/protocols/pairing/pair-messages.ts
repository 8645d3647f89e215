import { fromBase64Url, toBase64Url } from '../../crypto/base64.ts'
import { CairnError, isErrorCode, toErrorPayload, type ErrorPayload } from '../../errors.ts'
import { jsonStream, readJson, writeJson } from '../backup/wire.ts'
import { pairingError } from './pairing-errors.ts'
import * as C from './constants.ts'
import type { Stream } from '@libp2p/interface'

/**
 * Messages of `/cairn/pair/1`, varint-length-prefixed UTF-8 JSON (the backup
 * protocol's framing, capped at MAX_PAIR_MESSAGE_BYTES). Bytes are base64url.
 *
 *     B → A  hello   {v: 1, offer, name, key, mac}     key: B's ephemeral X25519, mac: hello MAC
 *     A → B  reply   {ok: true, key, mac}              key: A's ephemeral X25519, mac: reply MAC
 *     A → B  gift    {ok: true, sealed}                after A's user confirmed
 *     B → A  done    {ok: true, mac}                   key confirmation
 *
 * Any step may instead be a refusal `{ok: false, error: {code, message}}`,
 * after which the sender closes the stream.
 */
export interface PairChannel {
  read: (signal?: AbortSignal) => Promise<unknown>
  write: (value: unknown, signal?: AbortSignal) => Promise<void>
}

/** A channel over a libp2p stream. */
export function streamChannel (stream: Stream, maxBytes = C.MAX_PAIR_MESSAGE_BYTES): PairChannel {
  const lp = jsonStream(stream, maxBytes)
  return {
    read: async (signal) => await readJson(lp, signal),
    write: async (value, signal) => { await writeJson(lp, value, signal) }
  }
}

export interface Hello { offerId: Uint8Array, name: string, key: Uint8Array, mac: Uint8Array }
export interface Refusal { ok: false, error: ErrorPayload }

export function helloMessage (hello: Hello): unknown {
  return { v: C.PAIR_WIRE_VERSION, offer: toBase64Url(hello.offerId), name: hello.name, key: toBase64Url(hello.key), mac: toBase64Url(hello.mac) }
}

/** A's reading of B's hello; a malformed one is FORMAT_INVALID, another version PAIRING_OFFER_VERSION. */
export function parseHello (value: unknown): Hello {
  const o = record(value)
  if (o === undefined) throw new CairnError('FORMAT_INVALID', 'the pairing hello is not an object')
  if (o.v !== C.PAIR_WIRE_VERSION) throw pairingError('PAIRING_OFFER_VERSION', `the pairing hello has version ${String(o.v)}`)
  const offerId = bytesField(o.offer, C.OFFER_ID_BYTES)
  const key = bytesField(o.key, 32)
  const mac = bytesField(o.mac, 32)
  const name = o.name
  if (offerId === undefined || key === undefined || mac === undefined || typeof name !== 'string' || name.length > C.MAX_DEVICE_NAME_LENGTH) {
    throw new CairnError('FORMAT_INVALID', 'the pairing hello is malformed')
  }
  return { offerId, name, key, mac }
}

const refusals = new WeakSet<object>()

/** True for an error the other side sent (no need to tell it back). */
export function isRefusal (err: unknown): boolean {
  return typeof err === 'object' && err !== null && refusals.has(err)
}

export function refusal (err: unknown): Refusal {
  const error = toErrorPayload(err)
  // Internal details stay in the local log.
  if (error.code === 'INTERNAL') error.message = 'the other device failed; its log has details'
  return { ok: false, error }
}

/**
 * The fields of an `ok` message from the other side; a refusal is thrown as
 * its error, anything malformed as PAIRING_MESSAGE_TAMPERED (Noise already
 * protects the stream, so a malformed message means a misbehaving peer).
 */
export function parseOk (value: unknown, fields: Record<string, number>): Record<string, Uint8Array> {
  const o = record(value)
  if (o?.ok === false) {
    const error = record(o.error)
    const code = isErrorCode(error?.code) ? error.code : 'INTERNAL'
    const err = pairingError(code, typeof error?.message === 'string' ? error.message : 'the other device refused')
    refusals.add(err)
    throw err
  }
  if (o?.ok !== true) throw pairingError('PAIRING_MESSAGE_TAMPERED', 'a pairing message is malformed')
  const out: Record<string, Uint8Array> = {}
  for (const [name, length] of Object.entries(fields)) {
    const bytes = bytesField(o[name], length)
    if (bytes === undefined) throw pairingError('PAIRING_MESSAGE_TAMPERED', `the pairing message field ${name} is malformed`)
    out[name] = bytes
  }
  return out
}

function record (value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : undefined
}

/** base64url bytes of exactly `length` (0: any length up to the message cap). */
function bytesField (value: unknown, length: number): Uint8Array | undefined {
  if (typeof value !== 'string') return undefined
  const bytes = fromBase64Url(value)
  if (bytes === undefined || (length > 0 && bytes.length !== length)) return undefined
  return bytes
}
