// contracts/BatchData.sol (SPEC §9 as amended by protocol v1 §C, written from the spec) against
// an independent TypeScript model of the same format (test/l1/da-v1.ts): round trips of every
// transaction type, every non-canonical rule refused with ok = false (never a revert), the limit
// cases, the hashes of §D/§E, and mutated bytes on which the two decoders must agree.
import { describe, expect, it } from "vitest";
import { decodeErrorResult, type Hex } from "viem";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { Rng, generateBatch, genesis } from "../workload.js";
import { deriveBatch, encodeBatch } from "../../src/da/codec.js";
import type { SignedTx } from "../../src/protocol/types.js";
import { claimHash as tsClaimHash, headerHash as tsHeaderHash, inboxRecord as tsInboxRecord } from "../../src/protocol/l1-records.js";
import { InProcessEvm, artifact, type Deployed } from "./evm.js";
import {
  AMOUNT_FIELDS,
  MAX_ENTRIES,
  MAX_L1_DA_BYTES,
  NEW_LP,
  SLOT_FIELDS,
  type Columns,
  type DaBatch,
  type DaTx,
  amountCode,
  columns,
  decodeV1,
  encodeV1,
  hexBytes,
  join,
  padTo,
  varint,
} from "./da-v1.js";

const hex = (b: Uint8Array | number[]) => `0x${Buffer.from(Uint8Array.from(b)).toString("hex")}` as Hex;
const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";
const MAX_U128 = (1n << 128n) - 1n;

interface SolEntry {
  txType: number;
  slot: readonly number[];
  amount: readonly bigint[];
  nonce: bigint;
  toOwner: string;
  feeBps: number;
  r: Hex;
  yParityAndS: Hex;
}
type SolDecode = readonly [boolean, bigint, SolEntry];

/** The Entry the spec says transaction `tx` is (unused fields zero). */
function entryOf(tx: DaTx): SolEntry {
  return {
    txType: tx.type,
    slot: [0, 1, 2, 3].map((k) => tx.slots[k] ?? 0),
    amount: [0, 1, 2].map((k) => tx.amounts[k] ?? 0n),
    nonce: tx.nonce,
    toOwner: tx.type === 1 ? tx.toOwner! : ZERO_ADDRESS,
    feeBps: tx.type === 3 ? tx.feeBps! : 0,
    r: hex(tx.sig.subarray(0, 32)),
    yParityAndS: hex(tx.sig.subarray(32, 64)),
  };
}

function normalize(e: SolEntry): SolEntry {
  return { ...e, slot: [...e.slot], amount: [...e.amount], toOwner: e.toOwner.toLowerCase() };
}

/** A random transaction of `type`, with field values drawn towards the range edges. */
function randomTx(rng: Rng, type: number): DaTx {
  const slot = () => rng.pick([0, 1, 127, 128, 2 ** 20 - 1, 2 ** 32 - 1, rng.int(2 ** 20), rng.next()]);
  const amount = () => {
    const r = rng.int(8);
    if (r === 0) return 0n;
    if (r === 1) return MAX_U128;
    if (r === 2) return 3n * 10n ** 38n;
    if (r === 3) return rng.big(MAX_U128);
    return BigInt(1 + rng.int(9999)) * 10n ** BigInt(rng.int(19));
  };
  const slots = Array.from({ length: SLOT_FIELDS[type]! }, slot);
  if (type === 4) slots[3] = rng.pick([NEW_LP, 0, 2 ** 32 - 2, rng.int(2 ** 20)]);
  if (type === 5) slots[1] = rng.pick([NEW_LP, 0, 2 ** 32 - 2, rng.int(2 ** 20)]);
  const sig = Uint8Array.from({ length: 64 }, () => rng.int(256));
  return {
    type,
    slots,
    amounts: Array.from({ length: AMOUNT_FIELDS[type]! }, amount),
    nonce: rng.pick([0n, 1n, 127n, 128n, 2n ** 64n - 1n, BigInt(rng.int(500)), rng.big(2n ** 64n - 1n)]),
    toOwner: type === 1 ? hex(Uint8Array.from({ length: 20 }, () => rng.int(256))) : undefined,
    feeBps: type === 3 ? rng.pick([0, 30, 1000, 65535, rng.int(65536)]) : undefined,
    sig,
  };
}

