// The flat buffers exchanged with the WASM execution loop (layouts in assembly/engine.ts).
// Engine-internal: not part of the protocol. Everything is validated here, before the single
// call into WASM, so bad input never reaches the core.

import { toHex } from "../protocol/bytes.js";
import { InvalidArgumentError } from "../protocol/errors.js";
import { addressBytes, checkBig, checkU32, checksumAddressOf } from "../protocol/slot-encoding.js";
import {
  MAX_FEE_PAIRS, MAX_U128, MAX_U64, type Batch, type FeePair, type Hex, type L1Message, type Receipt, type ReasonCode, type SignedTx, type Slot,
  type Tx, type Withdrawal,
} from "../protocol/types.js";

export const SLOT_RECORD_BYTES = 48;
export const L1_RECORD_BYTES = 64;
export const TX_RECORD_BYTES = 128;
export const RECEIPT_BYTES = 64;
export const TRAILER_BYTES = 144;
export const WITHDRAWAL_RECORD_BYTES = 48;
/** Most entries (L1 messages + transactions) one batch may hold. */
export const MAX_BATCH_ENTRIES = 1 << 20;

const TX_TYPE_CODES = {
  transfer: 0,
  transferToNew: 1,
  withdraw: 2,
  createPool: 3,
  addLiquidity: 4,
  removeLiquidity: 5,
  swap: 6,
} as const;

// Most amounts fit in 64 bits: skip the BigInt mask and shift for them (this runs per field).
function put128(view: DataView, offset: number, value: bigint): void {
  if (value <= MAX_U64) {
    view.setBigUint64(offset, value, true);
    view.setBigUint64(offset + 8, 0n, true);
  } else {
    view.setBigUint64(offset, value & MAX_U64, true);
    view.setBigUint64(offset + 8, value >> 64n, true);
  }
}

function get128(view: DataView, offset: number): bigint {
  const hi = view.getBigUint64(offset + 8, true);
  const lo = view.getBigUint64(offset, true);
  return hi === 0n ? lo : lo | (hi << 64n);
}

/** Little-endian 48-byte slot record. */
export function writeSlotRecord(out: Uint8Array, offset: number, slot: Slot): void {
  const view = new DataView(out.buffer, out.byteOffset + offset, SLOT_RECORD_BYTES);
  put128(view, 0, slot.balance);
  view.setBigUint64(16, slot.nonce, true);
  view.setUint32(24, slot.token, true);
  out.set(addressBytes(slot.owner), offset + 28);
}

export function readSlotRecord(bytes: Uint8Array, offset: number): Slot {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, SLOT_RECORD_BYTES);
  return {
    balance: get128(view, 0),
    nonce: view.getBigUint64(16, true),
    token: view.getUint32(24, true),
    owner: checksumAddressOf(bytes.subarray(offset + 28, offset + 48)),
  };
}

function writeL1(view: DataView, bytes: Uint8Array, at: number, msg: L1Message, i: number): void {
  const what = `l1Messages[${i}]`;
  if (msg === null || typeof msg !== "object") throw new InvalidArgumentError(`${what} must be an object`);
  if (msg.kind === "deposit") {
    view.setUint8(at, 0);
    if (msg.slot !== undefined) {
      view.setUint8(at + 1, 1);
      view.setUint32(at + 4, checkU32(msg.slot, `${what}.slot`), true);
    }
    view.setUint32(at + 8, checkU32(msg.token, `${what}.token`), true);
    bytes.set(addressBytes(msg.owner, `${what}.owner`), at + 12);
    put128(view, at + 32, checkBig(msg.amount, MAX_U128, `${what}.amount`));
  } else if (msg.kind === "forcedExit") {
    view.setUint8(at, 1);
    view.setUint32(at + 4, checkU32(msg.slot, `${what}.slot`), true);
    bytes.set(addressBytes(msg.owner, `${what}.owner`), at + 12);
  } else {
    throw new InvalidArgumentError(`${what}.kind must be "deposit" or "forcedExit"`);
  }
}

/** Signer addresses repeat across a batch: decode each distinct one once. */
type AddressCache = Map<string, Uint8Array>;

