import {
  CairnError, PairingCodeLimitError, PairingCodeMistypedError, PairingCancelledError, PairingCodeUnknownError, PairingDeclinedError, PairingMessageTamperedError,
  PairingOfferExpiredError, PairingOfferInvalidError, PairingOfferLockedError, PairingOfferUsedError,
  PairingLookupLimitError, PairingOfferVersionError, PairingSecretWrongError, type ErrorCode
} from '../../errors.ts'

const CLASSES: Partial<Record<ErrorCode, new (message?: string) => CairnError>> = {
  PAIRING_OFFER_INVALID: PairingOfferInvalidError,
  PAIRING_OFFER_VERSION: PairingOfferVersionError,
  PAIRING_CODE_MISTYPED: PairingCodeMistypedError,
  PAIRING_CODE_UNKNOWN: PairingCodeUnknownError,
  PAIRING_OFFER_EXPIRED: PairingOfferExpiredError,
  PAIRING_OFFER_USED: PairingOfferUsedError,
  PAIRING_OFFER_LOCKED: PairingOfferLockedError,
  PAIRING_SECRET_WRONG: PairingSecretWrongError,
  PAIRING_MESSAGE_TAMPERED: PairingMessageTamperedError,
  PAIRING_DECLINED: PairingDeclinedError,
  PAIRING_CANCELLED: PairingCancelledError,
  PAIRING_CODE_LIMIT: PairingCodeLimitError,
  PAIRING_LOOKUP_LIMIT: PairingLookupLimitError
}

/** The error of `code` as its own class (a refusal read off the wire becomes the same class the other side threw). */
export function pairingError (code: ErrorCode, message?: string): CairnError {
  const Class = CLASSES[code]
  return Class !== undefined ? new Class(message) : new CairnError(code, message ?? 'the other device refused')
}
