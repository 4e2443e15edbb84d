// The receipts of a stored batch as one binary column (docs/SPEC.md §12, store format 5): a
// 10,000-transfer batch's receipts as msgpack maps with u128 hex strings were ~400 KB and the
// largest single cost of a commit (~20 ms of a ~90 ms commit at 2^20 slots, docs/DECISIONS.md
// D48); as this column they are 120 KB, written and read in one pass without an object per value.
//
// Per receipt, in entry order: status u8 ‖ touched count n u8 (≤ MAX_TOUCHED_SLOTS) ‖ n touched
// slot indices u32 little-endian ‖ out[0] ‖ out[1], each out value a length byte ℓ (0–16) then
// its ℓ bytes little-endian, minimal (0 is ℓ = 0; otherwise the last byte is not 0).

import { DecodeError, EncodeError } from "../protocol/errors.js";
import { MAX_TOUCHED_SLOTS } from "../protocol/constants.generated.js";
import { MAX_U128, type ReasonCode, type Receipt } from "../protocol/types.js";

/** Bytes of a u128 in the column's minimal little-endian form (without its length byte). */
function byteLength(v: bigint): number {
  let n = 0;
  while (v > 0n) {
    v >>= 8n;
    n++;
  }
  return n;
}

/**
 * The receipts column of `receipts`.
 * @throws EncodeError naming the receipt and field when a status is not a u8, a touched list is
 * longer than MAX_TOUCHED_SLOTS or holds a non-u32, or an out value is not a u128 bigint.
 */
export function encodeReceiptColumn(receipts: readonly Receipt[], what = "result.receipts"): Uint8Array {
  if (!Array.isArray(receipts)) throw new EncodeError(`${what} must be an array`);
  let size = 0;
  for (let i = 0; i < receipts.length; i++) {
    const r = receipts[i] as Partial<Receipt> | null;
    if (r === null || typeof r !== "object") throw new EncodeError(`${what}[${i}] must be an object`);
    const { status, touched, out } = r;
    if (typeof status !== "number" || !Number.isInteger(status) || status < 0 || status > 0xff) throw new EncodeError(`${what}[${i}].status must be a u8`);
    if (!Array.isArray(touched) || touched.length > MAX_TOUCHED_SLOTS)
      throw new EncodeError(`${what}[${i}].touched must be an array of at most ${MAX_TOUCHED_SLOTS} slots`);
    for (let k = 0; k < touched.length; k++) {
      const s = touched[k];
      if (typeof s !== "number" || !Number.isInteger(s) || s < 0 || s > 0xffffffff) throw new EncodeError(`${what}[${i}].touched[${k}] must be a u32`);
    }
    if (!Array.isArray(out) || out.length !== 2) throw new EncodeError(`${what}[${i}].out must have 2 entries`);
    size += 4 + 4 * touched.length;
    for (let k = 0; k < 2; k++) {
      const v = out[k];
      if (typeof v !== "bigint" || v < 0n || v > MAX_U128) throw new EncodeError(`${what}[${i}].out[${k}] must be a u128 bigint`);
      if (v !== 0n) size += byteLength(v);
    }
  }
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  let at = 0;
  for (const { status, touched, out } of receipts) {
    bytes[at++] = status;
    bytes[at++] = touched.length;
    for (const s of touched) {
      view.setUint32(at, s, true);
      at += 4;
    }
    for (let v of out) {
      const lengthAt = at++;
      while (v > 0n) {
        bytes[at++] = Number(v & 0xffn);
        v >>= 8n;
      }
      bytes[lengthAt] = at - lengthAt - 1;
    }
  }
  return bytes;
}

/**
 * Decodes a receipts column that must hold exactly `count` receipts.
 * @throws DecodeError (TRUNCATED, RANGE, NONCANONICAL, TRAILING_BYTES) naming the receipt and its byte offset.
 */
export function decodeReceiptColumn(bytes: Uint8Array, count: number): Receipt[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const receipts: Receipt[] = new Array(count);
  let at = 0;
  const need = (n: number, i: number) => {
    if (at + n > bytes.length) throw new DecodeError("TRUNCATED", at, `receipt ${i} of ${count} runs past the end of the column`);
  };
  for (let i = 0; i < count; i++) {
    need(2, i);
    const status = bytes[at]! as ReasonCode;
    const n = bytes[at + 1]!;
    if (n > MAX_TOUCHED_SLOTS) throw new DecodeError("RANGE", at + 1, `receipt ${i} names ${n} touched slots, more than ${MAX_TOUCHED_SLOTS}`);
    at += 2;
    need(4 * n, i);
    const touched = new Array<number>(n);
    for (let k = 0; k < n; k++) touched[k] = view.getUint32(at + 4 * k, true);
    at += 4 * n;
    const out: [bigint, bigint] = [0n, 0n];
    for (let k = 0; k < 2; k++) {
      need(1, i);
      const len = bytes[at]!;
      if (len > 16) throw new DecodeError("RANGE", at, `receipt ${i} out[${k}] is ${len} bytes long, more than a u128's 16`);
      need(1 + len, i);
      if (len > 0 && bytes[at + len] === 0) throw new DecodeError("NONCANONICAL", at + len, `receipt ${i} out[${k}] has a zero high byte`);
      let v = 0n;
      for (let b = len; b >= 1; b--) v = (v << 8n) | BigInt(bytes[at + b]!);
      out[k] = v;
      at += 1 + len;
    }
    receipts[i] = { status, touched, out };
  }
  if (at !== bytes.length) throw new DecodeError("TRAILING_BYTES", at, `${bytes.length - at} bytes follow the ${count} receipts of the column`);
  return receipts;
}
