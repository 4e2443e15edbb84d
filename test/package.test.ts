// The published artifact, used as a consumer would: `npm pack`, install the tarball into a fresh
// project, and run a small script through both the ESM and the CJS entry points.
import { describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

const consumer = (importLine: string) => `${importLine}
const key = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const domain = { chainId: 1n, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3" };
const engine = l2.Engine.create({ ...domain, genesis: [
  { owner: l2.addressOf(key), token: 1, balance: 100n, nonce: 0n },
  { owner: l2.addressOf(key), token: 1, balance: 0n, nonce: 0n },
] });
const tx = l2.signTransaction({ type: "transfer", from: 0, to: 1, amount: 40n, fee: 0n, nonce: 0n }, key, domain);
const res = engine.applyBatch({ feePairs: [], l1Messages: [], txs: [tx] });
const core = engine.core;
const proof = engine.proveSlots([1]);
const leaf = core.keccak256(l2.encodeSlot(engine.getSlot(1)));
const ok = core.verifyMultiproof(l2.STATE_TREE_SHAPE, l2.fromHex(res.postTreeRoot), proof, [leaf]);
const bytes = l2.encodeBatch({ feePairs: [], txs: [tx] });
console.log(JSON.stringify({ status: res.receipts[0].status, balance: String(engine.getSlot(1).balance), ok, da: bytes.length }));
`;

describe("the packed package", () => {
  it("installs from its tarball and works through ESM and CJS", () => {
    const work = mkdtempSync(join(tmpdir(), "l2engine-pack-"));
    try {
      installAndRun(work);
    } finally {
      rmSync(work, { recursive: true, force: true }); // the consumer's node_modules: ~36 MB a run
    }
  }, 300_000);

  it("ships one copy of the WASM, no source maps, no generated API site, and lmdb only as optional", () => {
    const [packed] = JSON.parse(execFileSync(npm, ["pack", "--dry-run", "--json", "--ignore-scripts", "--silent"], { cwd: root, encoding: "utf8" })) as [
      { files: { path: string }[] },
    ];
    const paths = packed.files.map((f) => f.path);
    expect(paths.filter((p) => p.endsWith(".map"))).toEqual([]);
    expect(paths.filter((p) => p.endsWith(".wasm"))).toEqual([]);
    expect(paths.filter((p) => p.startsWith("docs/") && !/^docs\/[^/]+\.md$/.test(p))).toEqual([]);
    // the core is inlined as base64 (D6): once in the ESM chunks and once in the CJS ones
    const wasm = readFileSync(join(root, "build/release.wasm")).toString("base64");
    const holders = paths.filter((p) => /\.c?js$/.test(p) && readFileSync(join(root, p), "utf8").includes(wasm));
    expect(holders.map((p) => p.slice(p.lastIndexOf("."))).sort()).toEqual([".cjs", ".js"]);
    for (const p of paths.filter((x) => /\.c?js$/.test(x))) expect(readFileSync(join(root, p), "utf8"), p).not.toMatch(/sourceMappingURL/);
    // l2engine/l1's deployRollup loads the rollup's compiled contracts from build/contracts: those
    // seven ship, the test tokens and harnesses do not
    const contracts = ["Inbox", "Batches", "Claims", "StepVerifier", "OneStepProver", "DisputeGame", "Bridge"];
    expect(paths.filter((p) => p.startsWith("build/")).sort()).toEqual(contracts.map((c) => `build/contracts/${c}.json`).sort());
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    expect(pkg.dependencies.lmdb).toBeUndefined();
    expect(pkg.optionalDependencies.lmdb).toBeDefined();
  });
});

function installAndRun(work: string): void {
  // --ignore-scripts: `prepare` would rebuild (and first wipe) dist/ while other test files use it
  execFileSync(npm, ["pack", "--ignore-scripts", "--pack-destination", work, "--silent"], { cwd: root, stdio: "pipe" });
  const tarball = readdirSync(work).find((f) => f.endsWith(".tgz"))!;
  expect(tarball).toMatch(/^l2engine-.*\.tgz$/);
  const project = join(work, "consumer");
  execFileSync("mkdir", ["-p", project]);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true }));
  // dependencies come from the npm cache `npm ci` filled, else from the registry
  execFileSync(npm, ["install", join(work, tarball), "--prefer-offline", "--no-audit", "--no-fund", "--silent"], {
    cwd: project,
    stdio: "pipe",
    timeout: 240_000,
  });
  writeFileSync(join(project, "esm.mjs"), consumer('import * as l2 from "l2engine";'));
  writeFileSync(join(project, "cjs.cjs"), consumer('const l2 = require("l2engine");'));
  writeFileSync(
    join(project, "node.mjs"),
    `import { RecoverPool, secp256k1WasmRecovery, Chain, LmdbStore } from "l2engine/node";
const domain = { chainId: 1n, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3" };
const genesis = [{ owner: "0x${"ab".repeat(20)}", token: 1, balance: 5n, nonce: 0n }];
const chain = Chain.open({ store: LmdbStore.open("./state"), genesis, ...domain });
const root = chain.head.stateRoot;
chain.close();
const again = Chain.open({ store: LmdbStore.open("./state"), ...domain });
console.log(typeof RecoverPool, secp256k1WasmRecovery.name, again.state.stateRoot() === root);
again.close();
`,
  );
  // l2engine/reference: the same classes and functions the main entry still exports (deprecated there)
  const names = ["ReferenceEngine", "ReferenceMerkleTree", "isqrt", "referenceZeroHashes", "referenceComputeProofRoot"];
  writeFileSync(
    join(project, "reference.mjs"),
    `import * as ref from "l2engine/reference";
import * as l2 from "l2engine";
console.log(String(ref.isqrt(17n)), ${JSON.stringify(names)}.every((n) => typeof ref[n] === "function" && ref[n] === l2[n]));
`,
  );
  writeFileSync(
    join(project, "reference.cjs"),
    `const ref = require("l2engine/reference");
const l2 = require("l2engine");
console.log(String(ref.isqrt(17n)), ${JSON.stringify(names)}.every((n) => typeof ref[n] === "function" && ref[n] === l2[n]));
`,
  );
  for (const file of ["reference.mjs", "reference.cjs"]) {
    const r = spawnSync(process.execPath, [file], { cwd: project, encoding: "utf8" });
    expect(r.stderr, file).toBe("");
    expect(r.stdout.trim(), file).toBe("4 true");
  }
  const want = { status: 0, balance: "40", ok: true, da: 75 }; // 3 header (version, no fee pairs, n) + 2 types + 2 slots + 2+1 amounts + 1 nonce + 64
  for (const file of ["esm.mjs", "cjs.cjs"]) {
    const r = spawnSync(process.execPath, [file], { cwd: project, encoding: "utf8" });
    expect(r.stderr, file).toBe("");
    expect(JSON.parse(r.stdout), file).toEqual(want);
  }
  const n = spawnSync(process.execPath, ["node.mjs"], { cwd: project, encoding: "utf8" });
  expect(n.stderr).toBe("");
  expect(n.stdout.trim()).toBe("function tiny-secp256k1 true"); // LMDB loads its prebuilt binary from the install

  // without the optional lmdb (`npm install --omit=optional`): both entries still load, and only
  // opening an LmdbStore fails, with a typed error that says what to install
  renameSync(join(project, "node_modules/lmdb"), join(project, "node_modules/lmdb-hidden"));
  writeFileSync(
    join(project, "no-lmdb.mjs"),
    `import * as l2 from "l2engine";
import { LmdbStore, MemoryStore, StoreError } from "l2engine/node";
try { LmdbStore.open("./state2"); } catch (e) { console.log(typeof l2.Engine, typeof MemoryStore, e instanceof StoreError, e.fault, /npm install lmdb/.test(e.message)); }
`,
  );
  const m = spawnSync(process.execPath, ["no-lmdb.mjs"], { cwd: project, encoding: "utf8" });
  expect(m.stderr).toBe("");
  expect(m.stdout.trim()).toBe("function function true UNAVAILABLE true");
  renameSync(join(project, "node_modules/lmdb-hidden"), join(project, "node_modules/lmdb"));

  typeCheckReadme(project);
}

