import type { ErrorCode } from '../../core/rpc/errors.ts'
import { errorCodeOf, messageForCode } from '../error-messages.ts'

/** Which side of a pairing the words are for: A shows the offer, B joins with it. */
export type PairingSide = 'offer' | 'join'

/**
 * Words for a pairing that failed, on either side. Most codes read the same
 * on both; a few mean something else to the person holding the offer (A)
 * than to the one joining (B), and PEER_UNREACHABLE here is the other
 * device, not a peer address the user typed.
 */
export function pairingFailureWords (code: ErrorCode, side: PairingSide): string {
  if (side === 'join') {
    if (code === 'PEER_UNREACHABLE') return "Couldn't reach your other device. Keep Cairn open there on “Add a device”, check both devices are online, and try again."
    if (code === 'DEVICE_REVOKED') return 'This device was removed from that vault, so it cannot join it again and nothing was shared.'
    return messageForCode(code)
  }
  switch (code) {
    case 'PEER_UNREACHABLE': return 'The new device stopped answering before pairing finished. Make a new offer and try again.'
    case 'PAIRING_DECLINED': return "You said the numbers don't match, so nothing was shared. Make a new offer when you're ready to try again."
    case 'PAIRING_CANCELLED': return 'The new device cancelled the pairing, so nothing was shared. Make a new offer when it is ready to try again.'
    case 'PAIRING_SECRET_WRONG': return 'A device tried to join with the wrong code, so it was refused and nothing was shared. Make a new offer and try again.'
    case 'DEVICE_REVOKED': return 'That device was removed from this vault, so it was refused and nothing was shared. A removed device cannot join again.'
    case 'PAIRING_MESSAGE_TAMPERED': return 'The pairing messages were changed on the way, so nothing was shared. Make a new offer and try again, on a network you trust.'
    default: return messageForCode(code)
  }
}

/** The same, for anything a pairing call threw. */
export function pairingErrorWords (err: unknown, side: PairingSide): string {
  return pairingFailureWords(errorCodeOf(err), side)
}

/**
 * A safety number as groups to read aloud: the node's own spacing when it
 * has some, else groups of five digits (as Signal shows them).
 */
export function safetyGroups (safetyNumber: string): string[] {
  const spaced = safetyNumber.trim().split(/[\s-]+/).filter(g => g !== '')
  if (spaced.length > 1) return spaced
  const digits = spaced[0] ?? ''
  return digits.match(/.{1,5}/g) ?? []
}

/** The short code as its groups: "4821-0937-5512" → ["4821", "0937", "5512"]. */
export function codeGroups (code: string): string[] {
  return code.split(/[\s-]+/).filter(g => g !== '')
}
