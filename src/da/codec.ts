// The batch codec: the bytes a sequencer posts to L1 as data availability (docs/SPEC.md §9).
// Canonical (one batch, one encoding), versioned by a leading byte, and safe on hostile input:
// every count is checked against the bytes left before anything is allocated, so decoding costs
// time and memory linear in the input, and any malformed input ends in a DecodeError.

import { DecodeError, EncodeError, InvalidArgumentError } from "../protocol/errors.js";
import { fromHex, toHex } from "../protocol/bytes.js";
import { MAX_BATCH_ENTRIES } from "../engine/flat.js";
import { MAX_DA_BYTES, MAX_L1_DA_BYTES, TX_TYPE_CODES, TX_TYPES } from "../protocol/constants.generated.js";
import { addressBytes } from "../protocol/slot-encoding.js";
import { MAX_FEE_PAIRS, MAX_U128, MAX_U64, NEW_SLOT, type FeePair, type Hex, type SignedTx, type TxType } from "../protocol/types.js";
import { SECP256K1_HALF_N } from "../protocol/signatures.js";

/** The only format version so far; decoders reject others (SPEC §9.1). */
export const DA_VERSION = 0x01;
// MAX_DA_BYTES: the largest input the bare codec (decodeBatch) accepts, for DA kept off L1 (SPEC
// §9.4). MAX_L1_DA_BYTES: the largest DA payload of a batch posted on L1 (SPEC §9.4, §13), which
// deriveBatch applies: the batch contract refuses a longer header, and the derivation treats
// longer bytes as undecodable; a one-step proof re-supplies the whole batch, so this keeps batch +
// proof inside one L1 transaction. Both are in the one table (scripts/layout-table.mjs).
export { MAX_DA_BYTES, MAX_L1_DA_BYTES };
/** Most fee pairs a batch may list (as the engine). */
export const DA_MAX_FEE_PAIRS = MAX_FEE_PAIRS;
/** Most entries one batch may hold, inbox messages included (SPEC §9.4). */
export const MAX_DA_ENTRIES = MAX_BATCH_ENTRIES;

/**
 * What DA bytes carry (SPEC §9.1): the fee pairs and the signed transactions. The L1 messages stay
 * in the L1 inbox, and the range a batch consumes is in its header (SPEC §13), not in these bytes.
 */
export interface DaBatch {
  feePairs: FeePair[];
  txs: SignedTx[];
}

/** A range of L1 inbox messages: indices start … start + count − 1 (start a u64, count a u32). */
export interface InboxRange {
  start: bigint;
  count: number;
}

/** A batch as derived from its header's inbox range and its DA bytes (SPEC §9.4). */
export interface DerivedBatch extends DaBatch {
  /** The inbox range the header names: consumed whether or not the DA bytes decode. */
  inbox: InboxRange;
}

export { DecodeError, EncodeError, type DecodeFault } from "../protocol/errors.js";

const TYPE_CODES: Record<TxType, number> = TX_TYPE_CODES;
const TYPES: readonly TxType[] = TX_TYPES;

/** Which fields of each type go into which column, in order (SPEC §9.2). */
const SLOT_FIELDS: Record<TxType, string[]> = {
  transfer: ["from", "to"],
  transferToNew: ["from"],
  withdraw: ["from"],
  createPool: ["fromA", "fromB"],
  addLiquidity: ["pool", "fromA", "fromB", "lpSlot"],
  removeLiquidity: ["pool", "lpSlot", "toA", "toB"],
  swap: ["pool", "from", "to"],
};
const AMOUNT_FIELDS: Record<TxType, string[]> = {
  transfer: ["amount", "fee"],
  transferToNew: ["amount", "fee"],
  withdraw: ["amount", "fee"],
  createPool: ["amountA", "amountB"],
  addLiquidity: ["amountA", "amountB", "minShares"],
  removeLiquidity: ["shares", "minA", "minB"],
  swap: ["amountIn", "minOut"],
};

// ---- the type column ----

const TYPES_PACKED = 0;
const TYPES_AS_RUNS = 1;
const MAX_RUN = 32;

