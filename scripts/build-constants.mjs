// Generates the constants of scripts/layout-table.mjs for the three languages that use them
// (docs/DECISIONS.md D36). `node scripts/build-constants.mjs` writes the files; `--check` only
// compares them with a fresh generation and fails on a difference (test/constants.test.ts does
// the same). The generated files are committed, so that reading or type-checking the code never
// needs a build step first.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as table from "./layout-table.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export const GENERATED_FILES = {
  as: "assembly/generated/constants.ts",
  ts: "src/protocol/constants.generated.ts",
  sol: "contracts/generated/Constants.sol",
};

const banner = (comment) =>
  `${comment} Generated from scripts/layout-table.mjs by \`npm run build:constants\`. Do not edit:\n` +
  `${comment} change the table, regenerate, and commit both (test/constants.test.ts checks they agree).\n`;

const codeGroups = [
  { key: "txTypes", as: "TxType", asType: "u8", sol: "TxType", ts: "TX_TYPE_CODES", tsNames: "TX_TYPES", doc: "Transaction type codes (SPEC §6, §9.1)." },
  { key: "l1Kinds", as: "L1Kind", asType: "u8", sol: "L1Kind", ts: "L1_KIND_CODES", doc: "L1 message kinds (SPEC §6.1, §13.1)." },
  {
    key: "reasons",
    as: "Reason",
    asType: "u8",
    sol: "Reason",
    ts: "Reason",
    doc: "Why an entry of a batch did nothing. Codes are part of the protocol (docs/SPEC.md §7).",
  },
  { key: "stepKinds", as: "StepKind", asType: "u32", ts: "STEP_KIND_CODES", doc: "The kind of step the core's stateless step check re-executes." },
];

/** A code entry's doc: reasons are [NAME, code, doc], the other groups [NAME, code, tsName, doc]. */
const docOf = (g, e) => (g.key === "reasons" ? e[2] : e[3]);
/** Its TypeScript key: a reason's NAME (the public `Reason` object), else its name in the Tx/L1Message union. */
const tsKeyOf = (g, e) => (g.key === "reasons" ? e[0] : e[2]);

function hex(v) {
  return v >= 0x10000 ? `0x${v.toString(16)}` : String(v);
}

/** Checks the table before anything is written: unique names, fields inside and not overlapping. */
function validate() {
  const seen = new Set();
  const name = (n, where) => {
    if (seen.has(n)) throw new Error(`layout-table: ${n} defined twice (${where})`);
    seen.add(n);
  };
  for (const [n] of [...table.limits, ...table.sizes, ...table.statuses]) name(n, "scalars");
  for (const l of table.layouts) {
    name(l.size[0], l.name);
    const used = new Uint8Array(l.size[1]);
    for (const [f, offset, bytes] of l.fields) {
      name(l.prefix + f, l.name);
      if (offset + bytes > l.size[1]) throw new Error(`layout-table: ${l.name}.${f} ends past ${l.size[1]} bytes`);
      for (let b = offset; b < offset + bytes; b++) {
        if (used[b]) throw new Error(`layout-table: ${l.name}.${f} overlaps another field at byte ${b}`);
        used[b] = 1;
      }
    }
  }
  for (const g of codeGroups) {
    const codes = table[g.key].map((e) => e[1]);
    if (codes.some((c, i) => c !== i)) throw new Error(`layout-table: ${g.key} codes must be 0, 1, 2, … in order`);
  }
  for (const [n, value, , o] of table.limits) {
    if (o.ts === undefined) continue;
    const scope = Object.fromEntries(table.limits.filter(([m]) => m !== n).map(([m, v]) => [m, v]));
    const got = Function(...Object.keys(scope), `return (${o.ts});`)(...Object.values(scope));
    if (got !== value) throw new Error(`layout-table: ${n}'s TypeScript form ${o.ts} is ${got}, not ${value}`);
  }
}

