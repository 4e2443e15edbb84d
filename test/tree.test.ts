import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { CapacityError, InvalidArgumentError, ReferenceMerkleTree, STATE_TREE_SHAPE, WasmCore, toHex, type TreeShape } from "../src/index.js";

const core = WasmCore.createSync();
const leafArb = fc.uint8Array({ minLength: 32, maxLength: 32 });

function leafOf(n: number): Uint8Array {
  return keccak_256(new TextEncoder().encode(`leaf ${n}`));
}

/** Empty-tree root computed from first principles: Z(l+1) = keccak(Z(l) × arity). */
function emptyRoot(shape: TreeShape): string {
  let z = new Uint8Array(32);
  for (let l = 0; l < shape.depth; l++) {
    const buf = new Uint8Array(32 * shape.arity);
    for (let c = 0; c < shape.arity; c++) buf.set(z, 32 * c);
    z = keccak_256(buf);
  }
  return toHex(z);
}

const SHAPES: TreeShape[] = [
  { arity: 4, depth: 16 },
  { arity: 2, depth: 32 },
  { arity: 4, depth: 3 },
  { arity: 2, depth: 5 },
  { arity: 4, depth: 1 },
];

describe("WASM tree vs reference tree", () => {
  for (const shape of SHAPES) {
    it(`empty root from first principles (arity ${shape.arity}, depth ${shape.depth})`, () => {
      expect(toHex(core.createTree(shape).root())).toBe(emptyRoot(shape));
      expect(toHex(new ReferenceMerkleTree(shape).root())).toBe(emptyRoot(shape));
    });
  }

  it("a single leaf's root equals a hand-built path (4-ary, depth 16)", () => {
    // leaf 5 = child 1 of node 1 at level 1; everything else is zero subtrees
    const leaf = leafOf(5);
    const zeros = new ReferenceMerkleTree().zeros;
    let node = keccak_256(new Uint8Array([...zeros[0]!, ...leaf, ...zeros[0]!, ...zeros[0]!]));
    node = keccak_256(new Uint8Array([...zeros[1]!, ...node, ...zeros[1]!, ...zeros[1]!]));
    for (let l = 2; l < 16; l++) node = keccak_256(new Uint8Array([...node, ...zeros[l]!, ...zeros[l]!, ...zeros[l]!]));
    const tree = core.createTree(STATE_TREE_SHAPE);
    tree.set(5, leaf);
    expect(toHex(tree.root())).toBe(toHex(node));
  });

  for (const shape of SHAPES) {
    it(`random update sequences give identical roots and leaves (arity ${shape.arity}, depth ${shape.depth})`, () => {
      const maxIndex = Math.min(2 ** ((shape.arity === 4 ? 2 : 1) * shape.depth), 5000);
      const op = fc.record({
        // a mix of dense (small) and spread-out indices, and duplicates within one batch
        entries: fc.array(fc.tuple(fc.oneof(fc.nat(Math.min(15, maxIndex - 1)), fc.nat(maxIndex - 1)), leafArb), { maxLength: 40 }),
        commit: fc.boolean(),
      });
      fc.assert(
        fc.property(fc.array(op, { minLength: 1, maxLength: 12 }), (ops) => {
          const wasm = core.createTree(shape);
          const ref = new ReferenceMerkleTree(shape);
          try {
            for (const { entries, commit } of ops) {
              const indices = entries.map((e) => e[0]);
              const leaves = entries.map((e) => e[1]);
              wasm.setMany(indices, leaves);
              ref.setMany(indices, leaves);
              if (commit) expect(toHex(wasm.root())).toBe(toHex(ref.root()));
            }
            expect(toHex(wasm.root())).toBe(toHex(ref.root()));
            for (const { entries } of ops) {
              for (const [idx] of entries) expect(toHex(wasm.get(idx))).toBe(toHex(ref.get(idx)));
            }
          } finally {
            wasm.dispose();
          }
        }),
        { numRuns: 60 },
      );
    });
  }

  it("agrees with the reference for large sparse indices and capacity growth (4-ary)", () => {
    const wasm = core.createTree();
    const ref = new ReferenceMerkleTree();
    const indices = [0, 1, 255, 256, 4095, 4096, 70000, 1_000_000, 2 ** 24 - 1];
    indices.forEach((i) => {
      wasm.set(i, leafOf(i));
      ref.set(i, leafOf(i));
      expect(toHex(wasm.root())).toBe(toHex(ref.root()));
    });
    expect(wasm.capacity()).toBe(2 ** 24);
    wasm.dispose();
  });

  it("later writes to the same index win, within and across batches", () => {
    const wasm = core.createTree();
    const ref = new ReferenceMerkleTree();
    wasm.setMany([3, 3, 7], [leafOf(1), leafOf(2), leafOf(3)]);
    ref.setMany([3, 3, 7], [leafOf(1), leafOf(2), leafOf(3)]);
    expect(toHex(wasm.get(3))).toBe(toHex(leafOf(2)));
    expect(toHex(wasm.root())).toBe(toHex(ref.root()));
    // writing a leaf back to its old value restores the old root
    const before = toHex(wasm.root());
    wasm.set(7, leafOf(9));
    wasm.root();
    wasm.set(7, leafOf(3));
    expect(toHex(wasm.root())).toBe(before);
  });
});

