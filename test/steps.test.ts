// The pre-state of any step of a batch: fork the engine, apply the first j entries without
// settlement, and the parts must hash to exactly the trace's step commitment C_j.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Engine } from "../src/engine/engine.js";
import { stepCommitment } from "../src/dispute/step-proof.js";
import { InvalidArgumentError } from "../src/protocol/errors.js";
import { genesis, generateBatch, Rng } from "./workload.js";

const DOMAIN = { chainId: 1n, verifyingContract: "0x00000000000000000000000000000000000000aa" } as const;

describe("fork and applyPrefix", () => {
  it("reproduce every step commitment of the trace, without touching the original", () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const rng = new Rng(seed);
        const engine = Engine.create({ genesis: genesis(rng, 5, 20 + rng.int(10), 3), ...DOMAIN });
        for (let b = 0; b < 2; b++) {
          const view = { slotCount: () => engine.slotCount(), slot: (i: number) => engine.getSlot(i) };
          const { batch, signers } = generateBatch(rng, view, 12, 5);
          const before = engine.stateRoot();
          const tracer = engine.fork();
          const { steps } = tracer.traceBatch(batch, { signers });
          tracer.dispose();
          const entries = batch.l1Messages.length + batch.txs.length;
          for (let j = 0; j <= entries; j++) {
            const f = engine.fork();
            expect(stepCommitment(f.applyPrefix(batch, j, { signers }), DOMAIN), `step ${j}`).toBe(steps[j]);
            f.dispose();
          }
          expect(engine.stateRoot()).toBe(before);
          engine.applyBatch(batch, { signers });
        }
        engine.dispose();
      }),
      { numRuns: 15 },
    );
  });

  it("forks are independent both ways, and bad prefixes are typed errors", () => {
    const rng = new Rng(7);
    const engine = Engine.create({ genesis: genesis(rng, 3, 10, 2), ...DOMAIN });
    const root = engine.stateRoot();
    const f = engine.fork();
    f.applyBatch({
      feePairs: [],
      l1Messages: [{ kind: "deposit", owner: engine.getSlot(0).owner, token: engine.getSlot(0).token, amount: 5n, slot: 0 }],
      txs: [],
    });
    expect(engine.stateRoot()).toBe(root);
    expect(f.stateRoot()).not.toBe(root);
    expect(f.getSlot(0).balance).toBe(engine.getSlot(0).balance + 5n);
    engine.applyBatch({ feePairs: [], l1Messages: [{ kind: "deposit", owner: engine.getSlot(1).owner, token: 9, amount: 1n }], txs: [] });
    expect(engine.slotCount()).toBe(11);
    expect(f.slotCount()).toBe(10);
    const batch = { feePairs: [], l1Messages: [], txs: [] };
    expect(() => f.applyPrefix(batch, 1)).toThrow(InvalidArgumentError);
    expect(() => f.applyPrefix(batch, -1)).toThrow(InvalidArgumentError);
    f.dispose();
    expect(() => f.fork()).toThrow(/disposed/);
    engine.dispose();
  });
});