function writeTx(view: DataView, bytes: Uint8Array, at: number, tx: Tx, signer: Hex | null, i: number, cache: AddressCache): void {
  const what = `txs[${i}]`;
  if (tx === null || typeof tx !== "object" || !(tx.type in TX_TYPE_CODES)) {
    throw new InvalidArgumentError(`${what}.type must be one of ${Object.keys(TX_TYPE_CODES).join(", ")}`);
  }
  view.setUint8(at, TX_TYPE_CODES[tx.type]);
  if (signer !== null) {
    view.setUint8(at + 1, 1);
    let b = cache.get(signer);
    if (b === undefined) {
      b = addressBytes(signer, `signers[${i}]`);
      cache.set(signer, b);
    }
    bytes.set(b, at + 100);
  }
  const u32 = (offset: number, v: unknown, name: string) => view.setUint32(at + offset, checkU32(v, `${what}.${name}`), true);
  const u128 = (offset: number, v: unknown, name: string) => put128(view, at + offset, checkBig(v, MAX_U128, `${what}.${name}`));
  view.setBigUint64(at + 24, checkBig(tx.nonce, MAX_U64, `${what}.nonce`), true);
  switch (tx.type) {
    case "transfer":
      u32(4, tx.from, "from"); u32(8, tx.to, "to"); u128(32, tx.amount, "amount"); u128(48, tx.fee, "fee");
      break;
    case "transferToNew":
      u32(4, tx.from, "from"); u128(32, tx.amount, "amount"); u128(48, tx.fee, "fee");
      bytes.set(addressBytes(tx.toOwner, `${what}.toOwner`), at + 80);
      break;
    case "withdraw":
      u32(4, tx.from, "from"); u128(32, tx.amount, "amount"); u128(48, tx.fee, "fee");
      break;
    case "createPool":
      if (!Number.isInteger(tx.feeBps) || tx.feeBps < 0 || tx.feeBps > 0xffff) {
        throw new InvalidArgumentError(`${what}.feeBps must be an integer in [0, 65535]`);
      }
      view.setUint16(at + 2, tx.feeBps, true);
      u32(4, tx.fromA, "fromA"); u32(8, tx.fromB, "fromB"); u128(32, tx.amountA, "amountA"); u128(48, tx.amountB, "amountB");
      break;
    case "addLiquidity":
      u32(4, tx.pool, "pool"); u32(8, tx.fromA, "fromA"); u32(12, tx.fromB, "fromB"); u32(16, tx.lpSlot, "lpSlot");
      u128(32, tx.amountA, "amountA"); u128(48, tx.amountB, "amountB"); u128(64, tx.minShares, "minShares");
      break;
    case "removeLiquidity":
      u32(4, tx.pool, "pool"); u32(8, tx.lpSlot, "lpSlot"); u32(12, tx.toA, "toA"); u32(16, tx.toB, "toB");
      u128(32, tx.shares, "shares"); u128(48, tx.minA, "minA"); u128(64, tx.minB, "minB");
      break;
    case "swap":
      u32(4, tx.pool, "pool"); u32(8, tx.from, "from"); u32(12, tx.to, "to");
      u128(32, tx.amountIn, "amountIn"); u128(48, tx.minOut, "minOut");
      break;
  }
}

/** Bytes before the fee pairs: four u32 counts and flags, then the 32-byte domain separator. */
export const BATCH_HEADER_BYTES = 48;
/** One fee pair in the loop's input: u32 token ‖ u32 slot. */
export const FEE_PAIR_BYTES = 8;
/** The settlement flags after the owed fees in the trailer: one byte per pair, room for 16. */
export const FEE_CREDITED_BYTES = 16;

/**
 * A batch's fee pairs as the protocol allows them (SPEC §5.1): an array of at most MAX_FEE_PAIRS
 * `{ token, slot }` of u32s, tokens strictly increasing. Throws InvalidArgumentError naming the pair.
 */
export function checkFeePairs(pairs: unknown, what = "batch.feePairs"): FeePair[] {
  if (!Array.isArray(pairs)) throw new InvalidArgumentError(`${what} must be an array of { token, slot }`);
  if (pairs.length > MAX_FEE_PAIRS) throw new InvalidArgumentError(`${what}: at most ${MAX_FEE_PAIRS} fee pairs per batch, got ${pairs.length}`);
  return pairs.map((p: unknown, k) => {
    if (p === null || typeof p !== "object") throw new InvalidArgumentError(`${what}[${k}] must be { token, slot }`);
    const token = checkU32((p as FeePair).token, `${what}[${k}].token`);
    const slot = checkU32((p as FeePair).slot, `${what}[${k}].slot`);
    if (k > 0 && token <= (pairs[k - 1] as FeePair).token) {
      throw new InvalidArgumentError(`${what}[${k}].token must be greater than ${what}[${k - 1}].token (one pair per token, ascending)`);
    }
    return { token, slot };
  });
}

/**
 * Encodes a batch and its recovered signers into the loop's input buffer; `domainSeparator` is
 * what a trace's step commitments bind (SPEC §11.1).
 */
