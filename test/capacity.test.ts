// Full-scale capacity (issue 10 item 5, docs/DECISIONS.md D23): a state of the documented
// MAX_SLOTS = 2^24 slots is reachable in one core, and reaching it fails cleanly with CAPACITY —
// a refunded deposit, a failed transferToNew — never a trap. The state is loaded as store pages
// (records + leaves) so only inner nodes are hashed; its roots are checked against an independent
// computation (noble keccak over a tree of identical leaves with a few exceptions). Needs ~2.5 GiB
// of RAM (one fork may add ~1.7 GiB) and tens of seconds; it writes bench/capacity.json for the
// bench report.

import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { keccak_256 } from "@noble/hashes/sha3.js";
import {
  checksumAddress,
  CapacityError,
  Engine,
  MAX_SLOTS,
  Reason,
  WasmCore,
  addressOf,
  encodeSlot,
  signTransaction,
  type Hex,
  type Slot,
} from "../src/index.js";

const DOMAIN = { chainId: 1n, verifyingContract: "0x00000000000000000000000000000000000000aa" as Hex };
const KEY = ("0x" + "11".repeat(32)) as Hex;
const ALICE = addressOf(KEY);
const BOB = "0xb0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0" as Hex;
const FILLER = "0xf111e7f111e7f111e7f111e7f111e7f111e7f111" as Hex;
const PAGE_SLOTS = 1 << 16;
const ARITY_LOG2 = 2;
const DEPTH = 16;

const fillerSlot: Slot = { owner: FILLER, token: 1, balance: 5n, nonce: 0n };

/** The 48-byte core record of a slot (assembly/slots.ts layout, little-endian). */
function record(slot: Slot): Uint8Array {
  const out = new Uint8Array(48);
  const v = new DataView(out.buffer);
  v.setBigUint64(0, slot.balance & 0xffffffffffffffffn, true);
  v.setBigUint64(8, slot.balance >> 64n, true);
  v.setBigUint64(16, slot.nonce, true);
  v.setUint32(24, slot.token, true);
  out.set(Buffer.from(slot.owner.slice(2), "hex"), 28);
  return out;
}

const leafOf = (slot: Slot) => keccak_256(encodeSlot(slot));

/** Store page p of a state whose slots are `special` at their indices and the filler elsewhere. */
function makePager(slotCount: number, special: ReadonlyMap<number, Slot>) {
  const fillerRecord = record(fillerSlot);
  const fillerLeaf = leafOf(fillerSlot);
  const full = new Uint8Array(PAGE_SLOTS * 80);
  for (let k = 0; k < PAGE_SLOTS; k++) {
    full.set(fillerRecord, k * 48);
    full.set(fillerLeaf, PAGE_SLOTS * 48 + k * 32);
  }
  return (p: number): Uint8Array => {
    const n = Math.min(PAGE_SLOTS, slotCount - p * PAGE_SLOTS);
    const page = n === PAGE_SLOTS ? new Uint8Array(full) : new Uint8Array(n * 80);
    if (n !== PAGE_SLOTS) {
      for (let k = 0; k < n; k++) {
        page.set(fillerRecord, k * 48);
        page.set(fillerLeaf, n * 48 + k * 32);
      }
    }
    for (const [i, s] of special) {
      if (i >= p * PAGE_SLOTS && i < p * PAGE_SLOTS + n) {
        page.set(record(s), (i - p * PAGE_SLOTS) * 48);
        page.set(leafOf(s), n * 48 + (i - p * PAGE_SLOTS) * 32);
      }
    }
    return page;
  };
}

/**
 * The state root (SPEC §4.3) of `slotCount` slots that are all `filler` except `special`,
 * computed without the engine: a subtree with no special leaf is all-filler, all-empty, or cut by
 * slotCount, so only O(depth × (specials + 1)) nodes need hashing.
 */
