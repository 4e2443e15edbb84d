// An engine or fork used after dispose: a typed error on every method, and the shared core (with
// every other engine in it) untouched. Handle 0 used to reach the core, which read an engine at
// address 0, followed garbage pointers and trapped: the trap poisoned the core and killed the
// parent engine too.
import { describe, expect, it } from "vitest";
import { Engine } from "../src/engine/engine.js";
import { InvalidArgumentError } from "../src/protocol/errors.js";
import { PAGE_SLOTS } from "../src/store/store.js";
import type { Batch } from "../src/protocol/types.js";
import { genesis, generateBatch, Rng } from "./workload.js";

const DOMAIN = { chainId: 1n, verifyingContract: "0x00000000000000000000000000000000000000aa" } as const;

/** Every public method of an engine, called with plausible arguments. */
function everyMethod(e: Engine, batch: Batch, owner: string): [string, () => unknown][] {
  return [
    ["stateRoot", () => e.stateRoot()],
    ["treeRoot", () => e.treeRoot()],
    ["slotCount", () => e.slotCount()],
    ["getSlot", () => e.getSlot(0)],
    ["slotsOf", () => e.slotsOf(owner)],
    ["proveSlots", () => e.proveSlots([0, 1])],
    ["proveWithdrawals", () => e.proveWithdrawals([], [])],
    ["applyBatch", () => e.applyBatch(batch)],
    ["traceBatch", () => e.traceBatch(batch)],
    ["applyPrefix", () => e.applyPrefix(batch, 1)],
    ["recoverSigners", () => e.recoverSigners(batch)],
    ["buildTransaction", () => e.buildTransaction({ type: "transfer", from: 0, to: 1, amount: 1n, fee: 0n } as never)],
    ["readSlotRecords", () => e.readSlotRecords([0])],
    ["readSlotPages", () => e.readSlotPages([0], PAGE_SLOTS)],
    ["rehashLeaves", () => e.rehashLeaves()],
    ["fork", () => e.fork()],
  ];
}

describe("a disposed engine", () => {
  const rng = new Rng(5);
  const slots = genesis(rng, 4, 30, 2);
  const owner = slots[0]!.owner;
  const deposit: Batch = { feePairs: [], l1Messages: [{ kind: "deposit", owner, token: slots[0]!.token, amount: 7n, slot: 0 }], txs: [] };

  it("throws InvalidArgumentError from every method, and its parent and siblings carry on", () => {
    const parent = Engine.create({ genesis: slots, ...DOMAIN });
    const root = parent.stateRoot();
    const sibling = parent.fork();
    const fork = parent.fork();
    fork.applyBatch(deposit); // the fork has state of its own before it goes
    fork.dispose();
    for (const [name, call] of everyMethod(fork, deposit, owner)) {
      expect(call, name).toThrow(InvalidArgumentError);
      expect(call, name).toThrow(/engine was disposed/);
    }
    fork.dispose(); // twice is harmless
    // the core was never touched: the parent and the sibling still work, with their own roots
    expect(parent.stateRoot()).toBe(root);
    expect(sibling.stateRoot()).toBe(root);
    const reference = Engine.create({ genesis: slots, ...DOMAIN });
    const { batch, signers } = generateBatch(rng, { slotCount: () => reference.slotCount(), slot: (i) => reference.getSlot(i) }, 20, 4);
    const want = reference.applyBatch(batch, { signers });
    expect(parent.applyBatch(batch, { signers })).toEqual(want);
    expect(sibling.stateRoot()).toBe(root);
    expect(sibling.applyBatch(batch, { signers })).toEqual(want);
    // a later fork may reuse the freed memory; the disposed object still refuses, the new fork works
    const later = parent.fork();
    expect(() => fork.stateRoot()).toThrow(InvalidArgumentError);
    expect(later.stateRoot()).toBe(want.postStateRoot);
    for (const e of [later, sibling, parent, reference]) e.dispose();
  });

  it("whatever a disposed fork is asked, the parent in the same core keeps its state", () => {
    const parent = Engine.create({ genesis: slots, ...DOMAIN });
    const root = parent.stateRoot();
    const fork = parent.fork();
    fork.dispose();
    for (const [, call] of everyMethod(fork, deposit, owner)) {
      try {
        call();
      } catch {
        // the error itself is the first test's business; here only the parent counts
      }
    }
    expect(parent.stateRoot()).toBe(root);
    expect(parent.applyBatch(deposit).receipts[0]!.status).toBe(0);
    parent.dispose();
  });

  it("a parent disposed before its fork leaves the fork whole", () => {
    const parent = Engine.create({ genesis: slots, ...DOMAIN });
    const root = parent.stateRoot();
    const fork = parent.fork();
    parent.dispose();
    parent.dispose();
    for (const [name, call] of everyMethod(parent, deposit, owner)) expect(call, name).toThrow(InvalidArgumentError);
    expect(fork.stateRoot()).toBe(root);
    expect(fork.applyBatch(deposit).receipts[0]!.status).toBe(0);
    expect(fork.getSlot(0).balance).toBe(slots[0]!.balance + 7n);
    fork.dispose();
  });
});
