// A small, independent TypeScript model of the v1 DA bytes (docs/SPEC.md §9 as amended by
// protocol v1 §C: fee pairs (token, slot) with tokens strictly increasing, no inbox range), written
// from the spec for the BatchData.sol tests: an encoder that can also write the non-canonical forms
// a decoder must refuse, and a plain field-by-field decoder to compare the word-parallel Solidity
// walk with on mutated bytes.

export const MAX_L1_DA_BYTES = 120_000;
export const MAX_ENTRIES = 1 << 20;
export const NEW_LP = 0xffffffff;
/** Slot fields and u128 fields per type code (0 transfer … 6 swap), SPEC §9.1. */
export const SLOT_FIELDS = [2, 1, 1, 2, 4, 4, 3] as const;
export const AMOUNT_FIELDS = [2, 2, 2, 2, 3, 3, 2] as const;

/**
 * The lpSlot fields (addLiquidity's 4th slot, removeLiquidity's 2nd) are written lpSlot′ =
 * lpSlot + 1, 0 for 0xffffffff: §9.1 names it for addLiquidity; the §9.5 vector (removeLiquidity
 * lpSlot 10 written 0x0b) shows it for both.
 */
export function isLpField(type: number, k: number): boolean {
  return (type === 4 && k === 3) || (type === 5 && k === 1);
}

export interface DaTx {
  type: number;
  /** SPEC §6 field order; addLiquidity's lpSlot is NEW_LP for a new LP slot. */
  slots: number[];
  amounts: bigint[];
  nonce: bigint;
  toOwner?: string; // transferToNew: 0x + 40 hex
  feeBps?: number; // createPool
  /** 64 bytes: r ‖ yParity·2^255 + s (EIP-2098). */
  sig: Uint8Array;
}

export interface DaBatch {
  pairs: Array<[token: number, slot: number]>;
  txs: DaTx[];
}

export function varint(v: bigint | number): number[] {
  let x = BigInt(v);
  if (x < 0n) throw new RangeError("varint: negative");
  const out: number[] = [];
  do {
    const b = Number(x & 0x7fn);
    x >>= 7n;
    out.push(x > 0n ? b | 0x80 : b);
  } while (x > 0n);
  return out;
}

/** `m·64 + e` with `v = m·10^e`, e maximal ≤ 38 (SPEC §9.2). */
export function amountCode(v: bigint): bigint {
  if (v === 0n) return 0n;
  let m = v;
  let e = 0n;
  while (e < 38n && m % 10n === 0n) {
    m /= 10n;
    e++;
  }
  return m * 64n + e;
}

/** Canonical run bytes of a type list: maximal runs cut into pieces of at most 32. */
export function runBytes(types: number[]): number[] {
  const out: number[] = [];
  let i = 0;
  while (i < types.length) {
    let len = 1;
    while (i + len < types.length && types[i + len] === types[i] && len < 32) len++;
    out.push(types[i]! | ((len - 1) << 3));
    i += len;
  }
  return out;
}

export function packedBytes(types: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < types.length; i += 2) out.push(types[i]! | ((types[i + 1] ?? 0) << 4));
  return out;
}

export function typesColumn(types: number[], mode: "auto" | "packed" | "runs" = "auto"): number[] {
  const runs = runBytes(types);
  const packed = packedBytes(types);
  const useRuns = mode === "runs" || (mode === "auto" && runs.length < packed.length);
  return useRuns ? [1, ...runs] : [0, ...packed];
}

export interface Columns {
  header: number[];
  types: number[];
  slots: number[];
  amounts: number[];
  nonces: number[];
  extras: number[];
  sigs: number[];
}

