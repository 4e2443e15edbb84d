import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Engine } from "../src/engine/engine.js";
import { ReferenceEngine } from "../src/reference/engine.js";
import { Reason, reasonName, type BatchResult, type Slot } from "../src/protocol/types.js";
import { genesis, generateBatch, Rng } from "./workload.js";

const DOMAIN = { chainId: 1n, verifyingContract: "0x00000000000000000000000000000000000000aa" } as const;

function snapshot(engine: Engine): Slot[] {
  return Array.from({ length: engine.slotCount() }, (_, i) => engine.getSlot(i));
}

/** Runs the same batches through both engines and compares everything after each batch. */
function differential(seed: number, batches: number, size: number) {
  const rng = new Rng(seed);
  const g = genesis(rng, 6, 24 + rng.int(20), 3);
  const wasm = Engine.create({ genesis: g, ...DOMAIN });
  const ref = new ReferenceEngine(g);
  expect(wasm.stateRoot()).toBe(ref.stateRoot());
  const reasons = new Set<string>();
  for (let b = 0; b < batches; b++) {
    const { batch, signers } = generateBatch(rng, { slotCount: () => ref.slots.length, slot: (i) => ref.slots[i]! }, size, 6);
    const expected: BatchResult = ref.applyBatch(batch, signers);
    const got = wasm.applyBatch(batch, { signers });
    expect(got.receipts).toEqual(expected.receipts);
    expect(got).toEqual(expected);
    expect(snapshot(wasm)).toEqual(ref.slots);
    got.receipts.forEach((r) => reasons.add(reasonName(r.status)));
  }
  wasm.dispose();
  return reasons;
}

describe("WASM engine vs reference engine", () => {
  it("agree on random workloads with every transaction type (fast-check seeds)", () => {
    const reasons = new Set<string>();
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        for (const r of differential(seed, 3, 60)) reasons.add(r);
      }),
      { numRuns: 60 },
    );
    // the workloads must actually exercise (almost) every outcome
    const missing = Object.keys(Reason).filter((r) => !reasons.has(r));
    expect(missing.filter((r) => r !== "CAPACITY")).toEqual([]);
  });
});

describe("traceBatch", () => {
  it("WASM and reference traces agree step by step, and tracing changes no result", () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const rng = new Rng(seed);
        const g = genesis(rng, 5, 20 + rng.int(10), 3);
        const traced = Engine.create({ genesis: g, ...DOMAIN });
        const plain = Engine.create({ genesis: g, ...DOMAIN });
        const ref = new ReferenceEngine(g);
        for (let b = 0; b < 2; b++) {
          const { batch, signers } = generateBatch(rng, { slotCount: () => ref.slots.length, slot: (i) => ref.slots[i]! }, 25, 5);
          const { steps: refSteps, ...refResult } = ref.applyBatch(batch, signers, { trace: true, domain: DOMAIN });
          const t = traced.traceBatch(batch, { signers });
          expect(t.steps).toEqual(refSteps);
          expect(t.steps).toHaveLength(batch.l1Messages.length + batch.txs.length + 2);
          expect(t.result).toEqual(refResult);
          expect(plain.applyBatch(batch, { signers })).toEqual(t.result);
        }
        traced.dispose();
        plain.dispose();
      }),
      { numRuns: 25 },
    );
  });
});
