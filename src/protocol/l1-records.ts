// What the L1 contracts store, one hash each (docs/SPEC.md §13): the batch header, the claim about
// a batch, and each inbox message's record. Every integer is big-endian, so a contract reads the
// fields with calldataload and shifts and hashes the very bytes it was given.

import { keccak_256 } from "@noble/hashes/sha3.js";
import { fromHex, isHash32Hex, toHex } from "./bytes.js";
import { InvalidArgumentError } from "./errors.js";
import { addressBytes, checkBig, checkU32, readUint } from "./slot-encoding.js";
import { MAX_U128, MAX_U64, type Hex, type L1Message } from "./types.js";
import { DEPOSIT_MESSAGE_BYTES, FORCED_EXIT_MESSAGE_BYTES, L1_KIND_CODES, NO_SLOT } from "./constants.generated.js";

/** How a batch's DA bytes are made available (SPEC §13.2). */
export const DA_KIND = { calldata: 0, blobs: 1, committee: 2 } as const;
/** How a batch's DA bytes were posted (a value of {@link DA_KIND}). */
export type DaKind = (typeof DA_KIND)[keyof typeof DA_KIND];

/** A batch header as the batch contract stores it (SPEC §13.2): one storage hash. */
export interface BatchHeader {
  /** The batch's index (u64): submission states the one it expects. */
  index: bigint;
  prevHeaderHash: Hex;
  daKind: DaKind;
  /** keccak256 of the DA bytes (calldata, committee), or of the blobs' versioned hashes. */
  daHash: Hex;
  daLength: number;
  /** First inbox message the batch consumes (u64), and how many (u32). */
  inboxStart: bigint;
  inboxCount: number;
  l1Block: bigint;
  l1Timestamp: bigint;
}

/** Bytes of an encoded header. */
export const HEADER_BYTES = 105;
/** Bytes of an encoded claim. */
export const CLAIM_BYTES = 240;
/** Bytes of an encoded deposit / forced exit message (the one table's, scripts/layout-table.mjs). */
export { DEPOSIT_MESSAGE_BYTES, FORCED_EXIT_MESSAGE_BYTES };
/** A deposit's slot field when the depositor named no slot. */
export const NO_DEPOSIT_SLOT = NO_SLOT;

const hex = toHex;

function hash32(v: unknown, what: string): Uint8Array {
  if (!isHash32Hex(v)) throw new InvalidArgumentError(`${what} must be a 0x-prefixed 32-byte hex string`);
  return fromHex(v);
}

function u64(v: unknown, what: string): bigint {
  return checkBig(v, MAX_U64, what);
}

/**
 * header = u64 index ‖ prevHeaderHash ‖ u8 daKind ‖ daHash ‖ u32 daLength ‖ u64 inboxStart ‖
 * u32 inboxCount ‖ u64 l1Block ‖ u64 l1Timestamp, big-endian, 105 bytes (SPEC §13.2).
 *
 * @throws InvalidArgumentError naming the field out of range.
 */
export function encodeHeader(h: BatchHeader): Uint8Array {
  if (h === null || typeof h !== "object") throw new InvalidArgumentError("header must be an object");
  if (!Object.values(DA_KIND).includes(h.daKind)) throw new InvalidArgumentError("header.daKind must be 0 (calldata), 1 (blobs) or 2 (committee)");
  const out = new Uint8Array(HEADER_BYTES);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, u64(h.index, "header.index"));
  out.set(hash32(h.prevHeaderHash, "header.prevHeaderHash"), 8);
  out[40] = h.daKind;
  out.set(hash32(h.daHash, "header.daHash"), 41);
  view.setUint32(73, checkU32(h.daLength, "header.daLength"));
  view.setBigUint64(77, u64(h.inboxStart, "header.inboxStart"));
  view.setUint32(85, checkU32(h.inboxCount, "header.inboxCount"));
  view.setBigUint64(89, u64(h.l1Block, "header.l1Block"));
  view.setBigUint64(97, u64(h.l1Timestamp, "header.l1Timestamp"));
  return out;
}

/**
 * keccak256(encodeHeader(h)): what the batch contract stores per batch.
 * @throws InvalidArgumentError as {@link encodeHeader}.
 */
export function headerHash(h: BatchHeader): Hex {
  return hex(keccak_256(encodeHeader(h)));
}

/**
 * A proposer's claim about one batch (SPEC §11.6, §13.3): which batch (index and header hash), on
 * which parent claim, its step count and trace root, its final step commitment C_{E+1}, and the
 * outcome L1 acts on — the post-state root and withdrawals root — with the two remaining parts
 * that open C_{E+1}.
 */
export interface Claim {
  batchIndex: bigint;
  headerHash: Hex;
  /** The claim this one builds on; zero names genesis. */
  parentClaimHash: Hex;
  /** E + 1: the batch's entries plus settlement. */
  stepCount: number;
  traceRoot: Hex;
  finalCommitment: Hex;
  postStateRoot: Hex;
  withdrawalsRoot: Hex;
  withdrawalCount: number;
  contextHash: Hex;
}

/**
 * claim = u64 batchIndex ‖ headerHash ‖ parentClaimHash ‖ u32 stepCount ‖ traceRoot ‖
 * finalCommitment ‖ postStateRoot ‖ withdrawalsRoot ‖ u32 withdrawalCount ‖ contextHash,
 * big-endian, 240 bytes (SPEC §13.3).
 *
 * @throws InvalidArgumentError naming the field out of range.
 */
