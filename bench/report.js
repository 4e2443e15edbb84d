// Renders bench/results.json into the tables of docs/BENCHMARKS.md (between the markers), so
// the published figures are always the measured ones. Run after `npm run bench`.

import { readFileSync, writeFileSync } from "node:fs";
import { fmt } from "./lib.js";

const results = JSON.parse(readFileSync(new URL("./results.json", import.meta.url), "utf8"));
const docUrl = new URL("../docs/BENCHMARKS.md", import.meta.url);
const m = results.machine;

const lines = [];
lines.push(`Measured ${results.date.slice(0, 10)} (${results.mode} mode, ${results.seconds} s) on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node} (V8 ${m.v8}).`);
const suites = [...new Set(results.results.map((r) => r.suite))];
for (const suite of suites) {
  lines.push("", `### ${suite}`, "", "| case | throughput | ±rme | samples |", "|---|---:|---:|---:|");
  for (const r of results.results.filter((x) => x.suite === suite)) {
    lines.push(`| ${r.name} | ${fmt(r.perSecond)} ${r.unit} | ${r.rmePercent.toFixed(1)}% | ${r.samples} |`);
  }
}
lines.push("", "### Multiproof size (bytes, mean of 200 random leaf sets)", "", "| shape | 1 leaf | 2 leaves | 3 leaves |", "|---|---:|---:|---:|");
for (const shape of [...new Set(results.proofSizes.map((p) => p.shape))]) {
  const row = results.proofSizes.filter((p) => p.shape === shape).map((p) => p.bytes.toFixed(0));
  lines.push(`| ${shape} | ${row.join(" | ")} |`);
}
if (results.daSizes) {
  lines.push("", "### DA bytes per transaction (same run; Ethereum = equivalent signed EIP-1559 calls)", "", "| workload | l2engine | l2engine + deflate | Ethereum RLP | Ethereum RLP + brotli-11 |", "|---|---:|---:|---:|---:|");
  for (const r of results.daSizes) lines.push(`| ${r.workload} | ${r.l2engine.toFixed(1)} | ${r.l2engineDeflate.toFixed(1)} | ${r.ethRlp.toFixed(1)} | ${r.ethRlpBrotli11.toFixed(1)} |`);
}
if (results.stepProofSizes) {
  lines.push("", "### Step proofs (same run; bytes of the msgpack record)", "", "| step | bytes | witness slots | proveStep |", "|---|---:|---:|---:|");
  for (const r of results.stepProofSizes) lines.push(`| ${r.step} | ${r.bytes} | ${r.witnessSlots} | ${r.proveMs.toFixed(0)} ms |`);
}
if (results.store) {
  const st = results.store;
  const ms = (xs) => xs.map((x) => x.toFixed(0)).join(", ");
  lines.push("", `### LMDB store, ${st.slots} slots (same run; wall-clock, median of the listed runs)`, "", "| measure | value |", "|---|---:|");
  lines.push(`| genesis commit | ${st.genesisCommitMs.toFixed(0)} ms |`);
  lines.push(`| reopen, inner nodes over stored leaves (default) | **${st.reopenLeavesMedianMs.toFixed(0)} ms** (${ms(st.reopenLeavesMs)}) |`);
  lines.push(`| reopen, every slot rehashed (verify: "full") | ${st.reopenFullMedianMs.toFixed(0)} ms (${ms(st.reopenFullMs)}) |`);
  lines.push(`| 10k-transfer batches, engine only | ${fmt(st.applyEngineTxPerSecond)} tx/s |`);
  lines.push(`| the same batches through Chain (execute + LMDB commit, fsync) | ${fmt(st.applyChainTxPerSecond)} tx/s |`);
  lines.push(`| database size | ${(st.databaseBytes / 2 ** 20).toFixed(0)} MiB (${(st.databaseBytes / st.slots).toFixed(0)} B/slot) |`);
}
if (results.extras) {
  lines.push("", "### Other measurements of the same run", "", "| measure | value |", "|---|---:|");
  for (const [k, v] of Object.entries(results.extras)) lines.push(`| ${k} | ${v < 10 ? v.toFixed(3) : fmt(v)} |`);
}
lines.push("", "### Ratios (both sides measured in the same run)", "", "| ratio | value | CI floor |", "|---|---:|---:|");
for (const [k, v] of Object.entries(results.ratios)) {
  lines.push(`| ${k} | ${v.toFixed(2)}× | ${results.floors[k] !== undefined ? results.floors[k] + "×" : "—"} |`);
}

const doc = readFileSync(docUrl, "utf8");
const start = "<!-- results:start -->";
const end = "<!-- results:end -->";
const a = doc.indexOf(start);
const b = doc.indexOf(end);
if (a < 0 || b < a) throw new Error("docs/BENCHMARKS.md lacks the results markers");
writeFileSync(docUrl, doc.slice(0, a + start.length) + "\n" + lines.join("\n") + "\n" + doc.slice(b));
console.log("updated docs/BENCHMARKS.md from bench/results.json");