/** Maximal runs of equal type codes, each at most MAX_RUN long: [code, length][]. */
function typeRuns(codes: ArrayLike<number>): [number, number][] {
  const runs: [number, number][] = [];
  for (let i = 0; i < codes.length; i++) {
    const last = runs[runs.length - 1];
    if (last && last[0] === codes[i] && last[1] < MAX_RUN) last[1]++;
    else runs.push([codes[i]!, 1]);
  }
  return runs;
}

/** How many runs typeRuns would make, without allocating (the decoder's canonicality check). */
function countRuns(codes: Uint8Array): number {
  let runs = 0;
  let length = 0;
  for (let i = 0; i < codes.length; i++) {
    if (i > 0 && codes[i] === codes[i - 1] && length < MAX_RUN) length++;
    else {
      runs++;
      length = 1;
    }
  }
  return runs;
}

// ---- writing ----

class Writer {
  private buf = new Uint8Array(1024);
  length = 0;
  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + n) cap *= 2;
    const grown = new Uint8Array(cap);
    grown.set(this.buf.subarray(0, this.length));
    this.buf = grown;
  }
  byte(b: number): void {
    this.ensure(1);
    this.buf[this.length++] = b;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  /** Unsigned LEB128, shortest form. */
  varint(v: bigint | number): void {
    if (typeof v === "number" && v < 0x80) {
      this.byte(v);
      return;
    }
    let x = BigInt(v);
    while (x >= 0x80n) {
      this.byte(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.byte(Number(x));
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** mantissa · 10^exp with the largest exp (canonical), written as varint(mantissa << 6 | exp). */
export function encodeAmount(w: Writer, value: bigint): void {
  let m = value;
  let e = 0n;
  while (m !== 0n && m % 10n === 0n) {
    m /= 10n;
    e++;
  }
  w.varint((m << 6n) | e);
}

function checkU32(v: unknown, what: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new EncodeError(`${what} must be a u32`);
  return v;
}

function checkAmount(v: unknown, what: string): bigint {
  if (typeof v !== "bigint" || v < 0n || v > MAX_U128) throw new EncodeError(`${what} must be a u128 bigint`);
  return v;
}

/** 65-byte r ‖ s ‖ v (v ∈ 27, 28, 0, 1; low s) → EIP-2098 r ‖ (yParity << 255 | s). */
function compactSignature(sig: unknown, what: string): Uint8Array {
  let b: Uint8Array;
  try {
    b = fromHex(String(sig));
  } catch {
    throw new EncodeError(`${what} is not hex`);
  }
  if (b.length !== 65) throw new EncodeError(`${what} must be 65 bytes`);
  const v = b[64]!;
  const parity = v === 27 || v === 0 ? 0 : v === 28 || v === 1 ? 1 : -1;
  if (parity < 0) throw new EncodeError(`${what} has v = ${v}; expected 27, 28, 0 or 1`);
  const s = BigInt(toHex(b.subarray(32, 64)));
  // only a low-s signature has a free top bit for the parity (and only those can be valid)
  if (s > SECP256K1_HALF_N) throw new EncodeError(`${what} has a high s (EIP-2): it can never be valid`);
  const out = b.slice(0, 64);
  out[32]! |= parity << 7;
  return out;
}

/**
 * Encodes a batch as DA bytes (SPEC §9).
 * @throws EncodeError if it cannot be represented (a signature with no compact form, a field out of range).
 */
export function encodeBatch(batch: DaBatch): Uint8Array {
  if (batch === null || typeof batch !== "object") throw new EncodeError("batch must be an object");
  const { feePairs, txs } = batch;
  if (!Array.isArray(feePairs) || feePairs.length > DA_MAX_FEE_PAIRS) throw new EncodeError(`feePairs: an array of at most ${DA_MAX_FEE_PAIRS}`);
  if (!Array.isArray(txs) || txs.length > MAX_BATCH_ENTRIES) throw new EncodeError(`txs: at most ${MAX_BATCH_ENTRIES}`);
  const w = new Writer();
  w.byte(DA_VERSION);
  w.varint(feePairs.length);
  feePairs.forEach((p, i) => {
    if (p === null || typeof p !== "object") throw new EncodeError(`feePairs[${i}] must be { token, slot }`);
    const token = checkU32(p.token, `feePairs[${i}].token`);
    // one pair per token, ascending: the only canonical order (SPEC §9.1)
    if (i > 0 && token <= feePairs[i - 1]!.token) throw new EncodeError(`feePairs[${i}].token must be greater than feePairs[${i - 1}].token`);
    w.varint(token);
    w.varint(checkU32(p.slot, `feePairs[${i}].slot`));
  });
  w.varint(txs.length);
  const codes = txs.map((tx, i) => {
    const code = TYPE_CODES[tx?.type as TxType];
    if (code === undefined) throw new EncodeError(`txs[${i}].type is not a transaction type`);
    return code;
  });
  const runs = typeRuns(codes);
  if (runs.length < Math.ceil(codes.length / 2)) {
    // a batch of mostly one type: one byte per run of up to 32 (SPEC §9.1)
    w.byte(TYPES_AS_RUNS);
    for (const [code, length] of runs) w.byte(code | ((length - 1) << 3));
  } else {
    w.byte(TYPES_PACKED);
    for (let i = 0; i < codes.length; i += 2) w.byte(codes[i]! | ((codes[i + 1] ?? 0) << 4));
  }
  for (const [i, tx] of txs.entries()) {
    for (const f of SLOT_FIELDS[tx.type]) {
      const v = checkU32((tx as Record<string, unknown>)[f], `txs[${i}].${f}`);
      // lpSlot: 0 asks for a new LP slot, so the common small indices stay one byte shorter
      w.varint(f === "lpSlot" ? (v === NEW_SLOT ? 0 : v + 1) : v);
    }
  }
  for (const [i, tx] of txs.entries()) {
    for (const f of AMOUNT_FIELDS[tx.type]) encodeAmount(w, checkAmount((tx as Record<string, unknown>)[f], `txs[${i}].${f}`));
  }
  for (const [i, tx] of txs.entries()) {
    if (typeof tx.nonce !== "bigint" || tx.nonce < 0n || tx.nonce > MAX_U64) throw new EncodeError(`txs[${i}].nonce must be a u64 bigint`);
    w.varint(tx.nonce);
  }
  for (const [i, tx] of txs.entries()) {
    if (tx.type === "transferToNew") {
      try {
        w.bytes(addressBytes(tx.toOwner, `txs[${i}].toOwner`));
      } catch (e) {
        throw new EncodeError((e as Error).message);
      }
    } else if (tx.type === "createPool") {
      if (!Number.isInteger(tx.feeBps) || tx.feeBps < 0 || tx.feeBps > 0xffff) throw new EncodeError(`txs[${i}].feeBps must be a u16`);
      w.varint(tx.feeBps);
    }
  }
  for (const [i, tx] of txs.entries()) w.bytes(compactSignature(tx.signature, `txs[${i}].signature`));
  return w.result();
}

// ---- reading ----
// Decoding is on the verifier's path for every batch, so it avoids BigInt until a value needs
// more than 49 bits, and builds each transaction as one object literal of a fixed shape.

const POW10 = Array.from({ length: 39 }, (_, e) => 10n ** BigInt(e));
const POW10_NUM = Array.from({ length: 23 }, (_, e) => 10 ** e); // exact doubles up to 10^22
const SMALL_BIG = Array.from({ length: 1 << 14 }, (_, i) => BigInt(i)); // mantissas of round amounts
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
const LATIN1 = new TextDecoder("latin1");
// two ASCII chars as one little-endian u16, e.g. 0xab → "ab" = 0x6261 (Uint16Array is host-endian;
// every engine that runs WebAssembly here is little-endian, as WebAssembly itself is)
const pair = (a: string) => a.charCodeAt(0) | (a.charCodeAt(1) << 8);
const HEX_PAIRS = Uint16Array.from(HEX, pair);
const HEX_0X = pair("0x");
const HEX_1B = pair("1b");
const HEX_1C = pair("1c");
const TWO_49 = 2 ** 49;
const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);

class Reader {
  offset = 0;
  constructor(private readonly b: Uint8Array) {}
  get left(): number {
    return this.b.length - this.offset;
  }
  byte(): number {
    if (this.offset >= this.b.length) throw new DecodeError("TRUNCATED", this.offset, "input ends early");
    return this.b[this.offset++]!;
  }
  /** 20 bytes as 0x hex. */
  address(): Hex {
    if (this.left < 20) throw new DecodeError("TRUNCATED", this.offset, "needs 20 more bytes");
    let s = "0x";
    for (let i = 0; i < 20; i++) s += HEX[this.b[this.offset++]!];
    return s as Hex;
  }
  /**
   * `n` consecutive 64-byte EIP-2098 signatures as 65-byte 0x r ‖ s ‖ v hex strings. The hex of
   * all of them is written into one byte buffer and decoded once: per-byte string concatenation
   * was most of the decoder's time.
   */
  signatures(n: number): Hex[] {
    if (this.left < 64 * n) throw new DecodeError("TRUNCATED", this.offset, `needs ${64 * n} more bytes`);
    const b = this.b;
    // 132 chars per signature, written two at a time through a u16 view (one store per byte)
    const chars = new Uint16Array(n * 66);
    for (let t = 0, o = this.offset, c = 0; t < n; t++, o += 64) {
      chars[c++] = HEX_0X;
      for (let i = 0; i < 32; i++) chars[c++] = HEX_PAIRS[b[o + i]!]!;
      chars[c++] = HEX_PAIRS[b[o + 32]! & 0x7f]!; // the parity bit is not part of s
      for (let i = 33; i < 64; i++) chars[c++] = HEX_PAIRS[b[o + i]!]!;
      chars[c++] = (b[o + 32]! & 0x80) === 0 ? HEX_1B : HEX_1C;
    }
    this.offset += 64 * n;
    const all = LATIN1.decode(chars);
    const out: Hex[] = new Array(n);
    for (let t = 0; t < n; t++) out[t] = all.slice(t * 132, t * 132 + 132) as Hex;
    return out;
  }

  /** A 64-byte EIP-2098 signature as the 65-byte 0x r ‖ s ‖ v hex. */
  signature(): Hex {
    if (this.left < 64) throw new DecodeError("TRUNCATED", this.offset, "needs 64 more bytes");
    const b = this.b;
    const o = this.offset;
    let s = "0x";
    for (let i = 0; i < 32; i++) s += HEX[b[o + i]!];
    s += HEX[b[o + 32]! & 0x7f];
    for (let i = 33; i < 64; i++) s += HEX[b[o + i]!];
    s += (b[o + 32]! & 0x80) === 0 ? "1b" : "1c";
    this.offset += 64;
    return s as Hex;
  }
  /**
   * Shortest-form LEB128 no larger than `max`, as a number when it is below 2^49 (then exact)
   * and as a bigint otherwise.
   */
  varint(max: bigint, what: string): number | bigint {
    const start = this.offset;
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = this.byte();
      v += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) {
        if (b === 0 && mul > 1) throw new DecodeError("NONCANONICAL", start, `${what}: varint with a redundant zero byte`);
        // below 2^49 the value is an exact number: compare without allocating a BigInt
        if (max < MAX_SAFE_BIG && v > Number(max)) throw new DecodeError("RANGE", start, `${what} exceeds ${max}`);
        return v;
      }
      mul *= 128;
      if (mul >= TWO_49) break;
    }
    // the rare long varint: continue in BigInt, bounding the value at every byte
    let big = BigInt(v);
    let shift = 49n;
    for (;;) {
      const b = this.byte();
      big |= BigInt(b & 0x7f) << shift;
      if (big > max) throw new DecodeError("RANGE", start, `${what} exceeds ${max}`);
      if ((b & 0x80) === 0) {
        if (b === 0) throw new DecodeError("NONCANONICAL", start, `${what}: varint with a redundant zero byte`);
        return big;
      }
      shift += 7n;
      if (shift > 140n) throw new DecodeError("VARINT", start, `${what}: varint too long`);
    }
  }
  /** A varint that must fit a u32 (or a smaller `max`), as a number, without BigInt. */
  small(max: number, what: string): number {
    const start = this.offset;
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 5; i++) {
      const b = this.byte();
      v += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) {
        if (b === 0 && i > 0) throw new DecodeError("NONCANONICAL", start, `${what}: varint with a redundant zero byte`);
        if (v > max) throw new DecodeError("RANGE", start, `${what} exceeds ${max}`);
        return v;
      }
      mul *= 128;
    }
    throw new DecodeError("RANGE", start, `${what} exceeds ${max}`);
  }

  u64(what: string): bigint {
    const v = this.varint(MAX_U64, what);
    return typeof v === "number" ? BigInt(v) : v;
  }
}

