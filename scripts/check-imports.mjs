// `npm run check:imports`: src/ is ordered by pipeline stage and an import may point only to the
// same or an earlier stage (docs/DECISIONS.md D29), with no import cycles. This is the rule set of
// .dependency-cruiser.cjs, checked without the dependency: relative import specifiers are read
// from every src/**/*.ts with a regular expression, which is enough for this code base's plain
// `import … from "./x.js"` style. Exits 1 and lists every violation.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SRC = path.join(ROOT, "src");

/** Pipeline stages, earliest first; a module may import its own stage or an earlier one. */
export const STAGES = ["protocol", "core", "engine", "da", "dispute", "store", "node", "l1", "cli"];
/** The reference implementation is an oracle beside the pipeline: it may use only these. */
const REFERENCE_MAY_IMPORT = ["reference", "protocol", "core"];
/** Package entries: they assemble the public API, may import anything, and nothing imports them. */
const ENTRIES = ["index.ts", "node.ts", "reference.ts", "l1.ts"];

function listTs(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return listTs(p);
    return e.name.endsWith(".ts") ? [p] : [];
  });
}

/** Relative specifiers of static imports, re-exports and dynamic imports, comments stripped. */
function specifiers(source) {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const found = [];
  const patterns = [/\b(?:import|export)\s[^;]*?\bfrom\s*["']([^"']+)["']/g, /\bimport\s*["']([^"']+)["']/g, /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g];
  for (const re of patterns) for (const m of code.matchAll(re)) found.push(m[1]);
  return found.filter((s) => s.startsWith("."));
}

/** "protocol", "core", …, "reference", or "entry" for the top-level files. */
function stageOf(rel) {
  const parts = rel.split("/");
  if (parts.length === 1) return ENTRIES.includes(parts[0]) ? "entry" : "unplaced";
  return parts[0];
}

function resolve(fromFile, spec) {
  const base = path.resolve(path.dirname(fromFile), spec);
  const candidates = [base, base.replace(/\.js$/, ".ts"), `${base}.ts`, path.join(base, "index.ts")];
  return candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
}

export function check() {
  const errors = [];
  const graph = new Map();
  for (const file of listTs(SRC)) {
    const from = path.relative(SRC, file).split(path.sep).join("/");
    const fromStage = stageOf(from);
    const edges = [];
    graph.set(from, edges);
    if (fromStage === "unplaced") errors.push(`${from}: top-level file that is not a package entry (${ENTRIES.join(", ")})`);
    for (const spec of specifiers(fs.readFileSync(file, "utf8"))) {
      const target = resolve(file, spec);
      if (!target) {
        if (/\.generated\.js$/.test(spec)) continue; // written by `npm run build:wasm`
        errors.push(`${from}: "${spec}" does not resolve to a file`);
        continue;
      }
      const to = path.relative(SRC, target).split(path.sep).join("/");
      if (to.startsWith("..")) continue; // outside src/ (none today)
      edges.push(to);
      const toStage = stageOf(to);
      if (fromStage === "entry") continue;
      if (toStage === "entry") errors.push(`${from} → ${to}: only package entries may import an entry`);
      else if (fromStage === "reference") {
        if (!REFERENCE_MAY_IMPORT.includes(toStage)) errors.push(`${from} → ${to}: src/reference/ may import only ${REFERENCE_MAY_IMPORT.join(", ")}`);
      } else if (toStage === "reference") errors.push(`${from} → ${to}: only package entries may import src/reference/`);
      else if (STAGES.indexOf(toStage) > STAGES.indexOf(fromStage)) {
        errors.push(`${from} → ${to}: stage ${fromStage} may not import the later stage ${toStage} (order: ${STAGES.join(" < ")})`);
      }
    }
  }
  // cycles: depth-first search, reporting each back edge's cycle once
  const state = new Map();
  const stack = [];
  const seen = new Set();
  const visit = (node) => {
    state.set(node, "open");
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === "open") {
        const cycle = [...stack.slice(stack.indexOf(next)), next];
        const key = [...cycle.slice(0, -1)].sort().join(",");
        if (!seen.has(key)) {
          seen.add(key);
          errors.push(`import cycle: ${cycle.join(" → ")}`);
        }
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return { errors, modules: graph.size };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { errors, modules } = check();
  if (errors.length > 0) {
    console.error(`import direction: ${errors.length} violation(s)\n  ${errors.join("\n  ")}`);
    process.exit(1);
  }
  console.log(`import direction: ${modules} modules, stage order ${STAGES.join(" < ")}, no cycles`);
}
