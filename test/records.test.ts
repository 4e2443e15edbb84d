import { describe, expect, it } from "vitest";
import { Packr } from "msgpackr";
import { DecodeError, EncodeError } from "../src/da/codec.js";
import { decodeBatchResult, encodeBatchResult } from "../src/store/records.js";
import { MAX_U128, type BatchResult } from "../src/protocol/types.js";

const h = (c: string) => `0x${c.repeat(64)}` as const;
const result: BatchResult = {
  preStateRoot: h("1"),
  postStateRoot: h("2"),
  postTreeRoot: h("3"),
  slotCount: 12,
  receipts: [
    { status: 0, touched: [1, 2], out: [0n, 0n] },
    { status: 13, touched: [5, 6, 7, 8, 9], out: [MAX_U128, 1n] },
  ],
  withdrawals: [{ owner: "0xABaBaBaBABabABabAbAbABAbABabababaBaBABaB", token: 7, amount: 10n ** 30n }],
  withdrawalsRoot: h("4"),
  fees: [3n, 0n],
  feesCredited: [0n, 0n],
};
const raw = new Packr({ useRecords: false, mapsAsObjects: true });

describe("msgpackr records with a schema", () => {
  it("round-trips a batch result exactly, u128 included", () => {
    expect(decodeBatchResult(encodeBatchResult(result))).toEqual(result);
  });

  it("stores addresses lowercase whatever their case, and gives them back checksummed (D37)", () => {
    const lower = { ...result, withdrawals: [{ ...result.withdrawals[0]!, owner: `0x${"ab".repeat(20)}` as const }] };
    expect(encodeBatchResult(result)).toEqual(encodeBatchResult(lower));
    expect((raw.unpack(encodeBatchResult(result)) as { withdrawals: { owner: string }[] }).withdrawals[0]!.owner).toBe(`0x${"ab".repeat(20)}`);
    expect(decodeBatchResult(encodeBatchResult(lower)).withdrawals[0]!.owner).toBe("0xABaBaBaBABabABabAbAbABAbABabababaBaBABaB");
  });

  it("rejects unknown, missing and mistyped fields", () => {
    const wire = raw.unpack(encodeBatchResult(result)) as Record<string, unknown>;
    const mutate = (f: (w: Record<string, any>) => void) => {
      const w = structuredClone(wire);
      f(w);
      return raw.pack(w);
    };
    const cases = [
      mutate((w) => (w.extra = 1)),
      mutate((w) => delete w.fees),
      mutate((w) => (w.slotCount = -1)),
      mutate((w) => (w.slotCount = "12")),
      mutate((w) => (w.receipts[0].out = ["0x0"])),
      mutate((w) => (w.receipts[0].touched = [1, 2, 3, 4, 5, 6, 7, 8])),
      mutate((w) => (w.withdrawals[0].amount = "0x01")), // non-canonical hex (leading zero)
      mutate((w) => (w.withdrawals[0].amount = `0x1${"0".repeat(32)}`)), // 2^128: too large
      mutate((w) => (w.postStateRoot = w.postStateRoot.toUpperCase())),
      mutate((w) => (w.receipts[1].extra = true)),
    ];
    for (const bytes of cases) expect(() => decodeBatchResult(bytes)).toThrow(DecodeError);
    expect(() => decodeBatchResult(new Uint8Array([0xc1]))).toThrow(DecodeError); // reserved byte
    const full = encodeBatchResult(result);
    for (let len = 0; len < full.length; len += 7) expect(() => decodeBatchResult(full.subarray(0, len))).toThrow(DecodeError);
  });

  it("refuses to encode values outside the schema", () => {
    expect(() => encodeBatchResult({ ...result, slotCount: 2 ** 32 })).toThrow(EncodeError);
    expect(() => encodeBatchResult({ ...result, fees: [MAX_U128 + 1n] })).toThrow(EncodeError);
  });
});
