// Gas on L1 (issue 11), measured on the in-process Prague EVM by the contract tests' own code
// (test/l1/step-gas.ts and test/l1/gas.ts, TypeScript, run here through vite-node): per entry type,
// one step through OneStepProver.verifyStep on a 2^20-slot state (2^16 in quick mode) — execution
// gas, the whole transaction (21,000 + EIP-7623 calldata) and the flat proof's bytes — and the
// entry binding of the largest allowed batch (120,000 bytes of DA re-supplied and decoded).
// Deterministic: gas is counted, not timed, so quick mode differs only in the state's size.

import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const STEP_TYPES = [
  "deposit",
  "forcedExit",
  "transfer",
  "transferToNew",
  "withdraw",
  "createPool",
  "addLiquidity",
  "removeLiquidity",
  "swap",
  "settlement",
];

export function l1Suites({ quick }) {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const args = ["node_modules/.bin/vite-node", "test/l1/step-gas.ts", "--json", ...(quick ? ["--quick"] : [])];
  const out = execFileSync(process.execPath, args, { cwd: root, encoding: "utf8", maxBuffer: 1 << 24, stdio: ["ignore", "pipe", "inherit"] });
  const { steps, bind } = JSON.parse(out.trim().split("\n").pop());
  const extras = { "l1.stepGas.stateSlots": steps.slots };
  console.log(
    `\n## L1: one step on ${steps.slots} slots — StepVerifier alone (execution / whole tx), through OneStepProver with its binding (execution / whole tx), proof bytes`,
  );
  for (const t of STEP_TYPES) {
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
  return { extras, steps, bind };
}