function independentStateRoot(slotCount: number, special: ReadonlyMap<number, Slot>): Hex {
  const arity = 1 << ARITY_LOG2;
  const fill: Uint8Array[] = [leafOf(fillerSlot)];
  const zero: Uint8Array[] = [new Uint8Array(32)];
  const hashChildren = (children: Uint8Array[]) => {
    const buf = new Uint8Array(32 * arity);
    children.forEach((c, k) => buf.set(c, 32 * k));
    return keccak_256(buf);
  };
  for (let l = 1; l <= DEPTH; l++) {
    fill.push(hashChildren(Array(arity).fill(fill[l - 1]!)));
    zero.push(hashChildren(Array(arity).fill(zero[l - 1]!)));
  }
  const specialLeaves = new Map([...special].map(([i, s]) => [i, leafOf(s)]));
  const node = (level: number, index: number): Uint8Array => {
    const width = arity ** level;
    const first = index * width,
      end = first + width;
    if (first >= slotCount) return zero[level]!;
    if (level === 0) return specialLeaves.get(index) ?? fill[0]!;
    const hasSpecial = [...specialLeaves.keys()].some((i) => i >= first && i < end);
    if (!hasSpecial && end <= slotCount) return fill[level]!;
    const children: Uint8Array[] = [];
    for (let c = 0; c < arity; c++) children.push(node(level - 1, index * arity + c));
    return hashChildren(children);
  };
  const input = new Uint8Array(36);
  input.set(node(DEPTH, 0), 0);
  new DataView(input.buffer).setUint32(32, slotCount, false);
  return `0x${Buffer.from(keccak_256(input)).toString("hex")}` as Hex;
}

