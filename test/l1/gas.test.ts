// l1.bindGas: the entry binding of the largest allowed batch stays within a 5,000,000-gas
// transaction (DECISIONS D31), for realistic transfers and for the costliest shape for the walk.
import { expect, it } from "vitest";
import { measureBindGas } from "./gas.js";
import { STEP_TYPES, measureStepGas } from "./step-gas.js";

it("binds the last transaction of a 120,000-byte batch within 5M gas, calldata included", async () => {
  const g = await measureBindGas();
  for (const [name, m] of Object.entries(g)) {
    console.log(
      `l1.bindGas ${name}: ${m.transactions} txs in ${m.daBytes} bytes: execution ${m.bind.execution} (walk ${m.checkExecution}), transaction ${m.bind.transaction}${m.bind.floorBound ? " (calldata floor)" : ""}`,
    );
    expect(m.daBytes).toBe(120_000);
    expect(m.bind.transaction).toBeLessThanOrEqual(5_000_000);
  }
}, 120_000);

it("l1.stepGas: every entry type verifies through OneStepProver (bench/l1.js measures the same on 2^20 slots)", async () => {
  const { steps } = await measureStepGas(1 << 10);
  expect(Object.keys(steps).sort()).toEqual([...STEP_TYPES].sort());
  for (const [type, g] of Object.entries(steps)) {
    expect(g.execution, type).toBeGreaterThan(20_000);
    expect(g.total, type).toBeGreaterThan(g.execution);
  }
}, 60_000);