function randomBatch(rng: Rng, size: number, types: readonly number[] = [0, 1, 2, 3, 4, 5, 6]): DaBatch {
  const pairCount = rng.int(4) === 0 ? rng.int(17) : rng.int(3);
  const tokens = [...new Set(Array.from({ length: pairCount }, () => rng.pick([0, 1, 2, 3, 2 ** 31, 2 ** 32 - 1, rng.next()])))].sort((a, b) => a - b);
  const runny = rng.chance(0.5);
  const txs: DaTx[] = [];
  let type = rng.pick(types);
  for (let k = 0; k < size; k++) {
    if (!runny || rng.chance(0.05)) type = rng.pick(types);
    txs.push(randomTx(rng, type));
  }
  return { pairs: tokens.map((t) => [t, rng.pick([0, 5, 2 ** 32 - 1, rng.next()])]), txs };
}

const FIELDS: Record<string, [string[], string[], number]> = {
  transfer: [["from", "to"], ["amount", "fee"], 0],
  transferToNew: [["from"], ["amount", "fee"], 1],
  withdraw: [["from"], ["amount", "fee"], 2],
  createPool: [["fromA", "fromB"], ["amountA", "amountB"], 3],
  addLiquidity: [["pool", "fromA", "fromB", "lpSlot"], ["amountA", "amountB", "minShares"], 4],
  removeLiquidity: [["pool", "lpSlot", "toA", "toB"], ["shares", "minA", "minB"], 5],
  swap: [["pool", "from", "to"], ["amountIn", "minOut"], 6],
};

/** A transaction of the TS API (65-byte r ‖ s ‖ v signature) as the DA model holds it. */
function fromSigned(tx: object): DaTx {
  const t = tx as Record<string, string | number | bigint>;
  const [slots, amounts, type] = FIELDS[t.type as string]!;
  const sig = hexBytes(t.signature as string);
  const compact = Uint8Array.from(sig.slice(0, 64));
  compact[32]! |= (sig[64]! - 27) << 7;
  return {
    type,
    slots: slots.map((f) => Number(t[f])),
    amounts: amounts.map((f) => BigInt(t[f]!)),
    nonce: BigInt(t.nonce!),
    toOwner: type === 1 ? (t.toOwner as string).toLowerCase() : undefined,
    feeBps: type === 3 ? Number(t.feeBps) : undefined,
    sig: compact,
  };
}

/**
 * The bytes of `b` and mutations of them: byte flips and stomps (mostly in the varint columns),
 * cuts, insertions, deletions, and at the level of meaning: a wrong n, a non-shortest varint, a
 * non-canonical amount, the other type-column mode.
 */
function variantsOf(rng: Rng, b: DaBatch): Uint8Array[] {
  const c = columns(b);
  const variants: Uint8Array[] = [join(c)];
  const bytes = join(c);
  for (let m = 0; m < 5; m++) {
    const x = bytes.slice();
    const r = b.txs.length === 0 ? rng.int(6) : rng.int(9);
    // aim most byte mutations at the varint columns, where the rules are
    const at = rng.chance(0.8) ? rng.int(Math.max(1, bytes.length - 64 * b.txs.length)) : rng.int(bytes.length);
    if (r === 0) x[at]! ^= 1 << rng.int(8);
    else if (r === 1) x[at] = rng.pick([0x00, 0x80, 0x7f, 0xff, 0x01]);
    else if (r === 2) variants.push(x.subarray(0, at));
    else if (r === 3) variants.push(Uint8Array.from([...x.subarray(0, at), rng.int(256), ...x.subarray(at)]));
    else if (r === 4) variants.push(Uint8Array.from([...x.subarray(0, at), ...x.subarray(at + 1)]));
    else if (r === 5) {
      // wrong counts
      const n = b.txs.length + rng.pick([-1, 1, 2, -2]);
      if (n >= 0) variants.push(join({ ...c, header: [...c.header.slice(0, -varint(b.txs.length).length), ...varint(n)] }));
    } else if (r === 6) {
      // a varint made non-shortest: append 0x00 after setting the continuation bit of a terminator
      const col = rng.pick(["slots", "amounts", "nonces"] as const);
      const arr = [...c[col]];
      const ends = arr.flatMap((v, k) => (v < 0x80 ? [k] : []));
      const k = rng.pick(ends);
      arr.splice(k, 1, arr[k]! | 0x80, 0);
      variants.push(join({ ...c, [col]: arr }));
    } else if (r === 7) {
      // a non-canonical amount: m·10 with e − 1, or the same value with e one short
      const tx = rng.pick(b.txs);
      const k = rng.int(tx.amounts.length);
      const v = tx.amounts[k]!;
      const code = amountCode(v);
      const m = code >> 6n;
      const e = code & 63n;
      const alt = e > 0n ? m * 10n * 64n + (e - 1n) : m * 64n + 39n;
      const bb: DaBatch = { ...b, txs: b.txs.map((t) => (t === tx ? { ...t, amounts: t.amounts.map((a, j) => (j === k ? -1n : a)) } : t)) };
      // encode with the alternative code spliced in where the amount goes
      const cc = columns({ ...bb, txs: bb.txs.map((t) => ({ ...t, amounts: t.amounts.map((a) => (a < 0n ? 0n : a)) })) });
      const idx = b.txs.slice(0, b.txs.indexOf(tx)).reduce((s, t) => s + t.amounts.length, 0) + k;
      const enc: number[] = [];
      let q = 0;
      for (const t of bb.txs) for (const a of t.amounts) enc.push(...(q++ === idx ? varint(alt) : varint(amountCode(a < 0n ? 0n : a))));
      variants.push(join({ ...cc, amounts: enc }));
    } else {
      // the other types mode for the same types
      const other = c.types[0] === 0 ? [1, ...columns(b, "runs").types.slice(1)] : [0, ...columns(b, "packed").types.slice(1)];
      variants.push(join({ ...c, types: other }));
    }
    if (r <= 1) variants.push(x);
  }
  return variants;
}

