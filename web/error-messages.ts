import { isErrorCode, type ErrorCode } from '../core/rpc/errors.ts'

/**
 * The one place that turns error codes into words (DESIGN §1: the UI maps
 * codes to words). Messages are written for the person using Cairn: what
 * happened and, where there is one, what to do. Never a stack trace.
 */
const MESSAGES: Record<ErrorCode, string> = {
  VAULT_LOCKED: 'The vault is locked. Unlock it and try again.',
  VAULT_EXISTS: 'This browser already has a vault.',
  VAULT_NOT_FOUND: 'There is no vault in this browser yet.',
  WRONG_PASSPHRASE: "That passphrase doesn't open this vault.",
  WEAK_PASSPHRASE: 'That passphrase is too easy to guess. Make it longer or less predictable.',
  BAD_RECOVERY_PHRASE: "That recovery phrase isn't valid. Check each word and its order.",
  WRONG_RECOVERY_PHRASE: "That recovery phrase doesn't belong to this vault.",
  KDF_PARAMS_OUT_OF_BOUNDS: 'The stored vault settings look damaged, so Cairn refused to use them.',
  KEY_UNWRAP_FAILED: "The vault key couldn't be opened. The stored key may be damaged.",
  FORMAT_INVALID: "This file's stored data isn't in a format Cairn understands.",
  UNSUPPORTED_VERSION: 'This file was stored by a newer version of Cairn. Update the app and try again.',
  UNSUPPORTED_ALGORITHM: 'This file uses an encryption method this version of Cairn does not support.',
  HEADER_TAMPERED: "This file's stored data has been changed or damaged.",
  WRONG_KEY: "This file can't be opened with the key Cairn has for it.",
  KEY_COMMITMENT_FAILED: "This file can't be opened with the key Cairn has for it.",
  CHUNK_TAMPERED: "Part of this file's stored data has been changed or damaged.",
  CHUNK_REORDERED: "Part of this file's stored data is out of order or damaged.",
  CHUNK_DUPLICATED: "Part of this file's stored data is duplicated or damaged.",
  STREAM_TRUNCATED: "This file's stored data is incomplete.",
  EXTRA_FINAL_CHUNK: "This file's stored data is damaged.",
  TRAILING_DATA: "This file's stored data is damaged.",
  INDEX_RECORD_TAMPERED: 'Part of the file list has been changed or damaged.',
  INDEX_CHAIN_BROKEN: 'Part of the file list is missing or damaged.',
  FILE_NOT_FOUND: 'That file is no longer in the vault.',
  PATH_INVALID: "That name can't be used. Avoid empty names and names that start or end with '/'.",
  PATH_EXISTS: 'Another file or folder already has that name.',
  BLOCK_NOT_FOUND: "Part of this file isn't on this device.",
  QUOTA_EXCEEDED: 'The browser refused to store more: storage for this site is full.',
  STORAGE_FAILED: "The browser couldn't write to storage. Try again.",
  STORAGE_UNAVAILABLE: "This browser window doesn't let Cairn keep files: it is a private window, or the browser blocks this site's data. Open Cairn in a normal window, or allow this site to store data in the browser's settings.",
  ADDRESS_INVALID: "That isn't a valid peer address (a multiaddr such as /ip4/127.0.0.1/tcp/4101/ws/p2p/…).",
  PEER_UNREACHABLE: 'Could not reach that peer. Check the address and that it is running.',
  PAIRING_REFUSED: 'The backup peer refused to pair. Check the pairing code it printed; each code works only once.',
  NOT_PAIRED: "That backup peer isn't paired with this vault, so it holds nothing for it.",
  BAD_SIGNATURE: "The backup peer couldn't check this vault's signature on a request, so it refused it.",
  REQUEST_EXPIRED: "The backup peer refused a request as too old. Check that this device's clock is right.",
  REQUEST_TOO_LARGE: 'The request was too large for the backup peer to accept.',
  MANIFEST_GAP: 'The backup peer missed some earlier changes; Cairn resends them.',
  SHARE_LINK_DAMAGED: 'This link is damaged. Ask the sender to copy it again, all of it.',
  SHARE_RECORD_TAMPERED: 'The list of your shares has been changed or damaged.',
  SHARE_EXPIRY_INVALID: 'The expiry date must be in the future.',
  SHARE_FOLDER_TOO_LARGE: 'That folder is too large to share as one link (at most 10,000 files). Share the folders inside it instead.',
  SHARE_UNAVAILABLE: 'Nobody is sharing this file right now. The sender may have stopped sharing it, or their devices and backup peer are offline.',
  SHARE_CONTENT_MISMATCH: "This shared file doesn't match what its link announced, so nothing was saved. Ask the sender to share it again.",
  CONFIG_INVALID: 'A setting has a value Cairn cannot use.',
  ABORTED: 'Stopped before it finished.',
  NODE_UNAVAILABLE: 'Cairn lost contact with its background process. Try again.',
  SERVICE_WORKER_MISSING: "The Cairn tab that holds your vault was opened without Cairn's offline service (a forced reload does that). Reload your Cairn tabs, then try again.",
  RPC_UNKNOWN_METHOD: "This version of the app and Cairn's background process don't match. Reload the page.",
  INTERNAL: 'Something went wrong. The Logs page has details.',
  PATH_DOT_NAME: "A file or folder can't be called “.” or “..”: those names mean “this folder” and “the folder above”. Rename it and try again.",
  DELETION_REFUSED: 'This backup peer is append-only: it never deletes what it holds, so deleted files stay on it. Only its operator can free space there.',
  TOO_MANY_ROOTS: 'This backup peer holds as many files for your vault as it allows. Its operator can raise the limit (--max-roots-per-vault).',
  TOO_MANY_DEVICES: 'This backup peer refused a change that names more devices than a vault can have (1,000). What it holds for your vault is unchanged.',
  BLOCK_DAMAGED: "Some of Cairn's stored data on this device is damaged, and no paired backup peer or other device had a good copy to repair it from. Connect your backup peer and try again; Settings → Check stored data says which files are affected.",
  SHARE_NO_RELAY: 'A link with relay addresses only needs a relay, and this device has none. Add a relay on the Peers page, or untick "Relay addresses only".',
  INVALID_ARGUMENT: "Cairn was asked to do something with a value it can't use. This is a bug in Cairn; the Logs page has details.",
  PAIRING_OFFER_INVALID: "This isn't a Cairn code for joining a vault, or it was cut short. On your other device open Devices → Add a device, and copy the link or scan the code again.",
  PAIRING_OFFER_VERSION: 'This code was made by a different version of Cairn. Update Cairn on both devices, then make a new code.',
  PAIRING_CODE_MISTYPED: 'That code has a typo: check the 12 digits against the other screen and type them again.',
  PAIRING_CODE_UNKNOWN: 'No device is offering that code. It may have expired or been used: make a new one on your other device.',
  PAIRING_OFFER_EXPIRED: 'This code has expired (codes last 10 minutes). Make a new one on your other device.',
  PAIRING_OFFER_USED: 'This code was already used. Each code pairs one device once: make a new one on your other device.',
  PAIRING_OFFER_LOCKED: 'Too many wrong attempts were made with this code, so it was cancelled. Make a new one on your other device.',
  PAIRING_SECRET_WRONG: "This code's secret doesn't match the one your other device made. Copy the link or scan the code again.",
  PAIRING_MESSAGE_TAMPERED: 'The connection between your devices was tampered with, so nothing was sent. Try again on a network you trust.',
  PAIRING_JOIN_EXPIRED: 'This device waited too long for its passphrase, so the vault key it received was wiped. Start again: make a new code on your other device.',
  PAIRING_DECLINED: 'The other device declined. If that was a mistake, make a new code there and try again.',
  PAIRING_CANCELLED: 'The other device cancelled the pairing, so nothing was shared. Make a new code there when you are both ready.',
  INDEX_HEAD_FORGED: 'A device or backup peer sent a file list that is not from this vault. It was refused; your files here are unchanged.',
  INDEX_HEAD_ROLLED_BACK: 'A device or backup peer sent an older copy of the file list than this device already has. It was refused; your files here are unchanged.',
  INDEX_HEAD_RESEQUENCED: 'A device or backup peer sent a damaged copy of the file list. It was refused; your files here are unchanged.',
  INDEX_HEAD_UNAUTHENTICATED: 'The stored file list is in an old form this vault no longer accepts. Restore it from a backup peer or another device.',
  INDEX_CLOCK_AHEAD: "Another device sent changes dated far in the future, so they were not taken. Check that the date and time are right on all your devices; your files here are unchanged.",
  SYNC_NOT_MEMBER: 'A device that is not part of this vault tried to sync. It was refused.',
  DEVICE_REVOKED: 'This device was removed from the vault on another device: it can no longer sync or back up.',
  NOT_A_CONFLICT: 'That file is no longer in a conflict (another device may have resolved it already). Refresh the list.',
  KEEP_RULES_TAMPERED: 'This device\'s "Keep on this device" choices are damaged and could not be read. Choose again which files and folders to keep here.',
  VAULT_ROTATED: "This vault's keys were changed on another device. Unlock this device again to take the new key.",
  HANDOVER_INVALID: "The new vault key sent to this device doesn't open with this device's key. Pair this device with the vault again.",
  ROTATION_UNFINISHED: 'The vault keys were just changed, and this device takes the new key at its next unlock. Lock and unlock the vault once, then change the keys again.',
  DESKTOP_ONLY: 'Only the Cairn desktop app can do this: this browser cannot serve as a backup peer. Install the desktop app, or run cairn-peer.',
  TRAY_UNAVAILABLE: "Cairn's tray icon can't be shown on this desktop. Cairn keeps running: open it from the applications menu.",
  DESKTOP_NOT_LAUNCHED: 'Open Cairn from its tray icon or run cairn-desktop.',
  FOLDER_FILE_EXISTS: 'A file of that name is already in the folder.',
  FOLDER_PATH_UNSAFE: "Cairn does not sync there: a folder on the way is a link to somewhere else (sync does not write through links), or it is Cairn's own data folder.",
  FOLDER_NAME_DUPLICATE: 'Another file in this folder has the same name written differently (accents stored another way), and the vault holds one file per name. Rename one of them.',
  FOLDER_NAME_NOT_UTF8: 'This name is not in a character set Cairn can read (it may come from an old archive or another system). Rename it to back it up.',
  FOLDER_ACCESS_DENIED: 'Cairn is not allowed to read or change this (permission denied). Check its permissions; Cairn tries again at the next scan.',
  FOLDER_FILE_BUSY: 'Another program has this file open and locked. Close it there; Cairn tries again at the next scan.',
  FOLDER_PATH_TOO_LONG: 'This path is too long for the system to open (folders nested too deep, or a very long name). Move it higher up or shorten a name to sync it.',
  FOLDER_READ_ONLY: 'This disk or folder is read-only, so Cairn cannot write or move files here.',
  FOLDER_DISK_FULL: 'The disk is full, so the file was not written. Free some space; Cairn tries again at the next scan.',
  FOLDER_DISK_ERROR: 'The disk holding this folder reported an error (it may be failing, or was unplugged). Check the drive; Cairn tries again at the next scan, and the vault keeps what it holds.',
  FOLDER_SHARE_DISCONNECTED: 'The network share holding this folder stopped answering (disconnected, or its server cannot be reached). Reconnect it; Cairn tries again at the next scan, and the vault keeps what it holds.',
  SYNC_FOLDER_NOT_FOUND: 'That folder is no longer synced.',
  SYNC_FOLDER_UNAVAILABLE: 'Cairn cannot reach that folder. Check that it still exists and that Cairn may use it.',
  FOLDER_NOT_EMPTY: 'That folder is not empty, so nothing was written. Choose an empty folder to restore into.',
  THUMBNAIL_INVALID: "This file's thumbnail could not be read; Cairn will make a new one.",
  PAIRING_CODE_LIMIT: 'The relay already holds as many pairing codes from this device or network as it allows. Use the code you made before, wait up to 15 minutes for older codes to expire, or pair with the link or QR code.',
  PAIRING_LOOKUP_LIMIT: 'Too many pairing codes were tried from this device or network in a short time. Wait a minute, then type the code again.'
}