describe("tree input errors leave the tree untouched", () => {
  it("rejects bad indices and leaves before changing anything", () => {
    const tree = core.createTree({ arity: 4, depth: 3 }); // 64 leaves
    tree.setMany([1, 2], [leafOf(1), leafOf(2)]);
    const root = toHex(tree.root());
    const bad: [number[], Uint8Array[]][] = [
      [
        [1, 64],
        [leafOf(5), leafOf(6)],
      ], // second index outside 4^3
      [
        [1, -1],
        [leafOf(5), leafOf(6)],
      ],
      [
        [1, 1.5],
        [leafOf(5), leafOf(6)],
      ],
      [
        [1, Number.NaN],
        [leafOf(5), leafOf(6)],
      ],
      [
        [1, 2],
        [leafOf(5), new Uint8Array(31)],
      ],
      [[1, 2], [leafOf(5)]],
    ];
    for (const [indices, leaves] of bad) {
      expect(() => tree.setMany(indices, leaves)).toThrow(InvalidArgumentError);
      expect(toHex(tree.get(1))).toBe(toHex(leafOf(1)));
      expect(toHex(tree.root())).toBe(root);
    }
    expect(() => tree.set(0, new Uint8Array(33))).toThrow(/32 bytes/);
    expect(() => tree.get(64)).toThrow(InvalidArgumentError);
  });

  it("reports capacity beyond 2^24 leaves as a CapacityError and keeps the state", () => {
    const tree = core.createTree();
    tree.set(10, leafOf(10));
    const root = toHex(tree.root());
    expect(() => tree.setMany([11, 2 ** 24], [leafOf(11), leafOf(12)])).toThrow(CapacityError);
    expect(toHex(tree.get(11))).toBe(toHex(new Uint8Array(32)));
    expect(toHex(tree.root())).toBe(root);
    tree.dispose();
  });

  it("rejects unsupported shapes and use after dispose", () => {
    expect(() => core.createTree({ arity: 3 as 4, depth: 4 })).toThrow(InvalidArgumentError);
    expect(() => core.createTree({ arity: 4, depth: 17 })).toThrow(InvalidArgumentError);
    expect(() => core.createTree({ arity: 2, depth: 0 })).toThrow(InvalidArgumentError);
    const t = core.createTree();
    t.dispose();
    expect(() => t.root()).toThrow(/disposed/);
  });
});

describe("memory growth", () => {
  it("keeps results correct when linear memory grows past its initial pages", () => {
    const fresh = WasmCore.createSync();
    const initialBytes = fresh.memoryBytes();
    const small = fresh.createTree();
    small.set(1, leafOf(1));
    const smallRoot = toHex(small.root());
    // 2^18 leaves: ~11 MB of nodes, several memory.grow calls inside one WASM call
    const n = 1 << 18;
    const big = fresh.createTree();
    const ref = new ReferenceMerkleTree();
    const indices = Array.from({ length: n }, (_, i) => i);
    const leaves = new Uint8Array(n * 32);
    for (let i = 0; i < n; i++) leaves.set(leafOf(i % 97), i * 32);
    big.setMany(indices, leaves);
    expect(fresh.memoryBytes()).toBeGreaterThan(initialBytes + 8 * 1024 * 1024);
    ref.setMany(indices, leaves);
    expect(toHex(big.root())).toBe(toHex(ref.root()));
    // older trees and hashing still work against the grown memory
    expect(toHex(small.root())).toBe(smallRoot);
    expect(toHex(small.get(1))).toBe(toHex(leafOf(1)));
    expect(toHex(fresh.keccak256(new Uint8Array(3)))).toBe(toHex(keccak_256(new Uint8Array(3))));
  });
});