export function encodeBatchInput(batch: Batch, signers: readonly (Hex | null)[], domainSeparator: Uint8Array, trace = false, settle = true): Uint8Array {
  if (batch === null || typeof batch !== "object") throw new InvalidArgumentError("batch must be an object");
  const { l1Messages, txs } = batch;
  if (!Array.isArray(l1Messages) || !Array.isArray(txs)) throw new InvalidArgumentError("batch needs feePairs, l1Messages and txs arrays");
  const pairs = checkFeePairs(batch.feePairs);
  if (l1Messages.length + txs.length > MAX_BATCH_ENTRIES) {
    throw new InvalidArgumentError(`a batch holds at most ${MAX_BATCH_ENTRIES} entries`);
  }
  if (signers.length !== txs.length) throw new InvalidArgumentError("one signer (or null) per transaction");
  const headerBytes = BATCH_HEADER_BYTES + pairs.length * FEE_PAIR_BYTES;
  const out = new Uint8Array(headerBytes + l1Messages.length * L1_RECORD_BYTES + txs.length * TX_RECORD_BYTES);
  const view = new DataView(out.buffer);
  view.setUint32(0, pairs.length, true);
  view.setUint32(4, l1Messages.length, true);
  view.setUint32(8, txs.length, true);
  view.setUint32(12, (trace ? 1 : 0) | (settle ? 0 : 2), true);
  out.set(domainSeparator, 16);
  pairs.forEach((p, i) => {
    view.setUint32(BATCH_HEADER_BYTES + i * FEE_PAIR_BYTES, p.token, true);
    view.setUint32(BATCH_HEADER_BYTES + i * FEE_PAIR_BYTES + 4, p.slot, true);
  });
  let at = headerBytes;
  l1Messages.forEach((m, i) => {
    writeL1(view, out, at, m, i);
    at += L1_RECORD_BYTES;
  });
  const cache: AddressCache = new Map();
  txs.forEach((tx, i) => {
    writeTx(view, out, at, tx, signers[i] ?? null, i, cache);
    at += TX_RECORD_BYTES;
  });
  return out;
}

export interface DecodedOutput {
  preStateRoot: Hex;
  stateRoot: Hex;
  treeRoot: Hex;
  withdrawalsRoot: Hex;
  slotCount: number;
  receipts: Receipt[];
  fees: bigint[];
  feesCredited: bigint[];
  withdrawals: Withdrawal[];
  /** Step commitments (entries + 2) when the batch was traced, else empty. */
  steps: Hex[];
}

/** Decodes receipts and the trailer written by engineApplyBatch. */
export function decodeBatchOutput(mem: Uint8Array, ptr: number, entries: number, feeCount: number, trace = false): DecodedOutput {
  const view = new DataView(mem.buffer, mem.byteOffset);
  const receipts: Receipt[] = [];
  for (let i = 0; i < entries; i++) {
    const r = ptr + i * RECEIPT_BYTES;
    const touched: number[] = [];
    const n = view.getUint8(r + 1);
    for (let k = 0; k < n; k++) touched.push(view.getUint32(r + 4 + k * 4, true));
    // most receipts carry no outputs: skip the four BigInt reads for them
    let any = 0;
    for (let k = 32; k < 64; k += 4) any |= view.getUint32(r + k, true);
    receipts.push({
      status: view.getUint8(r) as ReasonCode,
      touched,
      out: any === 0 ? [0n, 0n] : [get128(view, r + 32), get128(view, r + 48)],
    });
  }
  const t = ptr + entries * RECEIPT_BYTES;
  const hex = (at: number): Hex => toHex(mem.subarray(at, at + 32));
  const withdrawalCount = view.getUint32(t + 132, true);
  const fees: bigint[] = [];
  const feesCredited: bigint[] = [];
  for (let k = 0; k < feeCount; k++) {
    fees.push(get128(view, t + TRAILER_BYTES + k * 16));
    feesCredited.push(view.getUint8(t + TRAILER_BYTES + feeCount * 16 + k) === 1 ? fees[k]! : 0n);
  }
  const withdrawals: Withdrawal[] = [];
  const w0 = t + TRAILER_BYTES + feeCount * 16 + FEE_CREDITED_BYTES;
  for (let k = 0; k < withdrawalCount; k++) {
    const w = w0 + k * WITHDRAWAL_RECORD_BYTES;
    withdrawals.push({
      owner: checksumAddressOf(mem.subarray(w, w + 20)),
      token: view.getUint32(w + 20, true),
      amount: get128(view, w + 24),
    });
  }
  const steps: Hex[] = [];
  if (trace) {
    const s0 = w0 + entries * WITHDRAWAL_RECORD_BYTES;
    for (let k = 0; k < entries + 2; k++) steps.push(hex(s0 + k * 32));
  }
  return {
    steps,
    preStateRoot: hex(t),
    stateRoot: hex(t + 32),
    treeRoot: hex(t + 64),
    withdrawalsRoot: hex(t + 96),
    slotCount: view.getUint32(t + 128, true),
    receipts,
    fees,
    feesCredited,
    withdrawals,
  };
}

/**
 * One entry as the loop's record (64 bytes for an L1 message, 128 for a transaction with its
 * recovered signer): what a stateless step check feeds to the same code.
 */
export function encodeEntryRecord(entry: L1Message | SignedTx, signer: Hex | null): Uint8Array {
  if ((entry as L1Message).kind !== undefined) {
    const out = new Uint8Array(L1_RECORD_BYTES);
    writeL1(new DataView(out.buffer), out, 0, entry as L1Message, 0);
    return out;
  }
  const out = new Uint8Array(TX_RECORD_BYTES);
  writeTx(new DataView(out.buffer), out, 0, entry as Tx, signer, 0, new Map());
  return out;
}
