// Compiles contracts/ with solc-js (the pinned npm `solc`): no network, no native compiler. Writes
// one artifact per contract to build/contracts/<Name>.json: { abi, bytecode, deployedBytecode }.
// solc-js with viaIR takes tens of seconds on the step verifier, so a build whose sources, settings
// and compiler match the last one (build/contracts/.cache-key) is skipped.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import solc from "solc";

const root = new URL("..", import.meta.url).pathname;
const dir = join(root, "contracts");
const sources = {};
const walk = (d) => {
  for (const name of readdirSync(d).sort()) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith(".sol")) sources[relative(dir, p)] = { content: readFileSync(p, "utf8") };
  }
};
walk(dir);
const input = {
  language: "Solidity",
  sources,
  settings: {
    optimizer: { enabled: true, runs: 10_000 },
    viaIR: true,
    evmVersion: "prague",
    outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"] } },
  },
};
const out = join(root, "build", "contracts");
const keyFile = join(out, ".cache-key");
const key = createHash("sha256").update(solc.version()).update(JSON.stringify(input)).digest("hex");
if (existsSync(keyFile) && readFileSync(keyFile, "utf8") === key) {
  console.log(`contracts: unchanged since the last build (${Object.keys(sources).length} sources), not recompiled`);
  process.exit(0);
}
const output = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (output.errors ?? []).filter((e) => e.severity === "error");
for (const e of output.errors ?? []) process.stderr.write(`${e.formattedMessage}\n`);
if (errors.length > 0) process.exit(1);
mkdirSync(out, { recursive: true });
let count = 0;
for (const [file, contracts] of Object.entries(output.contracts)) {
  for (const [name, c] of Object.entries(contracts)) {
    // libraries inlined into their users, and the generated constants (nothing to deploy)
    if (!c.evm.bytecode.object || file.startsWith("generated/")) continue;
    writeFileSync(
      join(out, `${name}.json`),
      JSON.stringify({ source: file, abi: c.abi, bytecode: `0x${c.evm.bytecode.object}`, deployedBytecode: `0x${c.evm.deployedBytecode.object}` }),
    );
    count++;
  }
}
writeFileSync(keyFile, key); // last: an interrupted build never leaves a key for missing artifacts
console.log(`contracts: ${count} artifacts from ${Object.keys(sources).length} sources (solc ${solc.version()})`);
