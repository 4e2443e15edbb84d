// The flat buffers exchanged with the WASM execution loop. Their layouts, like the type codes and
// limits, are the one table's (scripts/layout-table.mjs, docs/DECISIONS.md D36), which the core
// reads from the same generated constants. Engine-internal: not part of the protocol. Everything
// is validated here, before the single call into WASM, so bad input never reaches the core.

import { toHex } from "../protocol/bytes.js";
import { InvalidArgumentError } from "../protocol/errors.js";
import { addressBytes, checkBig, checkU32, checksumAddressOf } from "../protocol/slot-encoding.js";
import {
  MAX_FEE_PAIRS,
  MAX_U128,
  MAX_U64,
  type Batch,
  type FeePair,
  type Hex,
  type L1Message,
  type Receipt,
  type ReasonCode,
  type SignedTx,
  type Slot,
  type Tx,
  type Withdrawal,
} from "../protocol/types.js";
import {
  BATCH_DOMAIN_SEPARATOR,
  BATCH_FEE_PAIR_COUNT,
  BATCH_FLAG_NO_SETTLE,
  BATCH_FLAG_TRACE,
  BATCH_FLAGS,
  BATCH_HEADER_BYTES,
  BATCH_L1_COUNT,
  BATCH_TX_COUNT,
  FEE_CREDITED_BYTES,
  FEE_PAIR_BYTES,
  FEE_PAIR_SLOT,
  FEE_PAIR_TOKEN,
  L1_AMOUNT,
  L1_HAS_SLOT,
  L1_KIND,
  L1_KIND_CODES,
  L1_OWNER,
  L1_RECORD_BYTES,
  L1_SLOT,
  L1_TOKEN,
  MAX_BATCH_ENTRIES,
  R_OUT0,
  R_OUT1,
  R_STATUS,
  R_TOUCHED,
  R_TOUCHED_COUNT,
  RECEIPT_BYTES,
  S_BALANCE,
  S_NONCE,
  S_OWNER,
  S_TOKEN,
  SLOT_RECORD_BYTES,
  T_PRE_STATE_ROOT,
  T_SLOT_COUNT,
  T_STATE_ROOT,
  T_TREE_ROOT,
  T_WITHDRAWAL_COUNT,
  T_WITHDRAWALS_ROOT,
  TRAILER_BYTES,
  TX_F0,
  TX_F1,
  TX_F2,
  TX_F3,
  TX_FEE_BPS,
  TX_NONCE,
  TX_RECORD_BYTES,
  TX_SIGNER,
  TX_SIGNER_OK,
  TX_TO_OWNER,
  TX_TYPE,
  TX_TYPE_CODES,
  TX_X,
  TX_Y,
  TX_Z,
  W_AMOUNT,
  W_OWNER,
  W_TOKEN,
  WITHDRAWAL_RECORD_BYTES,
} from "../protocol/constants.generated.js";

export {
  SLOT_RECORD_BYTES,
  L1_RECORD_BYTES,
  TX_RECORD_BYTES,
  RECEIPT_BYTES,
  TRAILER_BYTES,
  WITHDRAWAL_RECORD_BYTES,
  MAX_BATCH_ENTRIES,
  BATCH_HEADER_BYTES,
  FEE_PAIR_BYTES,
  FEE_CREDITED_BYTES,
};

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
  put128(view, S_BALANCE, slot.balance);
  view.setBigUint64(S_NONCE, slot.nonce, true);
  view.setUint32(S_TOKEN, slot.token, true);
  out.set(addressBytes(slot.owner), offset + S_OWNER);
}

export function readSlotRecord(bytes: Uint8Array, offset: number): Slot {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, SLOT_RECORD_BYTES);
  return {
    balance: get128(view, S_BALANCE),
    nonce: view.getBigUint64(S_NONCE, true),
    token: view.getUint32(S_TOKEN, true),
    owner: checksumAddressOf(bytes.subarray(offset + S_OWNER, offset + S_OWNER + 20)),
  };
}