describe("capacity at the documented limit (MAX_SLOTS = 2^24)", () => {
  it("checks the independent root against the engine on a small state", () => {
    const special = new Map<number, Slot>([
      [0, { owner: ALICE, token: 1, balance: 7n, nonce: 2n }],
      [5, { owner: BOB, token: 1, balance: 0n, nonce: 0n }],
    ]);
    const slots = Array.from({ length: 70 }, (_, i) => special.get(i) ?? fillerSlot);
    const engine = Engine.create({ ...DOMAIN, genesis: slots });
    expect(engine.stateRoot()).toBe(independentStateRoot(70, special));
    engine.dispose();
  });

  it("fills a state to 2^24 slots; the slot past it fails with CAPACITY, never a trap", () => {
    const started = Date.now();
    const alice: Slot = { owner: ALICE, token: 1, balance: 10n ** 18n, nonce: 0n };
    const bob: Slot = { owner: BOB, token: 1, balance: 0n, nonce: 0n };
    const aliceB: Slot = { owner: ALICE, token: 2, balance: 10n ** 18n, nonce: 0n };
    const initial = new Map<number, Slot>([
      [0, alice],
      [1, bob],
      [2, aliceB],
    ]);
    // one slot short of the limit, so the batch's first deposit creates the last slot
    const loaded = MAX_SLOTS - 1;
    const core = WasmCore.createSync();
    const engine = Engine.fromSlotPages(loaded, PAGE_SLOTS, makePager(loaded, initial), { ...DOMAIN, core });
    expect(engine.slotCount()).toBe(loaded);
    expect(engine.stateRoot()).toBe(independentStateRoot(loaded, initial));
    const loadedMs = Date.now() - started;

    const amount = 10n ** 15n;
    const result = engine.applyBatch({
      feePairs: [],
      l1Messages: [
        { kind: "deposit", owner: BOB, token: 2, amount: 3n }, // creates slot 2^24 − 1, the last one
        { kind: "deposit", owner: BOB, token: 2, amount: 4n }, // no room: refunded with CAPACITY
      ],
      txs: [
        signTransaction({ type: "transfer", from: 0, to: 1, amount, fee: 0n, nonce: 0n }, KEY, DOMAIN),
        signTransaction({ type: "transferToNew", from: 0, toOwner: BOB, amount, fee: 0n, nonce: 1n }, KEY, DOMAIN),
      ],
    });
    expect(result.receipts.map((r) => r.status)).toEqual([Reason.OK, Reason.CAPACITY, Reason.OK, Reason.CAPACITY]);
    // the refund is the deposit's withdrawal (SPEC §6.1): out = [withdrawal index, amount]
    expect(result.receipts[1]!.out).toEqual([0n, 4n]);
    expect(result.withdrawals).toEqual([{ owner: checksumAddress(BOB), token: 2, amount: 4n }]); // addresses out are checksummed (D37)
    expect(result.slotCount).toBe(MAX_SLOTS);

    const after = new Map<number, Slot>([
      // the transferToNew failed after its nonce check: it consumed nonce 1 (SPEC §6, D18)
      [0, { ...alice, balance: alice.balance - amount, nonce: 2n }],
      [1, { ...bob, balance: amount }],
      [2, aliceB],
      [MAX_SLOTS - 1, { owner: BOB, token: 2, balance: 3n, nonce: 0n }],
    ]);
    expect(result.preStateRoot).toBe(independentStateRoot(loaded, initial));
    expect(result.postStateRoot).toBe(independentStateRoot(MAX_SLOTS, after));
    expect(engine.getSlot(MAX_SLOTS - 1)).toEqual({ owner: checksumAddress(BOB), token: 2, balance: 3n, nonce: 0n });

    // a fork copies the whole state (~1.7 GiB): the core fits the state and at most one fork;
    // past that, fork is a CapacityError and the original stays usable
    const forks: Engine[] = [];
    let refused: unknown;
    for (let i = 0; i < 3 && refused === undefined; i++) {
      try {
        forks.push(engine.fork());
      } catch (e) {
        refused = e;
      }
    }
    expect(refused).toBeInstanceOf(CapacityError);
    expect(forks.length).toBeLessThanOrEqual(1);
    for (const f of forks) {
      expect(f.stateRoot()).toBe(result.postStateRoot);
      f.dispose();
    }

    // at the limit, every slot-creating entry fails with CAPACITY and ordinary ones still work
    const again = engine.applyBatch({
      feePairs: [],
      l1Messages: [{ kind: "deposit", owner: ALICE, token: 1, amount: 9n }],
      txs: [
        signTransaction({ type: "transferToNew", from: 0, toOwner: BOB, amount: 1n, fee: 0n, nonce: 2n }, KEY, DOMAIN),
        signTransaction({ type: "createPool", fromA: 0, fromB: 2, amountA: 10n ** 6n, amountB: 10n ** 6n, feeBps: 30, nonce: 3n }, KEY, DOMAIN),
        signTransaction({ type: "transfer", from: 0, to: 1, amount: 1n, fee: 0n, nonce: 4n }, KEY, DOMAIN),
      ],
    });
    expect(again.receipts.map((r) => r.status)).toEqual([Reason.CAPACITY, Reason.CAPACITY, Reason.CAPACITY, Reason.OK]);
    expect(again.slotCount).toBe(MAX_SLOTS);
    after.set(0, { ...after.get(0)!, balance: after.get(0)!.balance - 1n, nonce: 5n }); // two failures consumed nonces 2 and 3
    after.set(1, { ...after.get(1)!, balance: after.get(1)!.balance + 1n });
    expect(again.postStateRoot).toBe(independentStateRoot(MAX_SLOTS, after));
    expect(engine.proveSlots([0, MAX_SLOTS - 1]).length).toBeGreaterThan(0);

    // the bench report picks this up as extras["capacity.maxSlots"]
    writeFileSync(
      new URL("../bench/capacity.json", import.meta.url),
      JSON.stringify(
        {
          maxSlots: engine.slotCount(),
          loadMs: loadedMs,
          totalMs: Date.now() - started,
          coreMemoryBytes: core.memoryBytes(),
          forksThatFit: forks.length,
          date: new Date().toISOString(),
        },
        null,
        2,
      ) + "\n",
    );
    engine.dispose();
  }, 240_000);
});