describe("BatchData.sol decodes v1 DA bytes canonically", async () => {
  const evm = await InProcessEvm.create();
  const harness: Deployed = await evm.deploy(artifact("BatchDataHarness"));

  const decode = async (da: Uint8Array, inboxCount: number | bigint, i: number | bigint) => {
    const r = await harness.call<SolDecode>("decode", [hex(da), BigInt(inboxCount), BigInt(i)]);
    return r;
  };
  const check = async (da: Uint8Array, inboxCount = 0) => {
    const r = await harness.call<readonly [boolean, bigint]>("check", [hex(da), BigInt(inboxCount)]);
    expect(r.ok, "check never reverts").toBe(true);
    return { ok: r.value![0], n: Number(r.value![1]) };
  };

  /** Every transaction of `b` decodes from `da` as the spec says, and the TS model agrees. */
  const expectRoundTrip = async (b: DaBatch, da = encodeV1(b), inboxCount = 0) => {
    const model = decodeV1(da, inboxCount);
    expect(model.ok, model.ok ? "" : model.why).toBe(true);
    const n = b.txs.length;
    const picks = n <= 8 ? [...Array(n).keys()] : [0, 1, 31, 32, n - 2, n - 1, (n * 0.37) | 0, (n * 0.71) | 0].filter((i) => i < n);
    for (const i of picks) {
      const r = await decode(da, inboxCount, i);
      expect(r.ok, `decode(${i}) reverted`).toBe(true);
      const [ok, n, e] = r.value!;
      expect(ok).toBe(true);
      expect(Number(n)).toBe(b.txs.length);
      expect(normalize(e), `tx ${i}`).toEqual(entryOf(b.txs[i]!));
    }
  };
  const expectRefused = async (da: Uint8Array, what: string, inboxCount = 0) => {
    const model = decodeV1(da, inboxCount);
    expect(model.ok, `model accepts: ${what}`).toBe(false);
    const r = await decode(da, inboxCount, 0);
    expect(r.ok, `${what}: reverted instead of ok = false`).toBe(true);
    expect(r.value![0], what).toBe(false);
    expect(r.value![1], what).toBe(0n);
  };

  it("round-trips every transaction type, packed and in runs", async () => {
    const rng = new Rng(11);
    for (let type = 0; type < 7; type++) {
      // one type: runs (⌈n/32⌉ bytes) beat packed as soon as n ≥ 3
      for (const size of [1, 2, 3, 33, 70]) await expectRoundTrip({ pairs: [], txs: Array.from({ length: size }, () => randomTx(rng, type)) });
    }
    // mixed: packed
    const mixed = randomBatch(rng, 40);
    mixed.txs.forEach((tx, i) => (mixed.txs[i] = randomTx(rng, i % 7)));
    expect(columns(mixed).types[0]).toBe(0);
    await expectRoundTrip(mixed);
    // 32 of one type then one more of it: a full run continued
    await expectRoundTrip({ pairs: [[1, 2]], txs: [...Array.from({ length: 64 }, () => randomTx(rng, 0)), randomTx(rng, 6)] });
    // edge values in every field
    for (let k = 0; k < 12; k++) await expectRoundTrip(randomBatch(rng, 1 + rng.int(30)));
  }, 120_000);

  it("decodes the §8 batch of SPEC §9.5 as the signed transactions of test/vectors", async () => {
    const spec = (await import("../vectors/spec-da.json", { with: { type: "json" } })).default as { full: string };
    const engine = (await import("../vectors/spec-engine.json", { with: { type: "json" } })).default as unknown as {
      batch: { txs: Array<Record<string, string | number>> };
    };
    // version, one pair (token 1, slot 2), eight transactions; the inbox range 41..43 is the header's
    const da = Uint8Array.from(hexBytes(spec.full));
    expect([...da.subarray(0, 5)]).toEqual([1, 1, 1, 2, 8]);
    const pairs = await harness.call<readonly [boolean, readonly number[], readonly number[]]>("pairsOf", [hex(da), 3n]);
    expect(pairs.value).toEqual([true, [1], [2]]);
    for (const [i, tx] of engine.batch.txs.entries()) {
      const want = fromSigned(tx);
      const r = await decode(da, 3, i);
      expect(r.value![0]).toBe(true);
      expect(normalize(r.value![2]), `tx ${i} ${tx.type}`).toEqual(entryOf(want));
    }
    expect(encodeV1({ pairs: [[1, 2]], txs: [] })).toEqual(Uint8Array.from([1, 1, 1, 2, 0, 0]));
  });

  it("refuses every non-canonical form with ok = false", async () => {
    const rng = new Rng(7);
    const one = (type: number, patch: Partial<DaTx> = {}) => ({ ...randomTx(rng, type), ...patch });
    const base: DaBatch = {
      pairs: [
        [1, 5],
        [7, 9],
      ],
      txs: [one(0), one(1), one(3), one(4), one(6)],
    };
    const good = columns(base);
    await expectRoundTrip(base);
    const withCol = (patch: Partial<Columns>) => join({ ...good, ...patch });
    const header = (pairs: number[][], n: number) => [1, ...varint(pairs.length), ...pairs.flatMap(([t, s]) => [...varint(t!), ...varint(s!)]), ...varint(n)];

    await expectRefused(new Uint8Array(0), "empty");
    await expectRefused(Uint8Array.from([2, ...join(good).subarray(1)]), "version 2");
    await expectRefused(Uint8Array.from([0, ...join(good).subarray(1)]), "version 0");
    // fee pairs
    await expectRefused(withCol({ header: [1, 17, ...Array.from({ length: 17 }, (_, k) => [k, 0]).flat(), 5] }), "17 pairs");
    await expectRoundTrip({ pairs: Array.from({ length: 16 }, (_, k) => [k, 0] as [number, number]), txs: [] });
    await expectRefused(withCol({ header: [1, 0x82, 0x00, 1, 5, 7, 9, 5] }), "pair count not shortest");
    await expectRefused(
      withCol({
        header: header(
          [
            [7, 5],
            [7, 9],
          ],
          5,
        ),
      }),
      "equal tokens",
    );
    await expectRefused(
      withCol({
        header: header(
          [
            [7, 5],
            [1, 9],
          ],
          5,
        ),
      }),
      "decreasing tokens",
    );
    await expectRefused(withCol({ header: [1, 1, 0x80, 0x80, 0x80, 0x80, 0x10, 0, 5] }), "token 2^32");
    await expectRefused(withCol({ header: [1, 1, 0, 0x80, 0x80, 0x80, 0x80, 0x10, 5] }), "slot 2^32");
    await expectRefused(withCol({ header: [1, 1, 0x81, 0x00, 0, 5] }), "token not shortest");
    await expectRoundTrip({ pairs: [[2 ** 32 - 1, 2 ** 32 - 1]], txs: [one(2)] });
    // n
    await expectRefused(
      withCol({
        header: [
          ...header(
            [
              [1, 5],
              [7, 9],
            ],
            0,
          ).slice(0, -1),
          0x85,
          0x00,
        ],
      }),
      "n not shortest",
    );
    await expectRefused(
      withCol({
        header: header(
          [
            [1, 5],
            [7, 9],
          ],
          6,
        ),
      }),
      "n one too many",
    );
    await expectRefused(
      withCol({
        header: header(
          [
            [1, 5],
            [7, 9],
          ],
          4,
        ),
      }),
      "n one too few",
    );
    await expectRefused(Uint8Array.from([1, 0, 0x80, 0x80, 0x40, 0, ...new Uint8Array(200)]), "n = 2^20 with 200 bytes");
    await expectRefused(Uint8Array.from([1, 0, 0x81, 0x80, 0x40, 0]), "n = 2^20 + 1");
    // types
    const types = [0, 1, 3, 4, 6];
    await expectRefused(withCol({ types: [2, ...good.types.slice(1)] }), "types mode 2");
    await expectRefused(withCol({ types: [1, 0 | (0 << 3), 1, 3, 4, 6] }), "runs for a tie (5 runs vs 3 packed)");
    expect(good.types).toEqual([0, 0x10, 0x43, 0x06]);
    await expectRefused(withCol({ types: [0, 0x10, 0x43, 0x16] }), "packed pad nibble not zero");
    await expectRefused(withCol({ types: [0, 0x17, 0x43, 0x06] }), "packed type 7");
    const sixOf = (type: number) => ({ pairs: [], txs: Array.from({ length: 6 }, () => one(type)) });
    const runs6 = columns(sixOf(2));
    expect(runs6.types).toEqual([1, 2 | (5 << 3)]);
    await expectRoundTrip(sixOf(2));
    await expectRefused(join({ ...runs6, types: [0, 0x22, 0x22, 0x22] }), "packed where runs are shorter");
    await expectRefused(join({ ...runs6, types: [1, 2 | (2 << 3), 2 | (2 << 3)] }), "a run continuing a run of 3");
    await expectRefused(join({ ...runs6, types: [1, 2 | (6 << 3)] }), "a run past n");
    await expectRefused(join({ ...runs6, types: [1, 2 | (4 << 3)] }), "runs short of n");
    await expectRefused(join({ ...runs6, types: [1, 7 | (5 << 3)] }), "run of type 7");
    await expectRefused(Uint8Array.from([1, 0, 0, 1]), "n = 0 in runs");
    await expectRoundTrip({ pairs: [], txs: [] }, Uint8Array.from([1, 0, 0, 0]));
    await expectRefused(Uint8Array.from([1, 0, 0, 0, 0]), "n = 0 and a trailing byte");
    void types;
    // slots (u32), including addLiquidity's lpSlot′
    const slotsOf = (b: DaBatch) => columns(b).slots;
    const s1 = { pairs: [], txs: [one(2, { slots: [5] })] };
    expect(slotsOf(s1)).toEqual([5]);
    await expectRefused(join({ ...columns(s1), slots: [0x85, 0x00] }), "slot not shortest");
    await expectRefused(join({ ...columns(s1), slots: [0x80, 0x80, 0x80, 0x80, 0x10] }), "slot 2^32");
    await expectRefused(join({ ...columns(s1), slots: [0x80, 0x80, 0x80, 0x80, 0x80, 0x01] }), "slot, 6 bytes");
    await expectRoundTrip({ pairs: [], txs: [one(2, { slots: [2 ** 32 - 1] })] });
    const lp = { pairs: [], txs: [one(4, { slots: [1, 2, 3, 2 ** 32 - 2] })] };
    expect(slotsOf(lp).slice(3)).toEqual(varint(2 ** 32 - 1));
    await expectRoundTrip(lp);
    await expectRoundTrip({ pairs: [], txs: [one(4, { slots: [1, 2, 3, NEW_LP] })] });
    await expectRefused(join({ ...columns(lp), slots: [1, 2, 3, ...varint(2 ** 32)] }), "lpSlot′ 2^32");
    // amounts
    const a1 = (amounts: bigint[]) => ({ pairs: [], txs: [one(2, { amounts })] });
    const am = columns(a1([1n, 7n]));
    expect(am.amounts).toEqual([0x40, 0xc0, 0x03]);
    const code = (m: bigint, e: bigint) => varint(m * 64n + e);
    await expectRefused(join({ ...am, amounts: [...code(50n, 0n), ...code(7n, 0n)] }), "amount e not maximal");
    await expectRefused(join({ ...am, amounts: [...code(10n, 17n), ...code(7n, 0n)] }), "amount e not maximal (10·10^17)");
    await expectRefused(join({ ...am, amounts: [...code(0n, 1n), ...code(7n, 0n)] }), "zero with e = 1");
    await expectRefused(join({ ...am, amounts: [...code(1n, 39n), ...code(7n, 0n)] }), "e = 39");
    await expectRefused(join({ ...am, amounts: [...code(1n, 63n), ...code(7n, 0n)] }), "e = 63");
    await expectRefused(join({ ...am, amounts: [...code(4n, 38n), ...code(7n, 0n)] }), "4·10^38 ≥ 2^128");
    await expectRefused(join({ ...am, amounts: [...code(1n << 128n, 0n), ...code(7n, 0n)] }), "2^128 + 0");
    await expectRefused(join({ ...am, amounts: [...code((1n << 128n) + 1n, 0n), ...code(7n, 0n)] }), "2^128 + 1");
    await expectRefused(join({ ...am, amounts: [...code(3402823669209384634633746074317682115n, 2n), ...code(7n, 0n)] }), "just ≥ 2^128 with e = 2");
    await expectRefused(join({ ...am, amounts: [0x80 | 0x45, 0x00, ...code(7n, 0n)] }), "amount not shortest");
    await expectRefused(join({ ...am, amounts: [...Array(20).fill(0xff), 0x01, ...code(7n, 0n)] }), "amount, 21 bytes");
    for (const v of [MAX_U128, 3n * 10n ** 38n, 34n * 10n ** 37n, 10n ** 38n, 1n, 0n, 1234n * 10n ** 18n, (1n << 127n) + 1n]) {
      await expectRoundTrip(a1([v, v]));
    }
    expect(amountCode(3n * 10n ** 38n)).toBe(3n * 64n + 38n);
    // nonces (u64)
    const nn = (nonce: bigint) => ({ pairs: [], txs: [one(2, { nonce })] });
    await expectRoundTrip(nn(2n ** 64n - 1n));
    await expectRefused(join({ ...columns(nn(0n)), nonces: varint(2n ** 64n) }), "nonce 2^64");
    await expectRefused(join({ ...columns(nn(0n)), nonces: [0x80, 0x00] }), "nonce not shortest");
    await expectRefused(join({ ...columns(nn(0n)), nonces: [...Array(10).fill(0x80), 0x01] }), "nonce, 11 bytes");
    // extras
    const fee = (feeBps: number) => ({ pairs: [], txs: [one(3, { feeBps })] });
    await expectRoundTrip(fee(65535));
    await expectRefused(join({ ...columns(fee(0)), extras: varint(65536) }), "feeBps 2^16");
    await expectRefused(join({ ...columns(fee(0)), extras: [0x9e, 0x00] }), "feeBps not shortest");
    const tn = { pairs: [], txs: [one(1), one(3, { feeBps: 200 }), one(1)] };
    await expectRoundTrip(tn);
    const tnc = columns(tn);
    await expectRefused(join({ ...tnc, extras: tnc.extras.slice(0, -1) }), "the last toOwner one byte short");
    await expectRefused(join({ ...tnc, extras: [...tnc.extras, 0] }), "a byte between extras and signatures");
    // the end
    const all = join(good);
    await expectRefused(Uint8Array.from([...all, 0]), "a trailing byte");
    await expectRefused(all.subarray(0, all.length - 1), "one byte short");
  }, 120_000);

  it("takes at most 120,000 bytes and 2^20 entries with the inbox messages (LIMIT)", async () => {
    const rng = new Rng(3);
    const empty = Uint8Array.from([1, 0, 0, 0]);
    expect(await check(empty, MAX_ENTRIES)).toEqual({ ok: true, n: 0 });
    await expectRefused(empty, "inbox count 2^20 + 1", MAX_ENTRIES + 1);
    expect((await check(empty, 2 ** 40)).ok).toBe(false);
    const b1: DaBatch = { pairs: [], txs: [randomTx(rng, 0)] };
    expect(await check(encodeV1(b1), MAX_ENTRIES - 1)).toEqual({ ok: true, n: 1 });
    await expectRefused(encodeV1(b1), "inbox 2^20 − 1 + one transaction", MAX_ENTRIES);
    // exactly 120,000 bytes decode; 120,001 do not
    const filler = (k: number): DaTx => ({ type: 2, slots: [k], amounts: [1n, 1n], nonce: 0n, sig: new Uint8Array(64).fill(k & 0xff) });
    const full: DaBatch = { pairs: [[1, 2]], txs: Array.from({ length: 1740 }, (_, k) => filler(k)) };
    while (encodeV1(full).length > MAX_L1_DA_BYTES) full.txs.pop();
    const txs = full.txs;
    expect(padTo(full, MAX_L1_DA_BYTES)).toBe(true);
    const exact = encodeV1(full);
    expect(await check(exact)).toEqual({ ok: true, n: txs.length });
    const last = await decode(exact, 0, txs.length - 1);
    expect(normalize(last.value![2])).toEqual(entryOf(txs[txs.length - 1]!));
    const over = full.txs.map((t) => ({ ...t, amounts: [...t.amounts] }));
    over[0]!.amounts[0] = 10n ** 2n + 1n; // one byte longer
    const overDa = encodeV1({ pairs: [[1, 2]], txs: over });
    expect(overDa.length).toBe(MAX_L1_DA_BYTES + 1);
    await expectRefused(overDa, "120,001 bytes");
  }, 120_000);

  it("reverts with EntryOutOfRange only for i ≥ n of decodable bytes", async () => {
    const rng = new Rng(5);
    const b = randomBatch(rng, 3);
    const r = await decode(encodeV1(b), 0, 3);
    expect(r.ok).toBe(false);
    const err = decodeErrorResult({ abi: harness.abi, data: r.revert! });
    expect(err.errorName).toBe("EntryOutOfRange");
    expect(err.args).toEqual([3n, 3n]);
    const huge = await decode(encodeV1(b), 0, 2n ** 256n - 1n);
    expect(decodeErrorResult({ abi: harness.abi, data: huge.revert! }).errorName).toBe("EntryOutOfRange");
    // undecodable bytes never revert, whatever i
    const bad = encodeV1(b);
    bad[0] = 9;
    expect((await decode(bad, 0, 2n ** 256n - 1n)).value![0]).toBe(false);
  });

  it("hashes the header, the claim, the step commitment and an inbox record as protocol v1 §B, §D, §E write them", async () => {
    const be = (v: bigint, bytes: number) => Uint8Array.from({ length: bytes }, (_, k) => Number((v >> BigInt(8 * (bytes - 1 - k))) & 0xffn));
    const h32 = (seed: number) => keccak_256(Uint8Array.from([seed]));
    const cat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
    const header = {
      index: 2n ** 64n - 2n,
      prevHeaderHash: hex(h32(1)),
      daKind: 2,
      daHash: hex(h32(2)),
      daLength: 120_000,
      inboxStart: 2n ** 40n + 3n,
      inboxCount: 2 ** 20,
      l1Block: 19_000_000n,
      l1Timestamp: 1_700_000_000n,
    };
    const packed = cat(
      be(header.index, 8),
      h32(1),
      be(2n, 1),
      h32(2),
      be(120_000n, 4),
      be(header.inboxStart, 8),
      be(2n ** 20n, 4),
      be(19_000_000n, 8),
      be(1_700_000_000n, 8),
    );
    expect(packed.length).toBe(105);
    expect((await harness.call<Hex>("headerHash", [header])).value).toBe(hex(keccak_256(packed)));
    expect(tsHeaderHash({ ...header, daKind: 2 })).toBe(hex(keccak_256(packed)));
    const claim = [7n, hex(h32(3)), hex(h32(4)), 1025, hex(h32(5)), hex(h32(6)), hex(h32(7)), hex(h32(8)), 2 ** 20 - 1, hex(h32(9))] as const;
    const claimBytes = cat(be(7n, 8), h32(3), h32(4), be(1025n, 4), h32(5), h32(6), h32(7), h32(8), be(2n ** 20n - 1n, 4), h32(9));
    expect(claimBytes.length).toBe(240);
    expect((await harness.call<Hex>("claimHash", claim)).value).toBe(hex(keccak_256(claimBytes)));
    const [batchIndex, headerHash, parentClaimHash, stepCount, traceRoot, finalCommitment, postStateRoot, withdrawalsRoot, withdrawalCount, contextHash] =
      claim;
    expect(
      tsClaimHash({
        batchIndex,
        headerHash,
        parentClaimHash,
        stepCount,
        traceRoot,
        finalCommitment,
        postStateRoot,
        withdrawalsRoot,
        withdrawalCount,
        contextHash,
      }),
    ).toBe(hex(keccak_256(claimBytes)));
    expect((await harness.call<Hex>("commitment", [hex(h32(7)), hex(h32(8)), 5, hex(h32(9))])).value).toBe(
      hex(keccak_256(cat(h32(7), h32(8), be(5n, 4), h32(9)))),
    );
    const deposit = cat(Uint8Array.from([0]), new Uint8Array(20).fill(0xab), be(1n, 4), be(MAX_U128, 16), be(0xffffffffn, 4));
    expect(deposit.length).toBe(45); // protocol-v1.md §D says 42; its fields add up to 45
    expect((await harness.call<Hex>("inboxRecord", [hex(deposit), 1_700_000_123n])).value).toBe(hex(keccak_256(cat(deposit, be(1_700_000_123n, 8)))));
    const owner = hex(new Uint8Array(20).fill(0xab));
    expect(tsInboxRecord({ kind: "deposit", owner, token: 1, amount: MAX_U128 }, 1_700_000_123n)).toBe(hex(keccak_256(cat(deposit, be(1_700_000_123n, 8)))));
    const exit = cat(Uint8Array.from([1]), new Uint8Array(20).fill(0xab), be(9n, 4));
    expect((await harness.call<Hex>("inboxRecord", [hex(exit), 5n])).value).toBe(tsInboxRecord({ kind: "forcedExit", owner, slot: 9 }, 5n));
  });

  it("agrees with the TS model on mutated bytes (flips, cuts, insertions, wrong counts, non-canonical fields)", async () => {
    const rng = new Rng(20261201);
    let cases = 0;
    let accepted = 0;
    for (let round = 0; round < 60; round++) {
      const b = randomBatch(rng, 1 + rng.int(rng.chance(0.2) ? 120 : 12));
      const variants = variantsOf(rng, b);
      for (const da of variants) {
        const inboxCount = rng.chance(0.1) ? MAX_ENTRIES - rng.int(200) : rng.int(1000);
        const model = decodeV1(da, inboxCount);
        const s = await check(da, inboxCount);
        expect(s.ok, `round ${round}: model says ${model.ok ? "ok" : model.why}; ${hex(da).slice(0, 120)}`).toBe(model.ok);
        cases++;
        if (!model.ok) continue;
        accepted++;
        expect(s.n).toBe(model.txs.length);
        const picks = model.txs.length <= 6 ? model.txs.map((_, i) => i) : [0, model.txs.length - 1, rng.int(model.txs.length), rng.int(model.txs.length)];
        for (const i of picks) {
          const r = await decode(da, inboxCount, i);
          expect(normalize(r.value![2]), `round ${round} tx ${i}`).toEqual(entryOf(model.txs[i]!));
        }
      }
    }
    console.log(`BatchData.sol vs TS model: ${cases} cases, ${accepted} decodable`);
    expect(cases).toBeGreaterThan(300);
  }, 300_000);
});