export function columns(b: DaBatch, typesMode: "auto" | "packed" | "runs" = "auto"): Columns {
  const header = [1, ...varint(b.pairs.length)];
  for (const [t, s] of b.pairs) header.push(...varint(t), ...varint(s));
  header.push(...varint(b.txs.length));
  const c: Columns = {
    header,
    types: typesColumn(
      b.txs.map((t) => t.type),
      typesMode,
    ),
    slots: [],
    amounts: [],
    nonces: [],
    extras: [],
    sigs: [],
  };
  for (const tx of b.txs) {
    tx.slots.forEach((s, k) => c.slots.push(...varint(isLpField(tx.type, k) ? (s === NEW_LP ? 0 : s + 1) : s)));
    for (const a of tx.amounts) c.amounts.push(...varint(amountCode(a)));
    c.nonces.push(...varint(tx.nonce));
    if (tx.type === 1) c.extras.push(...hexBytes(tx.toOwner!));
    if (tx.type === 3) c.extras.push(...varint(tx.feeBps!));
    c.sigs.push(...tx.sig);
  }
  return c;
}

export function join(c: Columns): Uint8Array {
  return Uint8Array.from([...c.header, ...c.types, ...c.slots, ...c.amounts, ...c.nonces, ...c.extras, ...c.sigs]);
}

export function encodeV1(b: DaBatch): Uint8Array {
  return join(columns(b));
}

export function hexBytes(h: string): number[] {
  const s = h.startsWith("0x") ? h.slice(2) : h;
  return Array.from({ length: s.length / 2 }, (_, i) => parseInt(s.slice(2 * i, 2 * i + 2), 16));
}

export type Decoded = { ok: true; pairs: Array<[number, number]>; txs: DaTx[] } | { ok: false; why: string };

/**
 * The plain decoder: every rule of §9 one field at a time. `why` names the first rule broken
 * (for test messages only; the verdict is all that is protocol).
 */
