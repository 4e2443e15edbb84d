import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { DecodeError, EncodeError, MAX_L1_DA_BYTES, decodeBatch, deriveBatch, encodeBatch, type DaBatch } from "../src/da/codec.js";
import { InvalidArgumentError } from "../src/protocol/errors.js";
import { signTransaction, addressOf } from "../src/protocol/signatures.js";
import { MAX_U128, NEW_SLOT, type SignedTx, type Tx } from "../src/protocol/types.js";
import { toHex } from "../src/protocol/bytes.js";

const DOMAIN = { chainId: 1n, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3" as const };
const KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" as const;

// ---- arbitraries: every transaction type, amounts both round and arbitrary ----
const u32 = fc.oneof(fc.nat(300), fc.nat(0xffffffff), fc.constant(0xffffffff));
const amount = fc.oneof(
  fc.constant(0n),
  fc.bigInt({ min: 0n, max: 10n ** 6n }),
  fc.tuple(fc.bigInt({ min: 1n, max: 999n }), fc.nat(35)).map(([m, e]) => m * 10n ** BigInt(e)),
  fc.bigInt({ min: 0n, max: MAX_U128 }),
  fc.constant(MAX_U128),
);
const nonce = fc.oneof(fc.bigInt({ min: 0n, max: 200n }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }));
const address = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => toHex(b));
const tx: fc.Arbitrary<Tx> = fc.oneof(
  fc.record({ type: fc.constant("transfer" as const), from: u32, to: u32, amount, fee: amount, nonce }),
  fc.record({ type: fc.constant("transferToNew" as const), from: u32, toOwner: address, amount, fee: amount, nonce }),
  fc.record({ type: fc.constant("withdraw" as const), from: u32, amount, fee: amount, nonce }),
  fc.record({ type: fc.constant("createPool" as const), fromA: u32, fromB: u32, amountA: amount, amountB: amount, feeBps: fc.nat(0xffff), nonce }),
  fc.record({
    type: fc.constant("addLiquidity" as const),
    pool: u32,
    fromA: u32,
    fromB: u32,
    lpSlot: fc.oneof(u32, fc.constant(NEW_SLOT)),
    amountA: amount,
    amountB: amount,
    minShares: amount,
    nonce,
  }),
  fc.record({ type: fc.constant("removeLiquidity" as const), pool: u32, lpSlot: u32, toA: u32, toB: u32, shares: amount, minA: amount, minB: amount, nonce }),
  fc.record({ type: fc.constant("swap" as const), pool: u32, from: u32, to: u32, amountIn: amount, minOut: amount, nonce }),
);
// signing is slow: sign a pool of digests once and attach real low-s signatures at random
const SIGS = Array.from({ length: 16 }, (_, i) => signTransaction({ type: "withdraw", from: i, amount: 1n, fee: 0n, nonce: 0n }, KEY, DOMAIN).signature);
const signed = fc.tuple(tx, fc.nat(SIGS.length - 1)).map(([t, s]) => ({ ...t, signature: SIGS[s]! }) as SignedTx);
// fee pairs: one per token, tokens strictly increasing (SPEC §9.1)
const feePairs = fc
  .uniqueArray(u32, { maxLength: 16 })
  .chain((tokens) => fc.tuple(...tokens.sort((a, b) => a - b).map((token) => u32.map((slot) => ({ token, slot })))))
  .map((pairs) => [...pairs]);
const batchArb: fc.Arbitrary<DaBatch> = fc.record({ feePairs, txs: fc.array(signed, { maxLength: 30 }) });
const NONE = { feePairs: [] };

