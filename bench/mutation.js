// Summarises Stryker's JSON report (reports/mutation/mutation.json, written by `npm run mutate`)
// into bench/mutation.json: per mutated file the counts by status and the mutation score, and
// every surviving mutant with its place and replacement, so docs/BENCHMARKS.md (bench/report.js)
// and docs/DECISIONS.md D26 can cite them. Not a benchmark: nothing here is timed.

import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { machine } from "./lib.js";

const reportUrl = new URL("../reports/mutation/mutation.json", import.meta.url);
const outUrl = new URL("./mutation.json", import.meta.url);
const report = JSON.parse(readFileSync(reportUrl, "utf8"));
const strykerVersion = createRequire(import.meta.url)("@stryker-mutator/core/package.json").version;

const STATUSES = ["Killed", "Timeout", "Survived", "NoCoverage", "CompileError", "RuntimeError", "Ignored"];
const tally = (mutants) => {
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0]));
  for (const m of mutants) counts[m.status] = (counts[m.status] ?? 0) + 1;
  const detected = counts.Killed + counts.Timeout;
  const valid = detected + counts.Survived + counts.NoCoverage;
  // Stryker's "mutation score": detected / valid mutants (errors and ignored ones excluded)
  return { ...counts, total: mutants.length, score: valid === 0 ? null : Math.round((10000 * detected) / valid) / 100 };
};

const files = {};
const survivors = [];
const all = [];
for (const [file, { mutants, source }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
  files[file] = tally(mutants);
  all.push(...mutants);
  const lines = source.split("\n");
  for (const m of mutants) {
    if (m.status !== "Survived" && m.status !== "NoCoverage") continue;
    const { start, end } = m.location;
    // the mutated code (its first line when it spans several)
    const original = lines[start.line - 1].slice(start.column - 1, start.line === end.line ? end.column - 1 : undefined);
    survivors.push({ file, line: start.line, column: start.column, mutator: m.mutatorName, original, replacement: m.replacement, status: m.status });
  }
}
survivors.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);

const summary = {
  date: new Date().toISOString(),
  machine: machine(),
  stryker: strykerVersion,
  command: "npm run mutate",
  disputePath: { ...tally(all), files },
  survivors,
};
writeFileSync(outUrl, JSON.stringify(summary, null, 2) + "\n");
console.log(
  `mutation score of the dispute path: ${summary.disputePath.score}% (${summary.disputePath.Killed} killed, ${summary.disputePath.Timeout} timed out, ${summary.disputePath.Survived} survived, ${summary.disputePath.NoCoverage} without coverage); wrote bench/mutation.json`,
);