export function encodeClaim(c: Claim): Uint8Array {
  if (c === null || typeof c !== "object") throw new InvalidArgumentError("claim must be an object");
  const out = new Uint8Array(CLAIM_BYTES);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, u64(c.batchIndex, "claim.batchIndex"));
  out.set(hash32(c.headerHash, "claim.headerHash"), 8);
  out.set(hash32(c.parentClaimHash, "claim.parentClaimHash"), 40);
  view.setUint32(72, checkU32(c.stepCount, "claim.stepCount"));
  out.set(hash32(c.traceRoot, "claim.traceRoot"), 76);
  out.set(hash32(c.finalCommitment, "claim.finalCommitment"), 108);
  out.set(hash32(c.postStateRoot, "claim.postStateRoot"), 140);
  out.set(hash32(c.withdrawalsRoot, "claim.withdrawalsRoot"), 172);
  view.setUint32(204, checkU32(c.withdrawalCount, "claim.withdrawalCount"));
  out.set(hash32(c.contextHash, "claim.contextHash"), 208);
  return out;
}

/**
 * keccak256(encodeClaim(c)): what the claim contract stores per claim.
 * @throws InvalidArgumentError as {@link encodeClaim}.
 */
export function claimHash(c: Claim): Hex {
  return hex(keccak_256(encodeClaim(c)));
}

/**
 * An L1 message as the inbox contract records it (SPEC §13.1): deposit = 0x00 ‖ owner ‖ u32 token
 * ‖ u128 amount ‖ u32 slot (0xffffffff when none is named), 45 bytes; forced exit = 0x01 ‖ owner ‖
 * u32 slot, 25 bytes.
 *
 * @throws InvalidArgumentError for a malformed message, or a deposit naming slot 0xffffffff (which
 *   the inbox writes for "no slot": leave `slot` out instead).
 */
export function encodeL1Message(m: L1Message): Uint8Array {
  if (m === null || typeof m !== "object") throw new InvalidArgumentError("message must be an object");
  if (m.kind === "deposit") {
    const out = new Uint8Array(DEPOSIT_MESSAGE_BYTES);
    const view = new DataView(out.buffer);
    out[0] = L1_KIND_CODES.deposit;
    out.set(addressBytes(m.owner, "message.owner"), 1);
    view.setUint32(21, checkU32(m.token, "message.token"));
    const amount = checkBig(m.amount, MAX_U128, "message.amount");
    view.setBigUint64(25, amount >> 64n);
    view.setBigUint64(33, amount & MAX_U64);
    if (m.slot !== undefined && checkU32(m.slot, "message.slot") === NO_DEPOSIT_SLOT) {
      throw new InvalidArgumentError("message.slot 0xffffffff means no slot on L1: leave slot out instead");
    }
    view.setUint32(41, m.slot ?? NO_DEPOSIT_SLOT);
    return out;
  }
  if (m.kind === "forcedExit") {
    const out = new Uint8Array(FORCED_EXIT_MESSAGE_BYTES);
    out[0] = L1_KIND_CODES.forcedExit;
    out.set(addressBytes(m.owner, "message.owner"), 1);
    new DataView(out.buffer).setUint32(21, checkU32(m.slot, "message.slot"));
    return out;
  }
  throw new InvalidArgumentError('message.kind must be "deposit" or "forcedExit"');
}

/**
 * The L1 message an inbox record's bytes hold (the inverse of {@link encodeL1Message}).
 *
 * @throws InvalidArgumentError unless the bytes are exactly one encoded message.
 */
export function decodeL1Message(bytes: Uint8Array): L1Message {
  if (!(bytes instanceof Uint8Array)) throw new InvalidArgumentError("message bytes must be a Uint8Array");
  const owner = hex(bytes.subarray(1, 21));
  if (bytes[0] === L1_KIND_CODES.deposit && bytes.length === DEPOSIT_MESSAGE_BYTES) {
    const slot = Number(readUint(bytes, 41, 4));
    const msg: L1Message = { kind: "deposit", owner, token: Number(readUint(bytes, 21, 4)), amount: readUint(bytes, 25, 16) };
    return slot === NO_DEPOSIT_SLOT ? msg : { ...msg, slot };
  }
  if (bytes[0] === L1_KIND_CODES.forcedExit && bytes.length === FORCED_EXIT_MESSAGE_BYTES)
    return { kind: "forcedExit", owner, slot: Number(readUint(bytes, 21, 4)) };
  throw new InvalidArgumentError(
    `message bytes must be a 45-byte deposit (0x00) or a 25-byte forced exit (0x01), got ${bytes.length} bytes starting ${bytes[0]}`,
  );
}

/**
 * inboxRecord = keccak256(message ‖ u64 l1Timestamp) (SPEC §13.1): the one storage word the inbox
 * writes per message. An L1-message step proves its message by re-supplying these bytes.
 *
 * @throws InvalidArgumentError for a malformed message or timestamp.
 */
export function inboxRecord(m: L1Message, l1Timestamp: bigint): Hex {
  const msg = encodeL1Message(m);
  const input = new Uint8Array(msg.length + 8);
  input.set(msg, 0);
  new DataView(input.buffer).setBigUint64(msg.length, u64(l1Timestamp, "l1Timestamp"));
  return hex(keccak_256(input));
}