describe("DA codec round trips", () => {
  it("decode(encode(b)) == b and encode(decode(x)) == x for random batches of every type", () => {
    fc.assert(
      fc.property(batchArb, (b) => {
        const bytes = encodeBatch(b);
        const back = decodeBatch(bytes);
        expect(back).toEqual(b);
        expect(toHex(encodeBatch(back))).toBe(toHex(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it("round trips batches of one type (run-length type column) and picks the shorter type column", () => {
    fc.assert(
      fc.property(fc.array(signed, { minLength: 1, maxLength: 80 }), fc.nat(6), (txs, k) => {
        const same = txs.map((t) => ({ ...txs[k % txs.length]!, nonce: t.nonce }));
        const b = { ...NONE, txs: same };
        const bytes = encodeBatch(b);
        expect(decodeBatch(bytes)).toEqual(b);
        // header 3 bytes, then the mode byte: runs (1) exactly when ⌈n/32⌉ < ⌈n/2⌉
        expect(bytes[3]).toBe(Math.ceil(same.length / 32) < Math.ceil(same.length / 2) ? 1 : 0);
      }),
      { numRuns: 200 },
    );
  });

  it("a plain transfer costs at most 76 bytes including its signature", () => {
    const transfers: SignedTx[] = Array.from({ length: 1000 }, (_, i) =>
      signTransaction(
        { type: "transfer", from: 100_000 + i * 997, to: 900_000 - i * 13, amount: 25n * 10n ** 17n, fee: 10n ** 15n, nonce: BigInt(i % 300) },
        KEY,
        DOMAIN,
      ),
    );
    const bytes = encodeBatch({ feePairs: [{ token: 1, slot: 0 }], txs: transfers });
    expect(bytes.length / 1000).toBeLessThanOrEqual(76);
  });

  it("normalizes v = 0/1 to 27/28, and rejects signatures with no compact form", () => {
    const t = signTransaction({ type: "withdraw", from: 1, amount: 1n, fee: 0n, nonce: 0n }, KEY, DOMAIN);
    const v = parseInt(t.signature.slice(-2), 16);
    const raw = { ...t, signature: `${t.signature.slice(0, -2)}${(v - 27).toString(16).padStart(2, "0")}` as `0x${string}` };
    const back = decodeBatch(encodeBatch({ ...NONE, txs: [raw] }));
    expect(back.txs[0]!.signature).toBe(t.signature);
    // high s: flip s to n - s
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const s = BigInt(`0x${t.signature.slice(66, 130)}`);
    const high = `${t.signature.slice(0, 66)}${(n - s).toString(16).padStart(64, "0")}${t.signature.slice(130)}` as `0x${string}`;
    expect(() => encodeBatch({ ...NONE, txs: [{ ...t, signature: high }] })).toThrow(EncodeError);
    expect(() => encodeBatch({ ...NONE, txs: [{ ...t, signature: "0x1234" }] })).toThrow(EncodeError);
    expect(() => encodeBatch({ ...NONE, txs: [{ ...t, amount: -1n } as SignedTx] })).toThrow(EncodeError);
  });
});

describe("DA codec on hostile input", () => {
  const sample = encodeBatch({
    feePairs: [
      { token: 1, slot: 0 },
      { token: 5, slot: 7 },
    ],
    txs: [
      signTransaction({ type: "transfer", from: 1, to: 2, amount: 10n ** 18n, fee: 1n, nonce: 3n }, KEY, DOMAIN),
      signTransaction({ type: "transferToNew", from: 1, toOwner: addressOf(KEY), amount: 5n, fee: 0n, nonce: 4n }, KEY, DOMAIN),
      signTransaction({ type: "createPool", fromA: 1, fromB: 2, amountA: 10n ** 20n, amountB: 3n * 10n ** 19n, feeBps: 30, nonce: 5n }, KEY, DOMAIN),
      signTransaction({ type: "addLiquidity", pool: 9, fromA: 1, fromB: 2, lpSlot: NEW_SLOT, amountA: 1n, amountB: 2n, minShares: 0n, nonce: 6n }, KEY, DOMAIN),
    ],
  });

  /** Decoding either succeeds with a batch that re-encodes to the same bytes, or throws DecodeError. */
  function check(bytes: Uint8Array): "ok" | string {
    try {
      const b = decodeBatch(bytes);
      expect(toHex(encodeBatch(b))).toBe(toHex(bytes));
      return "ok";
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      expect(e.code).toBe("DECODE_FAILED");
      return e.fault;
    }
  }

  it("100,000+ random, truncated, extended and bit-flipped inputs give a batch or a DecodeError", () => {
    const faults = new Map<string, number>();
    const note = (f: string) => faults.set(f, (faults.get(f) ?? 0) + 1);
    let x = 0x12345678;
    const rnd = (n: number) => {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      return x % n;
    };
    for (let len = 0; len <= sample.length; len++) note(check(sample.subarray(0, len)));
    for (let i = 0; i < 40_000; i++) {
      const b = sample.slice();
      const flips = 1 + rnd(3);
      for (let k = 0; k < flips; k++) b[rnd(b.length)]! ^= 1 << rnd(8);
      note(check(b));
    }
    for (let i = 0; i < 20_000; i++) {
      const extra = new Uint8Array(1 + rnd(40)).map(() => rnd(256));
      const b = new Uint8Array(sample.length + extra.length);
      b.set(sample);
      b.set(extra, sample.length);
      note(check(b));
    }
    for (let i = 0; i < 40_000; i++) {
      const b = new Uint8Array(rnd(300)).map(() => rnd(256));
      if (b.length > 0 && rnd(2) === 0) b[0] = 1; // get past the version byte half of the time
      note(check(b));
    }
    const total = [...faults.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(100_000);
    // the suite must reach deep into the format, not only fail at the first byte
    for (const f of ["TRUNCATED", "TRAILING_BYTES", "NONCANONICAL", "TX_TYPE", "VERSION"]) expect(faults.get(f) ?? 0).toBeGreaterThan(0);
  }, 120_000);

  it("fuzzes a single-type batch (run-length types) the same way", () => {
    const txs = Array.from({ length: 40 }, (_, i) => ({
      type: "transfer" as const,
      from: i,
      to: i + 1,
      amount: 10n ** 18n,
      fee: 0n,
      nonce: BigInt(i),
      signature: SIGS[i % SIGS.length]!,
    }));
    const base = encodeBatch({ ...NONE, txs });
    expect(base[3]).toBe(1);
    let x = 99;
    const faults = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      const b = base.slice();
      b[3 + (x % 40)]! ^= 1 << ((x >>> 8) % 8); // the type column and what follows it
      faults.add(check(b));
    }
    expect(faults.has("NONCANONICAL") || faults.has("RANGE")).toBe(true);
  }, 60_000);

  it("rejects non-maximal type runs and a type-column mode that is not the shorter one", () => {
    const t = (n: number) => Array.from({ length: n }, () => ({ type: "withdraw" as const, from: 1, amount: 1n, fee: 0n, nonce: 0n, signature: SIGS[0]! }));
    const bytes = encodeBatch({ ...NONE, txs: t(4) }); // one run of 4
    expect([...bytes.subarray(3, 5)]).toEqual([1, 2 | (3 << 3)]);
    // the same 4 withdrawals written as two runs of 2: decodes to the same batch, so it is rejected
    const split = new Uint8Array(bytes.length + 1);
    split.set(bytes.subarray(0, 4));
    split[4] = 2 | (1 << 3);
    split[5] = 2 | (1 << 3);
    split.set(bytes.subarray(5), 6);
    expect(() => decodeBatch(split)).toThrow(/not maximal/);
    // packed nibbles for 4 equal types (2 bytes) when one run byte would do
    const packed = new Uint8Array(bytes.length + 1);
    packed.set(bytes.subarray(0, 3));
    packed[3] = 0;
    packed[4] = 0x22;
    packed[5] = 0x22;
    packed.set(bytes.subarray(5), 6);
    expect(() => decodeBatch(packed)).toThrow(/run-length/);
  });

  it("rejects a declared transaction count larger than the input before allocating", () => {
    // version, 0 fee pairs, then a count of 2^20 with nothing after it
    const hostile = new Uint8Array([0x01, 0x00, 0x80, 0x80, 0x40]);
    const before = process.memoryUsage().heapUsed;
    const t = performance.now();
    expect(() => decodeBatch(hostile)).toThrow(DecodeError);
    expect(performance.now() - t).toBeLessThan(1000); // a guard against a hang, not a speed claim
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(8 * 1024 * 1024);
    const tooMany = new Uint8Array([0x01, 0x00, 0x81, 0x80, 0x40]); // 2^20 + 1 > the limit
    expect(() => decodeBatch(tooMany)).toThrow(/exceeds/);
  });

  it("derives undecodable bytes to no fee pairs and no transactions, still consuming the header's inbox range", () => {
    const d = deriveBatch(new Uint8Array([0x02, 0, 0]), { start: 7n, count: 3 });
    expect(d.batch).toEqual({ feePairs: [], inbox: { start: 7n, count: 3 }, txs: [] });
    expect(d.error?.fault).toBe("VERSION");
    const ok = deriveBatch(sample, { start: 99n, count: 2 });
    expect(ok.error).toBeNull();
    expect(ok.batch.inbox).toEqual({ start: 99n, count: 2 });
    expect(ok.batch.feePairs).toEqual([
      { token: 1, slot: 0 },
      { token: 5, slot: 7 },
    ]);
  });

  it("refuses fee pairs whose tokens are not strictly increasing (one canonical order)", () => {
    const encode = (pairs: { token: number; slot: number }[]) => encodeBatch({ feePairs: pairs, txs: [] });
    expect(
      toHex(
        encode([
          { token: 1, slot: 9 },
          { token: 2, slot: 9 },
        ]),
      ),
    ).toBe("0x010201090209" + "0000");
    expect(() =>
      encode([
        { token: 2, slot: 0 },
        { token: 1, slot: 0 },
      ]),
    ).toThrow(/greater than/);
    expect(() =>
      encode([
        { token: 2, slot: 0 },
        { token: 2, slot: 1 },
      ]),
    ).toThrow(/greater than/);
    expect(() => encodeBatch({ feePairs: Array.from({ length: 17 }, (_, token) => ({ token, slot: 0 })), txs: [] })).toThrow(EncodeError);
    for (const hex of ["010202000100" + "0000", "010202000200" + "0000"]) {
      expect(() => decodeBatch(Uint8Array.from(Buffer.from(hex, "hex")))).toThrow(/strictly increasing/);
      expect(deriveBatch(Uint8Array.from(Buffer.from(hex, "hex")), { start: 0n, count: 0 }).error?.fault).toBe("NONCANONICAL");
    }
    expect(() => decodeBatch(Uint8Array.from(Buffer.from("0111" + "0000", "hex")))).toThrow(/exceeds 16/);
  });

  it("caps a batch posted on L1 at MAX_L1_DA_BYTES; the bare codec takes more", () => {
    const txs = Array.from({ length: 1700 }, (_, i) => ({
      type: "transfer" as const,
      from: 100_000 + i,
      to: 200_000 + i,
      amount: 123_456_789n + BigInt(i),
      fee: 1n,
      nonce: BigInt(i),
      signature: SIGS[i % SIGS.length]!,
    }));
    const bytes = encodeBatch({ ...NONE, txs });
    expect(bytes.length).toBeGreaterThan(MAX_L1_DA_BYTES);
    expect(decodeBatch(bytes).txs.length).toBe(1700);
    const over = deriveBatch(bytes, { start: 3n, count: 2 });
    expect(over.error?.fault).toBe("LIMIT");
    expect(over.batch).toEqual({ feePairs: [], inbox: { start: 3n, count: 2 }, txs: [] });
    // the largest prefix that fits is derived as it is
    let n = 1700;
    let fits = bytes;
    while (fits.length > MAX_L1_DA_BYTES) fits = encodeBatch({ ...NONE, txs: txs.slice(0, --n) });
    expect(deriveBatch(fits, { start: 3n, count: 2 }).batch.txs.length).toBe(n);
  });

  it("refuses an inbox range no header can hold (not a u64 start, not a u32 count, past 2^64)", () => {
    const empty = encodeBatch({ ...NONE, txs: [] });
    for (const inbox of [
      { start: -1n, count: 0 },
      { start: 1n << 64n, count: 0 },
      { start: 0n, count: -1 },
      { start: 0n, count: 2 ** 32 },
      { start: (1n << 64n) - 2n, count: 3 },
      { start: 0, count: 0 },
      null,
    ]) {
      expect(() => deriveBatch(empty, inbox as never)).toThrow(InvalidArgumentError);
    }
    expect(deriveBatch(empty, { start: (1n << 64n) - 2n, count: 2 }).error).toBeNull();
  });

  it("rejects non-canonical varints and amounts", () => {
    expect(() => decodeBatch(new Uint8Array([0x01, 0x80, 0x00, 0, 0]))).toThrow(/redundant zero/);
    // amount 10 written as mantissa 10, exponent 0 instead of 1·10^1
    const b = encodeBatch({ ...NONE, txs: [{ type: "withdraw", from: 0, amount: 10n, fee: 0n, nonce: 0n, signature: SIGS[0]! }] });
    const i = b.indexOf((1 << 6) | 1); // the amount's byte: m = 1, e = 1
    const bad = b.slice();
    bad[i] = (10 << 6) & 0xff; // m = 10 needs two bytes; any m divisible by 10 is rejected
    expect(() => decodeBatch(bad)).toThrow(DecodeError);
  });
});

describe("SPEC §9.5 derivation at the limits", () => {
  const spec = readFileSync(new URL("../docs/SPEC.md", import.meta.url), "utf8");
  // `01 00 00 00`: version, no fee pairs, n = 0, an empty packed type column
  const rows: [string, { start: bigint; count: number }, DecodeError["fault"] | null][] = [
    ["01000000", { start: 5n, count: 1 << 20 }, null],
    ["01000000", { start: 5n, count: (1 << 20) + 1 }, "LIMIT"],
    ["01000000", { start: (1n << 64n) - 2n, count: 2 }, null],
    ["02000000", { start: 0n, count: 1 }, "VERSION"],
  ];
  it.each(rows)("%s with inbox %o", (hex, inbox, fault) => {
    expect(spec).toContain(`\`${hex}\` with inbox ${inbox.start}/${inbox.count}`);
    const { batch, error } = deriveBatch(Uint8Array.from(Buffer.from(hex, "hex")), inbox);
    expect(batch.inbox).toEqual(inbox);
    expect(batch.txs).toEqual([]);
    expect(error?.fault ?? null).toBe(fault);
  });
});