describe("BatchData.sol agrees with the TypeScript derivation (src/da/codec.ts deriveBatch)", async () => {
  const evm = await InProcessEvm.create();
  const harness: Deployed = await evm.deploy(artifact("BatchDataHarness"));
  const N_HALF = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

  /** Workload transactions with random low-s signatures (the DA layer does not recover them). */
  const workloadBatch = (rng: Rng, size: number): { feePairs: { token: number; slot: number }[]; txs: SignedTx[] } => {
    const slots = genesis(rng, 6, 40, 3);
    const { batch } = generateBatch(rng, { slotCount: () => slots.length, slot: (i) => slots[i]! }, size, 6);
    const txs = batch.txs.map((tx) => {
      const r = rng.big((1n << 256n) - 1n) || 1n;
      const sv = 1n + rng.big(N_HALF - 1n);
      const sig = `0x${r.toString(16).padStart(64, "0")}${sv.toString(16).padStart(64, "0")}${rng.chance(0.5) ? "1b" : "1c"}`;
      return { ...tx, signature: sig } as SignedTx;
    });
    return { feePairs: batch.feePairs, txs };
  };

  it("gives the same verdict, n, fee pairs and entry i on workload batches and their mutations", async () => {
    const rng = new Rng(20261202);
    let cases = 0;
    let decodable = 0;
    for (let round = 0; round < 50; round++) {
      const w = workloadBatch(rng, 1 + rng.int(rng.chance(0.15) ? 150 : 16));
      const bytes = encodeBatch(w);
      // the independent model encodes the workload byte for byte as the codec does
      const model: DaBatch = { pairs: w.feePairs.map((p) => [p.token, p.slot]), txs: w.txs.map(fromSigned) };
      expect(hex(encodeV1(model)), `round ${round}`).toBe(hex(bytes));
      for (const da of variantsOf(rng, model)) {
        const inboxCount = rng.chance(0.1) ? (1 << 20) - rng.int(200) : rng.int(1000);
        const { batch, error } = deriveBatch(da, { start: 0n, count: inboxCount });
        const sol = await harness.call<readonly [boolean, bigint]>("check", [hex(da), BigInt(inboxCount)]);
        expect(sol.ok).toBe(true);
        expect(sol.value![0], `round ${round}: TS says ${error ? error.message : "ok"}; ${hex(da).slice(0, 100)}`).toBe(error === null);
        expect(Number(sol.value![1])).toBe(batch.txs.length);
        cases++;
        if (error) continue;
        decodable++;
        const pairs = await harness.call<readonly [boolean, readonly number[], readonly number[]]>("pairsOf", [hex(da), BigInt(inboxCount)]);
        expect(pairs.value).toEqual([true, batch.feePairs.map((p) => p.token), batch.feePairs.map((p) => p.slot)]);
        const n = batch.txs.length;
        const picks = n <= 8 ? [...Array(n).keys()] : [0, n - 1, rng.int(n), rng.int(n), rng.int(n)];
        for (const i of picks) {
          const r = await harness.call<SolDecode>("decode", [hex(da), BigInt(inboxCount), BigInt(i)]);
          expect(normalize(r.value![2]), `round ${round} tx ${i}`).toEqual(entryOf(fromSigned(batch.txs[i]!)));
        }
      }
    }
    console.log(`BatchData.sol vs deriveBatch: ${cases} cases, ${decodable} decodable`);
    expect(cases).toBeGreaterThan(250);
    expect(decodable).toBeGreaterThan(50);
  }, 300_000);
});
