// `l2engine tree-demo`: the state tree alone — build a Merkle state, apply random update batches,
// print throughput and roots.

import { toHex } from "../protocol/bytes.js";
import { WasmCore } from "../core/wasm-core.js";
import { UsageError, parseArgs } from "./args.js";
import { progress } from "./progress.js";

/** Deterministic leaf indices: xorshift32 seeded per batch. */
function randomIndices(count: number, bound: number, seed: number): Uint32Array {
  const out = new Uint32Array(count);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x % bound;
  }
  return out;
}

/** Leaf values = keccak256(seed ‖ batch ‖ i), hashed inside the core in one call. */
function leafValues(core: WasmCore, count: number, seed: number, batch: number): Uint8Array {
  const input = new Uint8Array(count * 64);
  const view = new DataView(input.buffer);
  for (let i = 0; i < count; i++) {
    view.setUint32(i * 64, seed, true);
    view.setUint32(i * 64 + 4, batch, true);
    view.setUint32(i * 64 + 8, i, true);
  }
  return core.keccak256Many(input, 64);
}

export function treeDemo(args: string[]): number {
  const p = parseArgs("tree-demo", args, { numbers: { leaves: 1 << 20, batches: 20, "batch-size": 10_000, seed: 1 } });
  const leaves = p.numbers.leaves!,
    batches = p.numbers.batches!,
    batchSize = p.numbers["batch-size"]!,
    seed = p.numbers.seed!;
  if (leaves < 1 || leaves > 1 << 24) throw new UsageError("--leaves must be from 1 to 16777216");
  const core = WasmCore.createSync();
  const tree = core.createTree();
  console.log(`l2engine demo: 4-ary depth-16 keccak state tree, ${leaves} leaves, ${batches} batches × ${batchSize} updates`);

  const chunk = 1 << 16;
  let t0 = performance.now();
  for (let start = 0; start < leaves; start += chunk) {
    const n = Math.min(chunk, leaves - start);
    const indices = Array.from({ length: n }, (_, i) => start + i);
    tree.setMany(indices, leafValues(core, n, seed, 0xffffffff - start / chunk));
    progress("building state", start + n, leaves);
  }
  const genesisRoot = tree.root();
  const buildMs = performance.now() - t0;
  console.log(`genesis root ${toHex(genesisRoot)}  (${leaves} leaves in ${buildMs.toFixed(0)} ms)`);

  let updateMs = 0;
  let root = genesisRoot;
  for (let b = 0; b < batches; b++) {
    const indices = randomIndices(batchSize, leaves, seed * 1_000_003 + b);
    const values = leafValues(core, batchSize, seed, b);
    t0 = performance.now();
    tree.setMany(indices, values);
    root = tree.root();
    updateMs += performance.now() - t0;
    progress("applying batches", b + 1, batches);
    if (!process.stderr.isTTY && (b < 3 || b === batches - 1)) console.log(`batch ${b}: root ${toHex(root)}`);
  }
  const updates = batches * batchSize;
  console.log("");
  console.log("summary");
  console.log(`  state build       ${((leaves / buildMs) * 1000).toFixed(0).padStart(10)} leaves/s`);
  if (updates > 0) {
    console.log(`  batch updates     ${((updates / updateMs) * 1000).toFixed(0).padStart(10)} updates/s (root included, ${updates} updates)`);
  }
  console.log(`  memory            ${(core.memoryBytes() / 2 ** 20).toFixed(0).padStart(10)} MiB of WASM linear memory`);
  console.log(`  final root        ${toHex(root)}`);
  return 0;
}
