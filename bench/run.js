// `npm run bench` (full) and `npm run bench:ci` (quick, for CI): runs every suite with benchmark.js,
// writes bench/results.json (full) or .scratch/bench-quick.json (quick: a CI run must not rewrite
// the committed results), and fails when a speed ratio falls below its floor in bench/floors.json,
// or an L1 gas figure (deterministic) exceeds its ceiling there.
// Ratios, never absolute times: both sides are measured in the same run.

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { keccakSuites } from "./keccak.js";
import { proofSizes, treeSuites } from "./tree.js";
import { engineSuites, recoverySuites } from "./engine.js";
import { codecSuites } from "./codec.js";
import { proofSuites } from "./proofs.js";
import { storeSuites } from "./store.js";
import { capacitySuites } from "./capacity.js";
import { l1Suites } from "./l1.js";
import { machine } from "./lib.js";

const quick = process.argv.includes("--quick");
const started = Date.now();
console.log(`l2engine benchmarks (${quick ? "quick" : "full"} mode) on ${machine().cpu}, ${machine().cores} cores, Node ${process.version}`);

const results = [...(await keccakSuites({ quick })), ...treeSuites({ quick })];
const proofs = proofSizes({ quick });
const engine = engineSuites({ quick });
const recovery = await recoverySuites({ quick }, engine.wasm);
const stepProofs = proofSuites({ quick }, engine.wasm, engine.pools);
results.push(...engine.results, ...recovery.results, ...stepProofs.results);
const codec = codecSuites({ quick });
results.push(...codec.results);
const store = await storeSuites({ quick });
const capacity = capacitySuites({ quick });
const l1 = l1Suites({ quick });
const extras = { ...engine.extras, ...recovery.extras, ...capacity.extras, ...stepProofs.extras, ...l1.extras, ...store.extras };

const find = (suiteStart, name) => {
  const r = results.find((x) => x.suite.startsWith(suiteStart) && x.name === name);
  if (!r) throw new Error(`no result ${suiteStart} / ${name}`);
  return r.perSecond;
};
const updatesSuite = "10000 random leaf updates";
const ratios = {
  "keccak64.wasmApi/hashWasm": find("keccak256 of 64", "l2engine WASM, one call per hash (API)") / find("keccak256 of 64", "hash-wasm"),
  "keccak64.wasmApi/noble": find("keccak256 of 64", "l2engine WASM, one call per hash (API)") / find("keccak256 of 64", "@noble/hashes"),
  "keccak64.unrolled/rolled":
    find("keccak256 of 64", "l2engine WASM unrolled permutation (raw export)") / find("keccak256 of 64", "l2engine WASM rolled permutation (raw export)"),
  "keccak128.wasmApi/hashWasm": find("keccak256 of 128", "l2engine WASM, one call per hash (API)") / find("keccak256 of 128", "hash-wasm"),
  "treeUpdates.wasm4/reference4": find(updatesSuite, "l2engine WASM 4-ary depth 16") / find(updatesSuite, "TS reference 4-ary depth 16"),
  "treeUpdates.wasm4/wasm2": find(updatesSuite, "l2engine WASM 4-ary depth 16") / find(updatesSuite, "l2engine WASM binary depth 32"),
  "engineTransfers.wasm/reference": find("transfer batches", "l2engine WASM engine") / find("transfer batches", "TS reference engine"),
  "engineMixed.wasm/reference": find("mixed batches", "l2engine WASM engine") / find("mixed batches", "TS reference engine"),
  "traceOverhead.apply/trace": find("transfer batches", "l2engine WASM engine") / find("transfer batches", "l2engine WASM engine, traceBatch"),
  "endToEnd.2workers/(2 x singleCoreRecovery)": extras["endToEnd.threads2.efficiency"],
  "storeReopen.fullRehash/storedLeaves": store.store.reopenFullMedianMs / store.store.reopenLeavesMedianMs,
  "storeApply.engineOnly/chainWithCommit": store.store.applyEngineTxPerSecond / store.store.applyChainTxPerSecond,
  "daTransferBytes.brotli11Rlp/l2engine":
    codec.sizes.find((x) => x.workload === "transfer").ethRlpBrotli11 / codec.sizes.find((x) => x.workload === "transfer").l2engine,
};

console.log("\n## ratios (same run)");
for (const [k, v] of Object.entries(ratios)) console.log(`  ${k.padEnd(32)} ${v.toFixed(2)}x`);

const { floors, gasCeilings } = JSON.parse(readFileSync(new URL("./floors.json", import.meta.url), "utf8"));
const failures = Object.entries(floors).filter(([k, floor]) => !(ratios[k] >= floor));
// gas is counted, not timed: the targets are the ceilings, in quick mode too
const gasFailures = Object.entries(gasCeilings).filter(([k, ceiling]) => !(extras[k] <= ceiling));
const report = {
  date: new Date().toISOString(),
  mode: quick ? "quick" : "full",
  machine: machine(),
  seconds: Math.round((Date.now() - started) / 1000),
  ratios,
  floors,
  gasCeilings,
  results,
  proofSizes: proofs,
  daSizes: codec.sizes,
  stepProofSizes: stepProofs.sizes,
  l1: { stateSlots: l1.steps.slots, steps: l1.steps.steps, bind: l1.bind, opsNotes: l1.ops.notes },
  store: store.store,
  extras,
};
const out = quick ? new URL("../.scratch/bench-quick.json", import.meta.url) : new URL("./results.json", import.meta.url);
mkdirSync(new URL(".", out), { recursive: true });
writeFileSync(out, JSON.stringify(report, null, 2) + "\n");
console.log(`\nwrote ${quick ? ".scratch/bench-quick.json" : "bench/results.json"} (${report.seconds} s)`);
if (failures.length > 0) {
  for (const [k, floor] of failures) console.error(`bench guard: ${k} = ${ratios[k]?.toFixed(2)}x is below its floor ${floor}x`);
  process.exitCode = 1;
} else {
  console.log(`bench guard: all ${Object.keys(floors).length} ratios at or above their floors`);
}
if (gasFailures.length > 0) {
  for (const [k, ceiling] of gasFailures) console.error(`bench guard: ${k} = ${extras[k] ?? "(not measured)"} gas exceeds its ceiling ${ceiling}`);
  process.exitCode = 1;
} else {
  console.log(`bench guard: all ${Object.keys(gasCeilings).length} L1 gas figures within their ceilings`);
}
