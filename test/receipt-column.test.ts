// The stored batch's receipts column (docs/SPEC.md §12, store format 5): the spec's vector, round
// trips of arbitrary receipts, and every malformed column refused with the rule it broke.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { Packr } from "msgpackr";
import { describe, expect, it } from "vitest";
import { DecodeError, EncodeError, StoreError } from "../src/protocol/errors.js";
import { MAX_U128, type Receipt, type ReasonCode } from "../src/protocol/types.js";
import { decodeReceiptColumn, encodeReceiptColumn } from "../src/store/receipt-column.js";
import { decodeStoredBatch, encodeStoredBatch, type StoredBatch } from "../src/store/store.js";
import { fromHex, toHex } from "../src/protocol/bytes.js";

const vector = JSON.parse(readFileSync(new URL("./vectors/spec-store.json", import.meta.url), "utf8"));
const spec = readFileSync(new URL("../docs/SPEC.md", import.meta.url), "utf8").replace(/[\s`]/g, "");
const receiptsOf = (v: typeof vector): Receipt[] =>
  v.receipts.map((r: { status: number; touched: number[]; out: string[] }) => ({ ...r, out: r.out.map(BigInt) }));

const receipt = fc.record({
  status: fc.integer({ min: 0, max: 255 }).map((s) => s as ReasonCode),
  touched: fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 7 }),
  out: fc.tuple(fc.bigInt({ min: 0n, max: MAX_U128 }), fc.bigInt({ min: 0n, max: MAX_U128 })),
});

const decodeFault = (bytes: Uint8Array, count: number): DecodeError => {
  try {
    decodeReceiptColumn(bytes, count);
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    return e as DecodeError;
  }
  throw new Error("decoded");
};

describe("receipts column", () => {
  it("the SPEC §12 vector: encoded by the code and printed in the spec", () => {
    const receipts = receiptsOf(vector);
    expect(toHex(encodeReceiptColumn(receipts)).slice(2)).toBe(vector.column);
    expect(decodeReceiptColumn(fromHex(`0x${vector.column}`), 3)).toEqual(receipts);
    expect(spec).toContain(vector.column);
  });

  it("round-trips any receipts, each in 4 + 4n bytes plus its outputs' minimal lengths", () => {
    fc.assert(
      fc.property(fc.array(receipt, { maxLength: 40 }), (receipts) => {
        const bytes = encodeReceiptColumn(receipts);
        const len = (v: bigint) => (v === 0n ? 0 : Math.ceil(v.toString(16).length / 2));
        expect(bytes.length).toBe(receipts.reduce((n, r) => n + 4 + 4 * r.touched.length + len(r.out[0]) + len(r.out[1]), 0));
        expect(decodeReceiptColumn(bytes, receipts.length)).toEqual(receipts);
      }),
      { numRuns: 200 },
    );
  });

  it("refuses malformed columns: truncated, too many touched slots, a long or non-minimal output, trailing bytes", () => {
    const good = fromHex(`0x${vector.column}`);
    expect(decodeFault(good.subarray(0, good.length - 1), 3).fault).toBe("TRUNCATED");
    expect(decodeFault(good, 4).fault).toBe("TRUNCATED"); // one receipt more than the column holds
    expect(decodeFault(good, 2).fault).toBe("TRAILING_BYTES");
    expect(decodeFault(Uint8Array.of(0, 8, ...new Array(34).fill(0)), 1).message).toMatch(/receipt 0 names 8 touched slots/);
    expect(decodeFault(Uint8Array.of(0, 0, 17, ...new Array(17).fill(1), 0), 1).fault).toBe("RANGE");
    const zeroHigh = decodeFault(Uint8Array.of(0, 0, 2, 1, 0, 0), 1);
    expect(zeroHigh.fault).toBe("NONCANONICAL");
    expect(zeroHigh.message).toMatch(/receipt 0 out\[0\] has a zero high byte/);
  });

  it("refuses to encode what the column cannot hold, naming the receipt and field", () => {
    const ok: Receipt = { status: 0, touched: [1], out: [0n, 0n] };
    const bad = (r: unknown) => () => encodeReceiptColumn([ok, r as Receipt]);
    expect(bad({ ...ok, status: 256 })).toThrow(/result\.receipts\[1\]\.status must be a u8/);
    expect(bad({ ...ok, touched: [0, 1, 2, 3, 4, 5, 6, 7] })).toThrow(/result\.receipts\[1\]\.touched must be an array of at most 7/);
    expect(bad({ ...ok, touched: [2 ** 32] })).toThrow(/result\.receipts\[1\]\.touched\[0\] must be a u32/);
    expect(bad({ ...ok, out: [MAX_U128 + 1n, 0n] })).toThrow(/result\.receipts\[1\]\.out\[0\] must be a u128/);
    expect(bad(null)).toThrow(EncodeError);
  });
});

describe("stored-batch record (format 5)", () => {
  const batch: StoredBatch = {
    number: 7,
    feePairs: [{ token: 1, slot: 4 }],
    inboxStart: 41n,
    l1MessageCount: 1,
    txCount: 2,
    result: {
      preStateRoot: `0x${"11".repeat(32)}`,
      postStateRoot: `0x${"22".repeat(32)}`,
      postTreeRoot: `0x${"33".repeat(32)}`,
      slotCount: 1001,
      receipts: receiptsOf(vector),
      withdrawals: [{ owner: `0x${"ab".repeat(20)}`, token: 1, amount: 10n ** 18n }],
      withdrawalsRoot: `0x${"44".repeat(32)}`,
      fees: [5n],
      feesCredited: [5n],
    },
  };

  it("keeps the result's receipts as the binary column, in the result record's place, and decodes back", () => {
    const bytes = encodeStoredBatch(batch);
    const raw = new Packr({ useRecords: false, mapsAsObjects: true }).unpack(bytes) as { result: Record<string, unknown> };
    expect(Object.keys(raw.result)).toEqual([
      "preStateRoot",
      "postStateRoot",
      "postTreeRoot",
      "slotCount",
      "receipts",
      "withdrawals",
      "withdrawalsRoot",
      "fees",
      "feesCredited",
    ]);
    expect(toHex(raw.result.receipts as Uint8Array).slice(2)).toBe(vector.column);
    expect(decodeStoredBatch(bytes)).toEqual(batch);
  });

  it("a column whose receipt count is not l1MessageCount + txCount is StoreError CORRUPT", () => {
    const err = (() => {
      try {
        decodeStoredBatch(encodeStoredBatch({ ...batch, txCount: 3 }));
      } catch (e) {
        return e as StoreError;
      }
      throw new Error("decoded");
    })();
    expect(err).toBeInstanceOf(StoreError);
    expect(err.fault).toBe("CORRUPT");
    expect(err.message).toMatch(/receipt 3 of 4 runs past the end/);
  });
});