function assemblyScript() {
  const out = [banner("//"), "// Compile-time constants: @inline, so each use is an immediate in the hot loop.\n"];
  for (const g of codeGroups) {
    out.push(`\n/** ${g.doc} */\nexport namespace ${g.as} {`);
    for (const e of table[g.key]) out.push(`  /** ${docOf(g, e)} */\n  @inline export const ${e[0]}: ${g.asType} = ${e[1]};`);
    out.push("}");
  }
  out.push(`\n/** Transaction types 0 … TX_TYPE_COUNT − 1 exist. */\n@inline export const TX_TYPE_COUNT: u32 = ${table.txTypes.length};`);
  out.push("\n// ---- core status codes ----");
  for (const [n, v, doc] of table.statuses) out.push(`/** ${doc} */\n@inline export const ${n}: i32 = ${v};`);
  out.push("\n// ---- limits ----");
  for (const [n, v, doc, o] of table.limits) {
    if (o.as === "u128") {
      out.push(`/** ${doc} Low 64 bits. */\n@inline export const ${n}_LO: u64 = 0x${(v & 0xffffffffffffffffn).toString(16)};`);
      out.push(`/** ${doc} High 64 bits. */\n@inline export const ${n}_HI: u64 = 0x${(v >> 64n).toString(16)};`);
    } else {
      out.push(`/** ${doc} */\n@inline export const ${n}: ${o.as} = ${hex(typeof v === "bigint" ? Number(v) : v)};`);
    }
  }
  out.push("\n// ---- sizes ----");
  for (const [n, v, doc, o] of table.sizes) out.push(`/** ${doc} */\n@inline export const ${n}: ${o.as} = ${v};`);
  for (const l of table.layouts) {
    out.push(`\n// ---- ${l.name}: ${l.doc} ----`);
    out.push(`@inline export const ${l.size[0]}: usize = ${l.size[1]};`);
    for (const [f, offset, bytes, doc] of l.fields) out.push(`/** ${doc} (${bytes} bytes) */\n@inline export const ${l.prefix}${f}: usize = ${offset};`);
  }
  return `${out.join("\n")}\n`;
}

function typeScript() {
  const out = [banner("//"), "// The protocol's codes, limits and the core's record layouts (docs/DECISIONS.md D36).\n"];
  for (const g of codeGroups) {
    out.push(`/** ${g.doc} */\nexport const ${g.ts} = {`);
    for (const e of table[g.key]) out.push(`  /** ${docOf(g, e)} */\n  ${tsKeyOf(g, e)}: ${e[1]},`);
    out.push("} as const;\n");
    if (g.tsNames)
      out.push(
        `/** The ${g.key === "txTypes" ? "transaction types" : g.key} in code order. */\nexport const ${g.tsNames} = [${table[g.key].map((e) => JSON.stringify(e[2])).join(", ")}] as const;\n`,
      );
  }
  out.push("/** Status codes of the core's exports (0 = ok). */\nexport const CORE_STATUS = {");
  for (const [n, v, doc] of table.statuses) out.push(`  /** ${doc} */\n  ${n}: ${v},`);
  out.push("} as const;\n");
  for (const [n, v, doc, o] of table.limits) {
    const expr = o.ts ?? (typeof v === "bigint" ? `${v}n` : hex(v));
    out.push(`/** ${doc} */\nexport const ${n} = ${expr};`);
  }
  out.push("");
  for (const [n, v, doc] of table.sizes) out.push(`/** ${doc} */\nexport const ${n} = ${v};`);
  for (const l of table.layouts) {
    out.push(`\n// ---- ${l.name}: ${l.doc} ----\nexport const ${l.size[0]} = ${l.size[1]};`);
    for (const [f, offset, bytes, doc] of l.fields) out.push(`/** ${doc} (${bytes} bytes) */\nexport const ${l.prefix}${f} = ${offset};`);
  }
  return `${out.join("\n")}\n`;
}

function solidity() {
  const out = ["// SPDX-License-Identifier: MIT", banner("//"), "pragma solidity 0.8.37;\n"];
  for (const g of codeGroups) {
    if (!g.sol) continue;
    out.push(`/// ${g.doc}\nlibrary ${g.sol} {`);
    for (const e of table[g.key]) out.push(`    /// ${docOf(g, e)}\n    uint8 internal constant ${e[0]} = ${e[1]};`);
    if (g.key === "txTypes") out.push(`    /// Types 0 … COUNT − 1 exist.\n    uint8 internal constant COUNT = ${table.txTypes.length};`);
    out.push("}\n");
  }
  out.push("/// Protocol limits and special values (SPEC §4–§7, §9, §11).\nlibrary Limits {");
  for (const [n, v, doc, o] of table.limits) {
    if (!o.sol) continue;
    const value = typeof v === "bigint" ? (v > 0xffffffffn ? `0x${v.toString(16)}` : String(v)) : hex(v);
    out.push(`    /// ${doc}\n    uint256 internal constant ${n} = ${value};`);
  }
  out.push("}");
  return `${out.join("\n")}\n`;
}

/** The generated files' paths (relative to the repository) and contents. */
export function generateConstants() {
  validate();
  return { [GENERATED_FILES.as]: assemblyScript(), [GENERATED_FILES.ts]: typeScript(), [GENERATED_FILES.sol]: solidity() };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = generateConstants();
  const check = process.argv.includes("--check");
  let stale = 0;
  for (const [path, text] of Object.entries(files)) {
    const full = join(root, path);
    let current = null;
    try {
      current = readFileSync(full, "utf8");
    } catch {}
    if (current === text) continue;
    if (check) {
      console.error(`${path} differs from scripts/layout-table.mjs: run npm run build:constants`);
      stale++;
    } else {
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, text);
      console.log(`constants: wrote ${path}`);
    }
  }
  if (stale > 0) process.exit(1);
}