const AMOUNT_MAX = (MAX_U128 << 6n) | 63n;

function decodeAmount(r: Reader, what: string): bigint {
  const start = r.offset;
  const x = r.varint(AMOUNT_MAX, what);
  let m: bigint;
  let e: number;
  if (typeof x === "number") {
    const mn = Math.floor(x / 64);
    e = x % 64;
    if (mn === 0 ? e !== 0 : mn % 10 === 0) throw new DecodeError("NONCANONICAL", start, `${what}: amount not in canonical form`);
    // exact in a double: one BigInt instead of BigInt(m) · 10^e
    if (e <= 22 && mn * POW10_NUM[e]! <= Number.MAX_SAFE_INTEGER) {
      return BigInt(mn * POW10_NUM[e]!);
    }
    m = mn < SMALL_BIG.length ? SMALL_BIG[mn]! : BigInt(mn);
  } else {
    m = x >> 6n;
    e = Number(x & 63n);
    if (m % 10n === 0n) throw new DecodeError("NONCANONICAL", start, `${what}: amount not in canonical form`);
  }
  if (e > 38) throw new DecodeError("RANGE", start, `${what}: exponent ${e} > 38`);
  const v = e === 0 ? m : m * POW10[e]!;
  if (v > MAX_U128) throw new DecodeError("RANGE", start, `${what} exceeds 2^128 - 1`);
  return v;
}

