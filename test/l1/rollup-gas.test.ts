// Issue 12's L1 gas targets on the real deployed contracts (test/l1/rollup-gas.ts, the figures
// bench/l1.js records): every named figure measured, each target met. The blob-bound step is
// measured by the bench and by blobs.test.ts (loading kzg-wasm here would double this file's time).
import { describe, expect, it } from "vitest";
import { ROLLUP_GAS_TARGETS, measureRollupGas } from "./rollup-gas.js";

describe("L1 operations on the deployed rollup", () => {
  it("every named figure is measured and meets issue 12's target", async () => {
    const { figures, notes } = await measureRollupGas({ blob: false });
    console.log(`rollup gas: ${JSON.stringify(figures)}\n  ${Object.values(notes).join("\n  ")}`);
    for (const name of [
      "l1.gas.deposit",
      "l1.gas.depositFiniteAllowance",
      "l1.gas.forceExit",
      "l1.gas.withdrawalClaim",
      "l1.gas.withdrawalClaimWorst",
      "l1.gas.submitBatchPerTx",
      "l1.gas.propose",
      "l1.gas.confirm",
      "l1.gas.challenge",
      "l1.gas.bisectionMove",
      "l1.gas.fullDispute",
      "l1.bytesPerTx",
    ])
      expect(figures[name], name).toBeGreaterThan(0);
    // the full batch is the largest one: ~120,000 DA bytes of transfers
    expect(figures["l1.fullBatch.daBytes"]).toBeGreaterThan(119_800);
    for (const [name, target] of Object.entries(ROLLUP_GAS_TARGETS)) expect(figures[name], name).toBeLessThanOrEqual(target);
  }, 180_000);
});