function writeL1(view: DataView, bytes: Uint8Array, at: number, msg: L1Message, i: number): void {
  const what = `l1Messages[${i}]`;
  if (msg === null || typeof msg !== "object") throw new InvalidArgumentError(`${what} must be an object`);
  if (msg.kind === "deposit") {
    view.setUint8(at + L1_KIND, L1_KIND_CODES.deposit);
    if (msg.slot !== undefined) {
      view.setUint8(at + L1_HAS_SLOT, 1);
      view.setUint32(at + L1_SLOT, checkU32(msg.slot, `${what}.slot`), true);
    }
    view.setUint32(at + L1_TOKEN, checkU32(msg.token, `${what}.token`), true);
    bytes.set(addressBytes(msg.owner, `${what}.owner`), at + L1_OWNER);
    put128(view, at + L1_AMOUNT, checkBig(msg.amount, MAX_U128, `${what}.amount`));
  } else if (msg.kind === "forcedExit") {
    view.setUint8(at + L1_KIND, L1_KIND_CODES.forcedExit);
    view.setUint32(at + L1_SLOT, checkU32(msg.slot, `${what}.slot`), true);
    bytes.set(addressBytes(msg.owner, `${what}.owner`), at + L1_OWNER);
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
  view.setUint8(at + TX_TYPE, TX_TYPE_CODES[tx.type]);
  if (signer !== null) {
    view.setUint8(at + TX_SIGNER_OK, 1);
    let b = cache.get(signer);
    if (b === undefined) {
      b = addressBytes(signer, `signers[${i}]`);
      cache.set(signer, b);
    }
    bytes.set(b, at + TX_SIGNER);
  }
  const u32 = (offset: number, v: unknown, name: string) => view.setUint32(at + offset, checkU32(v, `${what}.${name}`), true);
  const u128 = (offset: number, v: unknown, name: string) => put128(view, at + offset, checkBig(v, MAX_U128, `${what}.${name}`));
  view.setBigUint64(at + TX_NONCE, checkBig(tx.nonce, MAX_U64, `${what}.nonce`), true);
  switch (tx.type) {
    case "transfer":
      u32(TX_F0, tx.from, "from");
      u32(TX_F1, tx.to, "to");
      u128(TX_X, tx.amount, "amount");
      u128(TX_Y, tx.fee, "fee");
      break;
    case "transferToNew":
      u32(TX_F0, tx.from, "from");
      u128(TX_X, tx.amount, "amount");
      u128(TX_Y, tx.fee, "fee");
      bytes.set(addressBytes(tx.toOwner, `${what}.toOwner`), at + TX_TO_OWNER);
      break;
    case "withdraw":
      u32(TX_F0, tx.from, "from");
      u128(TX_X, tx.amount, "amount");
      u128(TX_Y, tx.fee, "fee");
      break;
    case "createPool":
      if (!Number.isInteger(tx.feeBps) || tx.feeBps < 0 || tx.feeBps > 0xffff) {
        throw new InvalidArgumentError(`${what}.feeBps must be an integer in [0, 65535]`);
      }
      view.setUint16(at + TX_FEE_BPS, tx.feeBps, true);
      u32(TX_F0, tx.fromA, "fromA");
      u32(TX_F1, tx.fromB, "fromB");
      u128(TX_X, tx.amountA, "amountA");
      u128(TX_Y, tx.amountB, "amountB");
      break;
    case "addLiquidity":
      u32(TX_F0, tx.pool, "pool");
      u32(TX_F1, tx.fromA, "fromA");
      u32(TX_F2, tx.fromB, "fromB");
      u32(TX_F3, tx.lpSlot, "lpSlot");
      u128(TX_X, tx.amountA, "amountA");
      u128(TX_Y, tx.amountB, "amountB");
      u128(TX_Z, tx.minShares, "minShares");
      break;
    case "removeLiquidity":
      u32(TX_F0, tx.pool, "pool");
      u32(TX_F1, tx.lpSlot, "lpSlot");
      u32(TX_F2, tx.toA, "toA");
      u32(TX_F3, tx.toB, "toB");
      u128(TX_X, tx.shares, "shares");
      u128(TX_Y, tx.minA, "minA");
      u128(TX_Z, tx.minB, "minB");
      break;
    case "swap":
      u32(TX_F0, tx.pool, "pool");
      u32(TX_F1, tx.from, "from");
      u32(TX_F2, tx.to, "to");
      u128(TX_X, tx.amountIn, "amountIn");
      u128(TX_Y, tx.minOut, "minOut");
      break;
  }
}

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
  view.setUint32(BATCH_FEE_PAIR_COUNT, pairs.length, true);
  view.setUint32(BATCH_L1_COUNT, l1Messages.length, true);
  view.setUint32(BATCH_TX_COUNT, txs.length, true);
  view.setUint32(BATCH_FLAGS, (trace ? BATCH_FLAG_TRACE : 0) | (settle ? 0 : BATCH_FLAG_NO_SETTLE), true);
  out.set(domainSeparator, BATCH_DOMAIN_SEPARATOR);
  pairs.forEach((p, i) => {
    view.setUint32(BATCH_HEADER_BYTES + i * FEE_PAIR_BYTES + FEE_PAIR_TOKEN, p.token, true);
    view.setUint32(BATCH_HEADER_BYTES + i * FEE_PAIR_BYTES + FEE_PAIR_SLOT, p.slot, true);
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
    const n = view.getUint8(r + R_TOUCHED_COUNT);
    for (let k = 0; k < n; k++) touched.push(view.getUint32(r + R_TOUCHED + k * 4, true));
    // most receipts carry no outputs: skip the four BigInt reads for them
    let any = 0;
    for (let k = R_OUT0; k < RECEIPT_BYTES; k += 4) any |= view.getUint32(r + k, true);
    receipts.push({
      status: view.getUint8(r + R_STATUS) as ReasonCode,
      touched,
      out: any === 0 ? [0n, 0n] : [get128(view, r + R_OUT0), get128(view, r + R_OUT1)],
    });
  }
  const t = ptr + entries * RECEIPT_BYTES;
  const hex = (at: number): Hex => toHex(mem.subarray(at, at + 32));
  const withdrawalCount = view.getUint32(t + T_WITHDRAWAL_COUNT, true);
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
      owner: checksumAddressOf(mem.subarray(w + W_OWNER, w + W_OWNER + 20)),
      token: view.getUint32(w + W_TOKEN, true),
      amount: get128(view, w + W_AMOUNT),
    });
  }
  const steps: Hex[] = [];
  if (trace) {
    const s0 = w0 + entries * WITHDRAWAL_RECORD_BYTES;
    for (let k = 0; k < entries + 2; k++) steps.push(hex(s0 + k * 32));
  }
  return {
    steps,
    preStateRoot: hex(t + T_PRE_STATE_ROOT),
    stateRoot: hex(t + T_STATE_ROOT),
    treeRoot: hex(t + T_TREE_ROOT),
    withdrawalsRoot: hex(t + T_WITHDRAWALS_ROOT),
    slotCount: view.getUint32(t + T_SLOT_COUNT, true),
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