/**
 * Decodes DA bytes (SPEC §9) of up to {@link MAX_DA_BYTES}. Throws DecodeError for anything that
 * is not a canonical encoding. `inboxCount` (default 0) is the number of inbox messages the batch
 * consumes besides: with it the batch may hold at most 2^20 entries in all (fault `LIMIT`).
 * @throws DecodeError for bytes that are not one canonical encoding, with the fault and offset.
 */
export function decodeBatch(bytes: Uint8Array, options: { inboxCount?: number; maxBytes?: number } = {}): DaBatch {
  const inboxCount = options.inboxCount ?? 0;
  const maxBytes = options.maxBytes ?? MAX_DA_BYTES;
  if (!(bytes instanceof Uint8Array)) throw new DecodeError("EMPTY", 0, "DA bytes must be a Uint8Array");
  if (bytes.length === 0) throw new DecodeError("EMPTY", 0, "no bytes");
  if (bytes.length > maxBytes) throw new DecodeError("LIMIT", 0, `more than ${maxBytes} bytes`);
  const r = new Reader(bytes);
  const version = r.byte();
  if (version !== DA_VERSION) throw new DecodeError("VERSION", 0, `unknown format version ${version}`);
  const pairCount = r.small(DA_MAX_FEE_PAIRS, "fee pair count");
  const feePairs: FeePair[] = [];
  for (let i = 0; i < pairCount; i++) {
    const at = r.offset;
    const token = r.small(0xffffffff, "fee pair token");
    if (i > 0 && token <= feePairs[i - 1]!.token) throw new DecodeError("NONCANONICAL", at, `fee pair ${i}: tokens must be strictly increasing`);
    feePairs.push({ token, slot: r.small(0xffffffff, "fee pair slot") });
  }
  const at = r.offset;
  const n = r.small(MAX_BATCH_ENTRIES, "transaction count");
  // the inbox messages are entries too: a batch no engine could execute derives to the empty one
  if (inboxCount + n > MAX_BATCH_ENTRIES)
    throw new DecodeError("LIMIT", at, `${inboxCount} inbox messages and ${n} transactions exceed ${MAX_BATCH_ENTRIES} entries`);
  // every transaction needs half a type byte and a 64-byte signature: check before allocating
  if (n * 64 + Math.ceil(n / 2) > r.left) throw new DecodeError("TRUNCATED", at, `${n} transactions need more bytes than remain`);
  const types = new Uint8Array(n);
  const modeAt = r.offset;
  const mode = r.byte();
  if (mode === TYPES_PACKED) {
    for (let i = 0; i < n; i += 2) {
      const b = r.byte();
      const lo = b & 0x0f;
      const hi = b >> 4;
      if (lo >= TYPES.length || (i + 1 < n ? hi >= TYPES.length : hi !== 0)) {
        throw new DecodeError("TX_TYPE", r.offset - 1, "unknown transaction type");
      }
      types[i] = lo;
      if (i + 1 < n) types[i + 1] = hi;
    }
    // canonical: runs are used exactly when they are shorter
    if (countRuns(types) < Math.ceil(n / 2)) throw new DecodeError("NONCANONICAL", modeAt, "types should be run-length encoded");
  } else if (mode === TYPES_AS_RUNS) {
    let filled = 0;
    let runCount = 0;
    let prevCode = -1;
    let prevLength = 0;
    while (filled < n) {
      const b = r.byte();
      const code = b & 0x07;
      const length = (b >> 3) + 1;
      if (code >= TYPES.length) throw new DecodeError("TX_TYPE", r.offset - 1, "unknown transaction type");
      if (filled + length > n) throw new DecodeError("RANGE", r.offset - 1, "type runs exceed the transaction count");
      // canonical: runs are maximal (a run continues the previous only once that one is full)
      if (code === prevCode && prevLength < MAX_RUN) throw new DecodeError("NONCANONICAL", r.offset - 1, "type runs not maximal");
      types.fill(code, filled, filled + length);
      filled += length;
      runCount++;
      prevCode = code;
      prevLength = length;
    }
    if (runCount >= Math.ceil(n / 2)) throw new DecodeError("NONCANONICAL", modeAt, "types should be packed");
  } else {
    throw new DecodeError("NONCANONICAL", modeAt, `unknown type-column mode ${mode}`);
  }
  // the columns, read in order into flat arrays (at most 4 slots and 3 amounts per transaction)
  const slots = new Float64Array(4 * n);
  for (let i = 0; i < n; i++) {
    const fields = SLOT_FIELDS[TYPES[types[i]!]!];
    for (let k = 0; k < fields.length; k++) {
      if (fields[k] === "lpSlot") {
        const v = r.small(0x100000000, "lpSlot");
        if (v === 0x100000000) throw new DecodeError("RANGE", r.offset, "lpSlot out of range");
        slots[4 * i + k] = v === 0 ? NEW_SLOT : v - 1;
      } else {
        slots[4 * i + k] = r.small(0xffffffff, "slot index");
      }
    }
  }
  const amounts: bigint[] = new Array(3 * n);
  for (let i = 0; i < n; i++) {
    const k = AMOUNT_FIELDS[TYPES[types[i]!]!].length;
    for (let j = 0; j < k; j++) amounts[3 * i + j] = decodeAmount(r, "amount");
  }
  const nonces: bigint[] = new Array(n);
  for (let i = 0; i < n; i++) nonces[i] = r.u64("nonce");
  const extras: (Hex | number)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    if (types[i] === 1) extras[i] = r.address();
    else if (types[i] === 3) extras[i] = r.small(0xffff, "feeBps");
  }
  const signatures = r.signatures(n);
  const txs: SignedTx[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const s = 4 * i;
    const a = 3 * i;
    const nonce = nonces[i]!;
    const signature = signatures[i]!;
    switch (types[i]) {
      case TX_TYPE_CODES.transfer:
        txs[i] = { type: "transfer", from: slots[s]!, to: slots[s + 1]!, amount: amounts[a]!, fee: amounts[a + 1]!, nonce, signature };
        break;
      case TX_TYPE_CODES.transferToNew:
        txs[i] = { type: "transferToNew", from: slots[s]!, toOwner: extras[i] as Hex, amount: amounts[a]!, fee: amounts[a + 1]!, nonce, signature };
        break;
      case TX_TYPE_CODES.withdraw:
        txs[i] = { type: "withdraw", from: slots[s]!, amount: amounts[a]!, fee: amounts[a + 1]!, nonce, signature };
        break;
      case TX_TYPE_CODES.createPool:
        txs[i] = {
          type: "createPool",
          fromA: slots[s]!,
          fromB: slots[s + 1]!,
          amountA: amounts[a]!,
          amountB: amounts[a + 1]!,
          feeBps: extras[i] as number,
          nonce,
          signature,
        };
        break;
      case TX_TYPE_CODES.addLiquidity:
        txs[i] = {
          type: "addLiquidity",
          pool: slots[s]!,
          fromA: slots[s + 1]!,
          fromB: slots[s + 2]!,
          lpSlot: slots[s + 3]!,
          amountA: amounts[a]!,
          amountB: amounts[a + 1]!,
          minShares: amounts[a + 2]!,
          nonce,
          signature,
        };
        break;
      case TX_TYPE_CODES.removeLiquidity:
        txs[i] = {
          type: "removeLiquidity",
          pool: slots[s]!,
          lpSlot: slots[s + 1]!,
          toA: slots[s + 2]!,
          toB: slots[s + 3]!,
          shares: amounts[a]!,
          minA: amounts[a + 1]!,
          minB: amounts[a + 2]!,
          nonce,
          signature,
        };
        break;
      default:
        txs[i] = { type: "swap", pool: slots[s]!, from: slots[s + 1]!, to: slots[s + 2]!, amountIn: amounts[a]!, minOut: amounts[a + 1]!, nonce, signature };
        break;
    }
  }
  if (r.left !== 0) throw new DecodeError("TRAILING_BYTES", r.offset, `${r.left} bytes after the last signature`);
  return { feePairs, txs };
}