/** The code of anything thrown by `RpcClient.call`, or INTERNAL. */
export function errorCodeOf (err: unknown): ErrorCode {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code
    if (isErrorCode(code)) return code
  }
  return 'INTERNAL'
}

/** Words for the person using Cairn, for any error (never its stack or raw message). */
export function errorMessage (err: unknown): string {
  const code = errorCodeOf(err)
  // CONFIG_INVALID is raised only by Cairn's own node or daemon, in words that
  // say which setting and what to do (a damaged settings file, a value out of range).
  if (code === 'CONFIG_INVALID') {
    const detail = (err as { message?: unknown }).message
    if (typeof detail === 'string' && detail.trim() !== '' && detail.length <= 600) return `${MESSAGES.CONFIG_INVALID} ${detail.trim().replace(/[.]?$/, '.')}`
  }
  return MESSAGES[code]
}

/** Words for one code. */
export function messageForCode (code: ErrorCode): string {
  return MESSAGES[code]
}

/**
 * A recovery phrase the page refused before sending it: a word that is not
 * one of the recovery words (the node would answer BAD_RECOVERY_PHRASE).
 */
export function unknownRecoveryWordMessage (position: number, word: string): string {
  return `Word ${position}, “${word}”, is not a recovery word. Check it against the recovery phrase you wrote down.`
}

/** A recovery phrase of the wrong length (the node would answer BAD_RECOVERY_PHRASE). */
export function recoveryWordCountMessage (count: number, expected: number): string {
  return `That recovery phrase has ${count} ${count === 1 ? 'word' : 'words'}; it needs ${expected}.`
}

/**
 * BAD_RECOVERY_PHRASE once the page found every word in the list and the
 * count right: only the phrase's checksum is left, so a word is wrong (another
 * list word) or words are out of order.
 */
export const RECOVERY_PHRASE_CHECKSUM = "All the words are recovery words, but together they don't make a valid recovery phrase: one may be wrong or two may be swapped. Check each word and its order against what you wrote down."
