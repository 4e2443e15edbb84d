// The state tree: build 2^20 leaves, then batches of 10,000 random leaf updates + root, in the
// WASM core (4-ary and binary) and in the TypeScript reference. Also multiproof sizes per shape.

import { ReferenceMerkleTree, WasmCore } from "../dist/index.js";
import { pseudoRandomBytes, pseudoRandomIndices, runSuite } from "./lib.js";

const SHAPES = [
  { label: "4-ary depth 16", shape: { arity: 4, depth: 16 } },
  { label: "binary depth 32", shape: { arity: 2, depth: 32 } },
];

function leaves(count, seed) {
  return pseudoRandomBytes(count * 32, seed);
}

// Build inputs are generated once, outside the timed functions: chunks of 2^16 leaves.
const CHUNK = 1 << 16;
const chunkCache = new Map();
function chunkInputs(start, n) {
  const key = `${start}:${n}`;
  if (!chunkCache.has(key)) {
    chunkCache.set(key, { indices: Uint32Array.from({ length: n }, (_, i) => start + i), values: leaves(n, start + 7) });
  }
  return chunkCache.get(key);
}

function fill(tree, count) {
  for (let start = 0; start < count; start += CHUNK) {
    const { indices, values } = chunkInputs(start, Math.min(CHUNK, count - start));
    tree.setMany(indices, values);
  }
  return tree.root();
}

export function treeSuites({ quick }) {
  const leafCount = quick ? 1 << 16 : 1 << 20;
  const updates = 10_000;
  const results = [];
  const core = WasmCore.createSync();
  const log2 = Math.log2(leafCount);
  const warm = core.createTree();
  fill(warm, leafCount); // warms the input cache so no case pays for generating data
  warm.dispose();

  // Build: fill leafCount leaves from empty and compute the root.
  results.push(
    ...runSuite(
      `build 2^${log2} leaves + root`,
      [
        ...SHAPES.map(({ label, shape }) => ({
          name: `l2engine WASM ${label}`,
          unit: "leaves/s",
          opsPerCall: leafCount,
          minSamples: 3,
          fn: () => {
            const t = core.createTree(shape);
            fill(t, leafCount);
            t.dispose();
          },
        })),
        {
          name: "TS reference 4-ary depth 16",
          unit: "leaves/s",
          opsPerCall: leafCount,
          minSamples: quick ? 2 : 1,
          maxTime: quick ? 1 : 0.1,
          fn: () => fill(new ReferenceMerkleTree({ arity: 4, depth: 16 }), leafCount),
        },
      ],
      { quick },
    ),
  );

  // Updates: 8 prepared batches cycled, so every call writes new values at new indices.
  const batches = Array.from({ length: 8 }, (_, b) => ({
    indices: pseudoRandomIndices(updates, leafCount, 1000 + b),
    values: leaves(updates, 2000 + b),
  }));
  const cases = [];
  for (const { label, shape } of SHAPES) {
    const wasm = core.createTree(shape);
    fill(wasm, leafCount);
    const ref = new ReferenceMerkleTree(shape);
    fill(ref, leafCount);
    let w = 0;
    let r = 0;
    cases.push({
      name: `l2engine WASM ${label}`,
      unit: "updates/s",
      opsPerCall: updates,
      fn: () => {
        const b = batches[w++ & 7];
        wasm.setMany(b.indices, b.values);
        wasm.root();
      },
    });
    cases.push({
      name: `TS reference ${label}`,
      unit: "updates/s",
      opsPerCall: updates,
      minSamples: quick ? 2 : 5,
      fn: () => {
        const b = batches[r++ & 7];
        ref.setMany(b.indices, b.values);
        ref.root();
      },
    });
  }
  results.push(...runSuite(`${updates} random leaf updates + root on 2^${log2} leaves`, cases, { quick }));
  return results;
}

/** Multiproof sizes for random leaf sets in a full 2^20-leaf tree (bytes, deterministic). */
export function proofSizes({ quick }) {
  const leafCount = quick ? 1 << 16 : 1 << 20;
  const core = WasmCore.createSync();
  const out = [];
  console.log(`\n## multiproof bytes on 2^${Math.log2(leafCount)} leaves (mean of 200 random sets)`);
  for (const { label, shape } of SHAPES) {
    const t = core.createTree(shape);
    fill(t, leafCount);
    for (const k of [1, 2, 3]) {
      let total = 0;
      for (let trial = 0; trial < 200; trial++) {
        const set = [...new Set(pseudoRandomIndices(k, leafCount, trial * 31 + k))].sort((a, b) => a - b);
        total += t.prove(set).length;
      }
      const bytes = total / 200;
      out.push({ shape: label, leaves: k, bytes });
      console.log(`  ${label.padEnd(16)} ${k} leaf/leaves: ${bytes.toFixed(0)} bytes`);
    }
    t.dispose();
  }
  return out;
}