/**
 * The header's inbox range, checked: start a u64, count a u32 and the range within the u64
 * indices.
 * @throws InvalidArgumentError otherwise: no header the batch contract stores holds anything else.
 */
export function checkInboxRange(inbox: unknown, what = "inbox"): InboxRange {
  const r = inbox as Partial<InboxRange> | null;
  if (r === null || typeof r !== "object") throw new InvalidArgumentError(`${what} must be { start: bigint, count: number }`);
  if (typeof r.start !== "bigint" || r.start < 0n || r.start > MAX_U64) throw new InvalidArgumentError(`${what}.start must be a u64 bigint`);
  if (typeof r.count !== "number" || !Number.isInteger(r.count) || r.count < 0 || r.count > 0xffffffff)
    throw new InvalidArgumentError(`${what}.count must be a u32`);
  if (r.start + BigInt(r.count) - 1n > MAX_U64)
    throw new InvalidArgumentError(`${what} (start ${r.start}, count ${r.count}) runs past the last u64 inbox index`);
  return { start: r.start, count: r.count };
}

/**
 * The derivation rule (SPEC §9.4) of a batch posted on L1: it consumes the header's inbox range
 * `inbox` **always**; its fee pairs and transactions are those of `bytes` when they are one
 * canonical encoding of at most {@link MAX_L1_DA_BYTES} bytes with `inbox.count + n ≤ 2^20`, and
 * none otherwise. The error says why, for logs; the outcome is deterministic either way.
 *
 * @throws InvalidArgumentError when `inbox` is not a u64 start and u32 count within the u64 indices.
 */
export function deriveBatch(bytes: Uint8Array, inbox: InboxRange): { batch: DerivedBatch; error: DecodeError | null } {
  const range = checkInboxRange(inbox);
  try {
    // a count above 2^20 can never be executed: LIMIT, with the range still consumed
    if (range.count > MAX_BATCH_ENTRIES) throw new DecodeError("LIMIT", 0, `the header's inbox count ${range.count} exceeds ${MAX_BATCH_ENTRIES} entries`);
    const da = decodeBatch(bytes, { inboxCount: range.count, maxBytes: MAX_L1_DA_BYTES });
    return { batch: { ...da, inbox: range }, error: null };
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
    return { batch: { feePairs: [], inbox: range, txs: [] }, error: err };
  }
}
