// Gas on L1 (issue 11), measured on the in-process Prague EVM by the contract tests' own code
// (test/l1/step-gas.ts and test/l1/gas.ts, TypeScript, run here through vite-node): per entry type,
// one step through OneStepProver.verifyStep on a 2^20-slot state (2^16 in quick mode) — execution
// gas, the whole transaction (21,000 + EIP-7623 calldata) and the flat proof's bytes — and the
// entry binding of the largest allowed batch (120,000 bytes of DA re-supplied and decoded).
// Deterministic: gas is counted, not timed, so quick mode differs only in the state's size.
//
// Issue 12: the rollup's L1 operations on the real deployed contracts (test/l1/rollup-gas.ts):
// `l1.gas.*` and `l1.bytesPerTx`, the same figures in both modes except that quick mode leaves out
// `l1.gas.blobStep` (loading kzg-wasm's trusted setup alone takes ~25 s). bench/run.js guards them
// against bench/floors.json's gasCeilings.

import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export function l1Suites({ quick }) {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const args = ["node_modules/.bin/vite-node", "test/l1/step-gas.ts", "--json", ...(quick ? ["--quick"] : [])];
  const out = execFileSync(process.execPath, args, { cwd: root, encoding: "utf8", maxBuffer: 1 << 24, stdio: ["ignore", "pipe", "inherit"] });
  const { steps, bind } = JSON.parse(out.trim().split("\n").pop());
  const extras = { "l1.stepGas.stateSlots": steps.slots };
  console.log(
    `\n## L1: one step on ${steps.slots} slots — StepVerifier alone (execution / whole tx), through OneStepProver with its binding (execution / whole tx), proof bytes`,
  );
  // the entry types come from step-gas.ts's own list (its STEP_TYPES order), not a second copy here
  for (const t of Object.keys(steps.steps)) {
    const s = steps.steps[t];
    extras[`l1.stepGas.${t}.execution`] = s.execution;
    extras[`l1.stepGas.${t}.total`] = s.total;
    extras[`l1.stepGasBound.${t}.execution`] = s.boundExecution;
    extras[`l1.stepGasBound.${t}.total`] = s.boundTotal;
    extras[`l1.stepProofBytes.${t}`] = s.proofBytes;
    console.log(
      `  ${t.padEnd(16)} ${String(s.execution).padStart(8)} ${String(s.total).padStart(9)} ${String(s.boundExecution).padStart(8)} ${String(s.boundTotal).padStart(9)} ${String(s.proofBytes).padStart(6)} B`,
    );
  }
  const shapes = Object.values(bind);
  extras["l1.bindGas.max"] = Math.max(...shapes.map((b) => b.bind.transaction));
  extras["l1.bindGas.max.execution"] = Math.max(...shapes.map((b) => b.bind.execution));
  extras["l1.bindGas.transfers.execution"] = bind.transfers.bind.execution;
  extras["l1.bindGas.transfers.walk"] = bind.transfers.checkExecution;
  console.log(`  binding a 120,000-byte batch: ${extras["l1.bindGas.max.execution"]} execution at most, ${extras["l1.bindGas.max"]} as a transaction`);
  const ops = rollupOps(root, quick);
  Object.assign(extras, ops.figures);
  return { extras, steps, bind, ops };
}

/** Gas of the rollup's operations on L1, in the order a user meets them, for the console and the report. */
export const L1_OPS = [
  ["l1.gas.deposit", "deposit"],
  ["l1.gas.depositFiniteAllowance", "deposit, finite allowance"],
  ["l1.gas.forceExit", "forced exit request"],
  ["l1.gas.submitBatchPerTx", "batch (calldata), per transfer"],
  ["l1.bytesPerTx", "L1 calldata bytes per transfer"],
  ["l1.gas.propose", "propose a claim"],
  ["l1.gas.confirm", "confirm a claim"],
  ["l1.gas.challenge", "challenge (opens a game)"],
  ["l1.gas.bisectionMove", "bisection move, max of reveal/choose"],
  ["l1.gas.settleStep", "one-step settle, last transfer of the largest batch"],
  ["l1.gas.fullDispute", "full dispute: challenge + every move + settle"],
  ["l1.gas.withdrawalClaim", "withdrawal claim"],
  ["l1.gas.withdrawalClaimWorst", "withdrawal claim, worst case"],
  ["l1.gas.blobStep", "blob-bound transfer step (120,000-byte batch)"],
];

function rollupOps(root, quick) {
  const args = ["node_modules/.bin/vite-node", "test/l1/rollup-gas.ts", "--json", ...(quick ? ["--no-blob"] : [])];
  const out = execFileSync(process.execPath, args, { cwd: root, encoding: "utf8", maxBuffer: 1 << 24, stdio: ["ignore", "pipe", "inherit"] });
  const ops = JSON.parse(out.trim().split("\n").pop());
  const f = ops.figures;
  console.log(
    `\n## L1: the rollup's operations on the deployed contracts (whole transactions; a full batch of ${f["l1.fullBatch.transfers"]} transfers in ${f["l1.fullBatch.daBytes"]} DA bytes)`,
  );
  for (const [key, label] of L1_OPS) {
    if (f[key] === undefined) continue;
    console.log(`  ${label.padEnd(52)} ${String(f[key]).padStart(10)}  ${key}`);
  }
  for (const note of Object.values(ops.notes)) console.log(`    ${note}`);
  return ops;
}