/**
 * Every ```ts block of README.md, and the deprecated reference names used as types, compiled by
 * tsc against the installed tarball's declarations under the strictest consumer settings (D37):
 * the examples must type-check as a user's project would see them, not only run.
 */
function typeCheckReadme(project: string): void {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((b) => b[1]!);
  expect(blocks.length).toBe(7);
  // .mts: ES modules (top-level await) in a package.json without "type"
  blocks.forEach((code, i) => writeFileSync(join(project, `readme-${i + 1}.mts`), code));
  writeFileSync(
    join(project, "types.mts"),
    `import { ReferenceEngine, ReferenceMerkleTree, STATE_TREE_SHAPE, type TransferTx } from "l2engine";
const engine: ReferenceEngine = new ReferenceEngine([]);
const tree: ReferenceMerkleTree = new ReferenceMerkleTree(STATE_TREE_SHAPE);
const tx: TransferTx = { type: "transfer", from: 0, to: 1, amount: 1n, fee: 0n, nonce: 0n };
console.log(engine.stateRoot(), tree.root().length, tx.type);
`,
  );
  writeFileSync(
    join(project, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        module: "nodenext",
        moduleResolution: "nodenext",
        target: "es2022",
        noEmit: true,
        types: ["node"],
        typeRoots: [join(root, "node_modules/@types")],
      },
      include: ["*.mts"],
    }),
  );
  // typescript from the repository's install, by path: the consumer has no dev dependencies
  const tsc = spawnSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", project], { cwd: project, encoding: "utf8" });
  expect(tsc.stdout + tsc.stderr).toBe("");
  expect(tsc.status).toBe(0);
}