export function decodeV1(da: Uint8Array, inboxCount: number): Decoded {
  const fail = (why: string): Decoded => ({ ok: false, why });
  if (da.length === 0 || da.length > MAX_L1_DA_BYTES) return fail("length");
  if (inboxCount > MAX_ENTRIES) return fail("inbox LIMIT");
  if (da[0] !== 1) return fail("version");
  let p = 1;
  const read = (maxBits: number): bigint | null => {
    let v = 0n;
    let shift = 0n;
    const start = p;
    for (;;) {
      if (p >= da.length) return null;
      const b = da[p++]!;
      v |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if (b < 0x80) {
        if (b === 0 && p - start > 1) return null;
        return v < 1n << BigInt(maxBits) ? v : null;
      }
      if (shift > 140n) return null;
    }
  };
  const f = read(32);
  if (f === null || f > 16n) return fail("pair count");
  const pairs: Array<[number, number]> = [];
  for (let k = 0; k < Number(f); k++) {
    const t = read(32);
    const s = read(32);
    if (t === null || s === null) return fail("pair varint");
    if (k > 0 && Number(t) <= pairs[k - 1]![0]) return fail("pair order");
    pairs.push([Number(t), Number(s)]);
  }
  const nBig = read(21);
  if (nBig === null || nBig + BigInt(inboxCount) > BigInt(MAX_ENTRIES)) return fail("n");
  const n = Number(nBig);
  if (p + 64 * n >= da.length) return fail("n vs bytes");
  const limit = da.length - 64 * n;
  const mode = da[p++]!;
  const types: number[] = [];
  if (mode === 0) {
    const bytes = Math.ceil(n / 2);
    if (p + bytes > limit) return fail("packed length");
    for (let t = 0; t < n; t++) {
      const code = (da[p + (t >> 1)]! >> (4 * (t & 1))) & 0xf;
      if (code > 6) return fail("type code");
      types.push(code);
    }
    if (n & 1 && da[p + (n >> 1)]! >> 4) return fail("packed pad");
    if (runBytes(types).length < bytes) return fail("packed not shorter");
    p += bytes;
  } else if (mode === 1) {
    let prev = -1;
    let prevLen = 0;
    let runs = 0;
    while (types.length < n) {
      if (p >= limit) return fail("runs truncated");
      const b = da[p++]!;
      const code = b & 7;
      const len = (b >> 3) + 1;
      if (code > 6) return fail("type code");
      if (code === prev && prevLen !== 32) return fail("run continuation");
      if (types.length + len > n) return fail("run overshoot");
      for (let k = 0; k < len; k++) types.push(code);
      prev = code;
      prevLen = len;
      runs++;
    }
    if (runs >= Math.ceil(n / 2)) return fail("runs not shorter");
  } else return fail("types mode");
  const within = () => p <= limit;
  const txs: DaTx[] = types.map((type) => ({ type, slots: [], amounts: [], nonce: 0n, sig: new Uint8Array(64) }));
  for (const tx of txs) {
    for (let k = 0; k < SLOT_FIELDS[tx.type]!; k++) {
      const v = read(32);
      if (v === null || !within()) return fail("slot");
      tx.slots.push(isLpField(tx.type, k) ? (v === 0n ? NEW_LP : Number(v) - 1) : Number(v));
    }
  }
  for (const tx of txs) {
    for (let k = 0; k < AMOUNT_FIELDS[tx.type]!; k++) {
      const v = read(140);
      if (v === null || !within()) return fail("amount varint");
      const m = v >> 6n;
      const e = v & 63n;
      if (e > 38n || (m === 0n && e !== 0n) || (m !== 0n && e < 38n && m % 10n === 0n)) return fail("amount form");
      const a = m * 10n ** e;
      if (a >= 1n << 128n) return fail("amount range");
      tx.amounts.push(a);
    }
  }
  for (const tx of txs) {
    const v = read(64);
    if (v === null || !within()) return fail("nonce");
    tx.nonce = v;
  }
  for (const tx of txs) {
    if (tx.type === 1) {
      if (p + 20 > limit) return fail("toOwner");
      tx.toOwner = `0x${Buffer.from(da.subarray(p, p + 20)).toString("hex")}`;
      p += 20;
    }
    if (tx.type === 3) {
      const v = read(16);
      if (v === null || !within()) return fail("feeBps");
      tx.feeBps = Number(v);
    }
  }
  if (p !== limit) return fail("trailing bytes before signatures");
  txs.forEach((tx, i) => (tx.sig = da.slice(limit + 64 * i, limit + 64 * i + 64)));
  return { ok: true, pairs, txs };
}

/** An amount whose code `m·64` (e = 0, m odd) is exactly `bytes` long as a varint (1–20). */
export function amountOfLength(bytes: number): bigint {
  return bytes === 1 ? 1n : (1n << BigInt(7 * (bytes - 1) - 6)) + 1n;
}

/**
 * Grow `b`'s last transactions' fields (amounts up to 20 bytes, slots up to 5, nonces up to 10)
 * until it encodes to exactly `target` bytes; false when it cannot (it is already longer, or the
 * fields run out).
 */
export function padTo(b: DaBatch, target: number): boolean {
  let deficit = target - encodeV1(b).length;
  for (let t = b.txs.length - 1; t >= 0 && deficit > 0; t--) {
    const tx = b.txs[t]!;
    for (let k = 0; k < tx.amounts.length && deficit > 0; k++) {
      const now = varint(amountCode(tx.amounts[k]!)).length;
      const grow = Math.min(deficit, 20 - now);
      if (grow > 0) tx.amounts[k] = amountOfLength(now + grow);
      deficit -= Math.max(grow, 0);
    }
    if (deficit > 0) {
      const now = varint(tx.nonce).length;
      const grow = Math.min(deficit, 10 - now);
      if (grow > 0) tx.nonce = 1n << BigInt(7 * (now + grow - 1));
      deficit -= Math.max(grow, 0);
    }
  }
  return deficit === 0 && encodeV1(b).length === target;
}
